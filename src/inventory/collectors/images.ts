import { image, collectAll, mapLimit, type ServiceClient } from '../../openstack/index.js';
import { sortedRecord, unlessGone, type Collector } from './collector.js';
import { ownedNaming } from './owned.js';

/** Image properties that hold other images' ids. */
const IMAGE_REFERENCE_PROPERTIES = ['kernel_id', 'ramdisk_id'];

function stringProperty(properties: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = properties?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function withoutKeys<V>(record: Record<string, V> | undefined, keys: readonly string[]): Record<string, V> {
  return Object.fromEntries(Object.entries(record ?? {}).filter(([k]) => !keys.includes(k)));
}

/** An image with its members (for `shared` images). */
export interface ImageItem {
  image: image.images.Image;
  members: image.images.ImageMember[];
}

async function withMembers(client: ServiceClient, img: image.images.Image): Promise<ImageItem> {
  return { image: img, members: img.visibility === 'shared' ? await collectAll(image.images.listMembers(client, img.id)) : [] };
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
    return mapLimit([...byId.values()], ctx.concurrency, (img) => withMembers(client, img));
  },
  fetchOne: async (cloud, id) => {
    const client = await cloud.image();
    return unlessGone(async () => withMembers(client, await image.images.get(client, id)));
  },
  naming: ({ image: i }, ctx) => ownedNaming(ctx, i.id, i.name, i.owner),
  build: ({ image: i, members }, ctx) =>
    ctx.refs()
      .one('owner', 'project', i.owner)
      .many('members', 'project', members.map((m) => m.member_id))
      .one('kernel', 'image', stringProperty(i.properties, 'kernel_id'))
      .one('ramdisk', 'image', stringProperty(i.properties, 'ramdisk_id'))
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
        // kernel_id and ramdisk_id name images of this cloud: they are references, not properties.
        properties: sortedRecord(withoutKeys(i.properties, IMAGE_REFERENCE_PROPERTIES)),
        // By the member project's address, so the two clouds' lists compare.
        memberStatus: Object.fromEntries(members.map((m) => [ctx.address('project', m.member_id) ?? m.member_id, m.status]).sort()),
        createdAt: i.created_at,
      }),
};
