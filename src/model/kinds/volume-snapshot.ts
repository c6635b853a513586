import { byCloud, cloud, defineKind, ID, NAME, attr, info, lost, ref } from '../schema.js';

export interface VolumeSnapshotAttributes {
  status: string;
  sizeGb: number;
  description: string;
  metadata: Record<string, string>;
  createdAt: string;
}

/** A Cinder snapshot: stays on the source (the plan lists it under its volume). */
export const volumeSnapshotModel = defineKind<VolumeSnapshotAttributes>({
  kind: 'volume-snapshot',
  attributes: {
    status: cloud,
    sizeGb: cloud,
    description: lost('snapshots stay on the source'),
    metadata: lost('snapshots stay on the source'),
    createdAt: cloud,
  },
  references: { volume: info('volume', 'volume') },
  api: {
    snapshot: {
      id: ID, name: NAME, status: attr('status'), size: attr('sizeGb'), description: attr('description'), metadata: attr('metadata'),
      created_at: attr('createdAt'), volume_id: ref('volume'), updated_at: byCloud('update time'),
      'os-extended-snapshot-attributes:progress': byCloud('progress'), 'os-extended-snapshot-attributes:project_id': byCloud('the owner'),
      user_id: byCloud('the creator'), group_snapshot_id: byCloud('group snapshots are not migrated'), consumes_quota: byCloud('the backend’s'),
    },
  },
});
