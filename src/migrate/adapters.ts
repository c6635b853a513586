import type { StepContext } from '../executor/runner.js';
import type { InventoryResource } from '../inventory/model.js';
import type { blockStorage, compute, image, network } from '../openstack/index.js';
import type { NamedTemporaries, TemporarySpec } from './temporaries.js';

/**
 * What the server and volume steps need of the clouds, each as a small interface: Nova servers,
 * Glance images, Cinder volumes and snapshots, Neutron floating IPs and ports, and the few composite
 * operations that have modules of their own (booting as the owner, streaming an image, reading a
 * copy back). openstack-adapters.ts puts the client behind them; unit tests put fakes there, so a
 * runner's order of calls, its records and its failure paths can be checked without HTTP.
 */

/** A server as the steps read it (a part of Nova's server). */
export type ServerView = Pick<compute.servers.Server, 'id' | 'status' | 'metadata' | 'tags' | 'locked' | 'OS-EXT-SRV-ATTR:user_data'>;

/** Nova's servers on one cloud (admin). */
export interface ServerOps {
  /** @throws the client's not-found error when there is no such server */
  get(id: string): Promise<ServerView>;
  /** Servers of every project carrying the mark of source server `sourceId`. */
  listMarked(sourceId: string): Promise<ServerView[]>;
  /** Gone already is no error. */
  remove(id: string): Promise<void>;
  start(id: string): Promise<void>;
  /** @throws the client's conflict error when Nova is busy with the server (or it stops already) */
  stop(id: string): Promise<void>;
  lock(id: string): Promise<void>;
  unlock(id: string): Promise<void>;
  /** Adds (or overwrites) these metadata keys, keeping the others. */
  addMetadata(id: string, metadata: Record<string, string>): Promise<void>;
  /** createImage: a snapshot of the server's disk, as a Glance image; its id. */
  snapshot(id: string, name: string, metadata: Record<string, string>): Promise<string>;
}

export type ImageView = Pick<image.images.Image, 'id' | 'status' | 'disk_format' | 'container_format' | 'min_disk' | 'min_ram' | 'properties'>;

/** Glance on one cloud. */
export interface ImageOps {
  get(id: string): Promise<ImageView>;
  listByProperty(key: string, value: string): Promise<ImageView[]>;
  setProperties(id: string, properties: Record<string, string>): Promise<void>;
  remove(id: string): Promise<void>;
}

export type FloatingIpView = Pick<network.floatingIps.FloatingIp, 'id' | 'floating_ip_address' | 'floating_network_id' | 'project_id' | 'port_id' | 'tags'>;

/** A floating IP to allocate (admin: in any project); without an address Neutron picks one from the network's range. */
export interface FloatingIpCreate {
  project_id: string;
  floating_network_id: string;
  description: string;
  floating_ip_address?: string;
}

/** Neutron's floating IPs on one cloud (admin). */
export interface FloatingIpOps {
  portOf(id: string): Promise<string | null>;
  setPort(id: string, portId: string): Promise<void>;
  /** Floating IPs of every project carrying the mark of source floating IP `sourceId`. */
  listMarked(sourceId: string): Promise<FloatingIpView[]>;
  /** Floating IPs holding `address`, of every project or of `projectId` only. */
  listByAddress(address: string, projectId?: string): Promise<FloatingIpView[]>;
  /** @throws the client's conflict error when the address is taken, a 400 when the network's range does not hold it */
  create(body: FloatingIpCreate): Promise<FloatingIpView>;
  setTags(id: string, tags: readonly string[]): Promise<void>;
  /** @throws the client's not-found error when it is gone already */
  remove(id: string): Promise<void>;
}

/** Neutron's ports on the target: only their admin state (a warm copy's ports are down until its cutover). */
export interface PortOps {
  adminStateUp(id: string): Promise<boolean>;
  setAdminStateUp(id: string, up: boolean): Promise<void>;
}

