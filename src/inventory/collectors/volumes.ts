import { blockStorage, collectAll } from '../../openstack/index.js';
import { addressPath } from '../address.js';
import { sortedRecord, unlessGone, type Collector } from './collector.js';
import { ownedNaming } from './owned.js';

type Volume = blockStorage.volumes.Volume;

export const volumeCollector: Collector<Volume> = {
  name: 'volume',
  kind: 'volume',
  service: 'block-storage',
  fetch: async (ctx) => collectAll(blockStorage.volumes.list(await ctx.cloud.blockStorage(), { all_tenants: true, pageSize: ctx.pageSize })),
  fetchOne: async (cloud, id) => unlessGone(async () => blockStorage.volumes.get(await cloud.blockStorage(), id)),
  naming: (v, ctx) => ownedNaming(ctx, v.id, v.name, blockStorage.volumes.projectOf(v)),
  build: (v, ctx) =>
    ctx.refs()
      .many('servers', 'server', v.attachments.map((a) => a.server_id))
      .one('snapshot', 'volume-snapshot', v.snapshot_id)
      .one('sourceVolume', 'volume', v.source_volid)
      .one('image', 'image', v.volume_image_metadata?.image_id)
      .one('creator', 'user', v.user_id)
      // The listing names the type, not its id.
      .address('volumeType', v.volume_type ? ctx.existing(`volume-type:${addressPath(v.volume_type)}`) : undefined, v.volume_type)
      .done({
        status: v.status,
        sizeGb: v.size,
        volumeType: v.volume_type,
        availabilityZone: v.availability_zone,
        bootable: v.bootable === 'true',
        encrypted: v.encrypted,
        multiattach: v.multiattach,
        description: v.description ?? '',
        metadata: sortedRecord(v.metadata),
        imageMetadata: sortedRecord(v.volume_image_metadata),
        attachments: v.attachments
          .map((a) => ({ server: ctx.address('server', a.server_id) ?? a.server_id, device: a.device, hostName: a.host_name }))
          .sort((a, b) => (a.server < b.server ? -1 : 1)),
        backendHost: v['os-vol-host-attr:host'] ?? null,
        createdAt: v.created_at,
      }),
};
