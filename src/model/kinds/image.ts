import { byCloud, cloud, defineKind, ID, NAME, attr, essential, key, needs, ref, settable, weak } from '../schema.js';

export interface ImageAttributes {
  status: string;
  visibility: string;
  diskFormat: string | null;
  containerFormat: string | null;
  size: number | null;
  virtualSize: number | null;
  checksum: string | null;
  hashAlgo: string | null;
  hashValue: string | null;
  minDiskGb: number;
  minRamMb: number;
  protected: boolean;
  hidden: boolean;
  tags: string[];
  /** Free-form properties, without kernel_id and ramdisk_id (references) and Glance's own. */
  properties: Record<string, unknown>;
  /** Member project address → its status (pending, accepted, rejected). */
  memberStatus: Record<string, string>;
  createdAt: string;
}

/** Glance's own fields; every other field of an image is a free-form property. */
export const IMAGE_OWN_FIELDS: ReadonlySet<string> = new Set([
  'id', 'name', 'status', 'visibility', 'disk_format', 'container_format', 'size', 'virtual_size', 'checksum',
  'os_hash_algo', 'os_hash_value', 'min_disk', 'min_ram', 'protected', 'os_hidden', 'tags', 'owner', 'created_at',
  'updated_at', 'self', 'file', 'schema', 'direct_url', 'locations', 'stores', 'kernel_id', 'ramdisk_id',
]);

/** A Glance image, matched by checksum and name; its data streamed and checked by md5. */
export const imageModel = defineKind<ImageAttributes>({
  kind: 'image',
  attributes: {
    status: cloud,
    visibility: settable,
    diskFormat: essential,
    containerFormat: essential,
    size: cloud,
    virtualSize: cloud,
    checksum: key,
    hashAlgo: cloud,
    hashValue: cloud,
    minDiskGb: settable,
    minRamMb: settable,
    protected: settable,
    hidden: settable,
    tags: settable,
    properties: settable,
    memberStatus: settable,
    createdAt: cloud,
  },
  references: {
    owner: needs('project', 'owner project'),
    members: weak('project', 'member project'),
    kernel: needs('image', 'kernel image', true),
    ramdisk: needs('image', 'ramdisk image', true),
  },
  api: {
    image: {
      id: ID, name: NAME, status: attr('status'), visibility: attr('visibility'), disk_format: attr('diskFormat'),
      container_format: attr('containerFormat'), size: attr('size'), virtual_size: attr('virtualSize'),
      checksum: attr('checksum'), os_hash_algo: attr('hashAlgo'), os_hash_value: attr('hashValue'),
      min_disk: attr('minDiskGb'), min_ram: attr('minRamMb'), protected: attr('protected'), os_hidden: attr('hidden'),
      tags: attr('tags'), owner: ref('owner'), created_at: attr('createdAt'), kernel_id: ref('kernel'), ramdisk_id: ref('ramdisk'),
      updated_at: byCloud('update time'), self: byCloud('hypermedia link'), file: byCloud('hypermedia link'), schema: byCloud('hypermedia link'),
      direct_url: byCloud('the source store’s location'), locations: byCloud('the source store’s locations'), stores: byCloud('the source’s stores'),
      '*': attr('properties'),
    },
    member: {
      image_id: ID, member_id: ref('members'), status: attr('memberStatus'),
      created_at: byCloud('creation time'), updated_at: byCloud('update time'), schema: byCloud('hypermedia link'),
    },
  },
});
