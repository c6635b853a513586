import { image, collectAll, mapLimit } from '../../openstack/index.js';
import { sortedRecord, type Collector } from './collector.js';
import { ownedNaming } from './owned.js';

/** An image with its members (for `shared` images). */
export interface ImageItem {
  image: image.images.Image;
  members: image.images.ImageMember[];
}

export const imageCollector: Collector<ImageItem> = {
  name: 'image',
  kind: 'image',
  service: 'image',
  fetch: async (ctx) => {
    const client = await ctx.cloud.image();
    // Hidden images are only listed when asked for, and then only they are.
    const [visible, hidden] = await Promise.all([
      collectAll(image.images.list(client, { visibility: 'all', pageSize: ctx.pageSize })),
      collectAll(image.images.list(client, { visibility: 'all', os_hidden: true, pageSize: ctx.pageSize })),
    ]);
    const byId = new Map([...visible, ...hidden].map((i) => [i.id, i]));
    return mapLimit([...byId.values()], ctx.concurrency, async (img) => ({
      image: img,
      members: img.visibility === 'shared' ? await collectAll(image.images.listMembers(client, img.id)) : [],
    }));
  },
  naming: ({ image: i }, ctx) => ownedNaming(ctx, i.id, i.name, i.owner),
  build: ({ image: i, members }, ctx) =>
    ctx.refs()
      .one('owner', 'project', i.owner)
      .many('members', 'project', members.map((m) => m.member_id))
      .done({
        status: i.status,
        visibility: i.visibility,
        diskFormat: i.disk_format,
        containerFormat: i.container_format,
        size: i.size,
        virtualSize: i.virtual_size ?? null,
        checksum: i.checksum,
        hashAlgo: i.os_hash_algo ?? null,
        hashValue: i.os_hash_value ?? null,
        minDiskGb: i.min_disk,
        minRamMb: i.min_ram,
        protected: i.protected,
        hidden: i.os_hidden ?? false,
        tags: [...i.tags].sort(),
        properties: sortedRecord(i.properties),
        memberStatus: Object.fromEntries(members.map((m) => [m.member_id, m.status]).sort()),
        createdAt: i.created_at,
      }),
};