export type VolumeView = Pick<blockStorage.volumes.Volume, 'id' | 'status' | 'size' | 'bootable' | 'attachments' | 'volume_image_metadata'>;
export type SnapshotView = Pick<blockStorage.snapshots.Snapshot, 'id' | 'status'>;

/** Cinder's volumes on one cloud (admin). */
export interface VolumeOps {
  /** @throws the client's not-found error when there is no such volume */
  get(id: string): Promise<VolumeView>;
  /** Volumes of every project carrying the mark of source volume `sourceId`. */
  listMarked(sourceId: string): Promise<VolumeView[]>;
  /** In the admin's own project: for temporaries. */
  create(body: blockStorage.volumes.VolumeCreate): Promise<VolumeView>;
  remove(id: string): Promise<void>;
  /** os-volume_upload_image; the new image's id. */
  uploadToImage(id: string, imageName: string): Promise<string>;
  setBootable(id: string, bootable: boolean): Promise<void>;
  setImageMetadata(id: string, metadata: Record<string, string>): Promise<void>;
  unsetImageMetadata(id: string, key: string): Promise<void>;
}

export interface SnapshotOps {
  get(id: string): Promise<SnapshotView>;
  create(body: { volume_id: string; name: string; force?: boolean; metadata?: Record<string, string> }): Promise<SnapshotView>;
  remove(id: string): Promise<void>;
}

/** The operations every copy step shares. */
export interface CopyOps {
  /** The copy of `source` as the target holds it now, in the source's terms (read-back.ts); undefined when gone. */
  readBack(source: InventoryResource, targetId: string): Promise<InventoryResource | undefined>;
  /** Makes sure the target holds an active, checksum-equal copy of a source image (images.ts); its id. */
  copyImage(ctx: StepContext, sourceImageId: string, record: () => image.images.ImageCreate): Promise<string>;
  /** The objects of a temporary's kind named `spec.name` on its cloud, usable and failed (temporaries.ts). */
  temporaries(spec: TemporarySpec): Promise<NamedTemporaries>;
}

/** The server step's view of both clouds. */
export interface ServerStepAdapters extends CopyOps {
  source: { servers: ServerOps; images: ImageOps; floatingIps: FloatingIpOps };
  target: { servers: ServerOps; images: ImageOps; floatingIps: FloatingIpOps; ports: PortOps };
  /**
   * Boots the copy in its target project, as the source's owner where Pumphouse can
   * (owner-session.ts), with the key that owner holds; the new server's id.
   */
  boot(ctx: StepContext, source: InventoryResource, projectId: string, body: Omit<compute.servers.ServerCreate, 'key_name'>): Promise<string>;
  /** The target image marked as the copy of source image `sourceImageId`. */
  findImageCopy(sourceImageId: string): Promise<{ id: string } | undefined>;
}

/** The volume step's view of both clouds. */
export interface VolumeStepAdapters extends CopyOps {
  source: { servers: ServerOps; volumes: VolumeOps; snapshots: SnapshotOps; images: ImageOps };
  target: { volumes: VolumeOps; images: ImageOps };
  /** Creates the copy in its target project (a project-scoped session: Cinder creates in the token's project). */
  createVolumeIn(projectId: string, body: blockStorage.volumes.VolumeCreate): Promise<VolumeView>;
}

/** The quotas of target projects, by service (compute, network, volume). */
export interface QuotaOps {
  limits(service: string, projectId: string): Promise<Record<string, unknown>>;
  setLimits(service: string, projectId: string, limits: Record<string, number>): Promise<void>;
}

/** A target security group's rules. */
export interface SecurityGroupRuleOps {
  group(id: string): Promise<Pick<network.securityGroups.SecurityGroup, 'id' | 'project_id' | 'security_group_rules'>>;
  /** @throws the client's conflict error when the group has the rule already */
  createRule(rule: network.securityGroups.SecurityGroupRuleCreate): Promise<void>;
  removeRule(id: string): Promise<void>;
}
