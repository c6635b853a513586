import { blockStorage, collectAll } from '../../openstack/index.js';
import { sortedRecord, type Collector } from './collector.js';
import { ownedNaming } from './owned.js';

type Snapshot = blockStorage.snapshots.Snapshot;

export const volumeSnapshotCollector: Collector<Snapshot> = {
  name: 'volume-snapshot',
  kind: 'volume-snapshot',
  service: 'block-storage',
  fetch: async (ctx) => collectAll(blockStorage.snapshots.list(await ctx.cloud.blockStorage(), { all_tenants: true, pageSize: ctx.pageSize })),
  naming: (s, ctx) => ownedNaming(ctx, s.id, s.name, blockStorage.snapshots.projectOf(s)),
  build: (s, ctx) =>
    ctx.refs().one('volume', 'volume', s.volume_id).done({
      status: s.status, sizeGb: s.size, description: s.description ?? '', metadata: sortedRecord(s.metadata), createdAt: s.created_at,
    }),
};
