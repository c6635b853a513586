import { byCloud, cloud, defineKind, ID, NAME, attr, essential, info, lost, needs, ref, settable } from '../schema.js';

export interface VolumeAttributes {
  status: string;
  sizeGb: number;
  volumeType: string | null;
  availabilityZone: string;
  bootable: boolean;
  encrypted: boolean;
  multiattach: boolean;
  description: string;
  metadata: Record<string, string>;
  imageMetadata: Record<string, string>;
  attachments: Array<{ server: string; device: string; hostName: string | null }>;
  backendHost: string | null;
  createdAt: string;
}

/** A Cinder volume, copied through Glance into its project with its type (or map), AZ and metadata. */
export const volumeModel = defineKind<VolumeAttributes>({
  kind: 'volume',
  attributes: {
    status: cloud,
    sizeGb: essential,
    volumeType: { class: 'cloud', why: 'compared as the volumeType reference, through spec.maps.volumeTypes' },
    availabilityZone: { class: 'cloud', why: 'checked by the pre-flight; the copy is made in the same (or the only) zone' },
    bootable: settable,
    encrypted: lost('encryption: the copy is made through an image, unencrypted unless its type encrypts'),
    multiattach: cloud,
    description: settable,
    metadata: settable,
    imageMetadata: { class: 'cloud', why: 'Cinder records the image the copy was made from' },
    attachments: { class: 'cloud', why: 'attached again by the server step at the same devices' },
    backendHost: cloud,
    createdAt: cloud,
  },
  references: {
    volumeType: needs('volume-type', 'volume type'),
    servers: info('server', 'attached server'),
    snapshot: info('volume-snapshot', 'source snapshot'),
    sourceVolume: info('volume', 'source volume'),
    image: info('image', 'source image'),
    // Cinder records whoever creates a volume, and no API sets it: the plan lists the loss (src/diff/losses.ts).
    creator: info('user', 'creator'),
  },
  api: {
    volume: {
      id: ID, name: NAME, links: byCloud('hypermedia links'), status: attr('status'), size: attr('sizeGb'), volume_type: attr('volumeType'),
      availability_zone: attr('availabilityZone'), bootable: attr('bootable'), encrypted: attr('encrypted'), multiattach: attr('multiattach'),
      description: attr('description'), metadata: attr('metadata'), volume_image_metadata: attr('imageMetadata'),
      attachments: attr('attachments'), 'os-vol-host-attr:host': attr('backendHost'), created_at: attr('createdAt'),
      snapshot_id: ref('snapshot'), source_volid: ref('sourceVolume'), updated_at: byCloud('update time'),
      user_id: ref('creator'),
      'os-vol-tenant-attr:tenant_id': byCloud('the owner, recorded as the resource’s project'),
      'os-vol-mig-status-attr:migstat': byCloud('Cinder’s own migration state'), 'os-vol-mig-status-attr:name_id': byCloud('Cinder’s own migration state'),
      replication_status: byCloud('the backend’s'), consistencygroup_id: byCloud('consistency groups are not migrated'),
      group_id: byCloud('volume groups are not migrated'), volume_type_id: byCloud('the type, by name'),
      migration_status: byCloud('Cinder’s own migration state'), provider_id: byCloud('the backend’s'), service_uuid: byCloud('the backend’s'),
      shared_targets: byCloud('the backend’s'), cluster_name: byCloud('the backend’s'), consumes_quota: byCloud('the backend’s'),
      encryption_key_id: byCloud('the key manager’s'),
    },
  },
});
