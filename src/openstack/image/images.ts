import type { Readable } from 'node:stream';
import { Pager, type PageOptions } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/**
 * Glance v2 images and members. Glance puts custom properties (os_distro, hw_*) at the top level
 * of the image object; `parseImage` moves them into `properties` so the typed fields stay explicit.
 * Hidden images (`os_hidden`, Rocky+) are left out of listings unless `os_hidden=true` is asked.
 */

export interface Image {
  id: string;
  name: string | null;
  status: string;
  visibility: 'public' | 'private' | 'shared' | 'community';
  /** Project id; null for images created without one. */
  owner: string | null;
  disk_format: string | null;
  container_format: string | null;
  size: number | null;
  virtual_size?: number | null;
  checksum: string | null;
  os_hash_algo?: string | null;
  os_hash_value?: string | null;
  min_disk: number;
  min_ram: number;
  protected: boolean;
  os_hidden?: boolean;
  tags: string[];
  created_at: string;
  updated_at: string;
  /** Everything glance returned that is not a field above or a link (sorted by key). */
  properties: Record<string, unknown>;
}

export interface ImageMember {
  image_id: string;
  /** The project the image is shared with. */
  member_id: string;
  status: 'pending' | 'accepted' | 'rejected';
}

export interface ImageListOptions extends PageOptions {
  /** "all" includes shared and community images. @default "all" */
  visibility?: 'all' | 'public' | 'private' | 'shared' | 'community';
  /** true: only hidden images; false/absent: only visible ones (glance's default). */
  os_hidden?: boolean;
  owner?: string;
  status?: string;
  name?: string;
  /** Only images carrying this tag. */
  tag?: string;
}

const IMAGE_FIELDS = new Set([
  'id', 'name', 'status', 'visibility', 'owner', 'disk_format', 'container_format', 'size', 'virtual_size', 'checksum', 'os_hash_algo',
  'os_hash_value', 'min_disk', 'min_ram', 'protected', 'os_hidden', 'tags', 'created_at', 'updated_at',
]);
// Links, store internals and locations (which may embed backend credentials) are never kept.
const DROPPED_FIELDS = new Set(['self', 'file', 'schema', 'locations', 'direct_url', 'stores']);

/** Raw glance JSON → Image. */
export function parseImage(raw: unknown): Image {
  const obj = raw as Record<string, unknown>;
  const properties: Record<string, unknown> = {};
  for (const key of Object.keys(obj).sort()) {
    if (!IMAGE_FIELDS.has(key) && !DROPPED_FIELDS.has(key)) properties[key] = obj[key];
  }
  const pick = <T>(key: string, fallback: T): T => (obj[key] === undefined ? fallback : (obj[key] as T));
  return {
    id: obj.id as string,
    name: pick<string | null>('name', null),
    status: pick('status', 'unknown'),
    visibility: pick('visibility', 'private'),
    owner: pick<string | null>('owner', null),
    disk_format: pick<string | null>('disk_format', null),
    container_format: pick<string | null>('container_format', null),
    size: pick<number | null>('size', null),
    virtual_size: pick<number | null>('virtual_size', null),
    checksum: pick<string | null>('checksum', null),
    os_hash_algo: pick<string | null>('os_hash_algo', null),
    os_hash_value: pick<string | null>('os_hash_value', null),
    min_disk: pick('min_disk', 0),
    min_ram: pick('min_ram', 0),
    protected: pick('protected', false),
    os_hidden: pick('os_hidden', false),
    tags: pick<string[]>('tags', []),
    created_at: pick('created_at', ''),
    updated_at: pick('updated_at', ''),
    properties,
  };
}

const listURL = (c: ServiceClient): string => c.url('images');
const getURL = (c: ServiceClient, id: string): string => c.url('images', id);
const membersURL = (c: ServiceClient, id: string): string => c.url('images', id, 'members');

/** GET /v2/images, following glance's `next`. */
export function list(client: ServiceClient, options: ImageListOptions = {}): Pager<Image> {
  const { pageSize, visibility = 'all', ...query } = options;
  return new Pager<Image>(client, listURL(client), {
    key: 'images', style: 'glance', ...(pageSize ? { pageSize } : {}), query: { ...query, visibility }, map: parseImage,
  });
}

export async function get(client: ServiceClient, id: string): Promise<Image> {
  return parseImage(await client.get<unknown>(getURL(client, id)));
}

/** The projects a `shared` image is shared with. Glance answers 403 for non-shared images. */
export function listMembers(client: ServiceClient, imageId: string): Pager<ImageMember> {
  return new Pager<ImageMember>(client, membersURL(client, imageId), { key: 'members', style: 'single' });
}

// ---- writes ---------------------------------------------------------------------------------

export interface ImageCreate {
  name: string;
  disk_format: string;
  container_format: string;
  visibility?: Image['visibility'];
  min_disk?: number;
  min_ram?: number;
  protected?: boolean;
  tags?: string[];
  os_hidden?: boolean;
  /** Admin: the owning project. */
  owner?: string;
  /** Extra properties (os_distro, hw_*, pumphouse_source), top-level keys in Glance's API. */
  [property: string]: unknown;
}

/** POST /v2/images: an image record, `queued` until its data is uploaded. */
export async function create(client: ServiceClient, image: ImageCreate): Promise<Image> {
  return parseImage(await client.post<unknown>(listURL(client), image, { okCodes: [201] }));
}

/** Images whose property `key` equals `value` (Glance filters lists by any property). */
export function listByProperty(client: ServiceClient, key: string, value: string): Pager<Image> {
  return new Pager<Image>(client, listURL(client), { key: 'images', style: 'glance', query: { [key]: value, visibility: 'all' }, map: parseImage });
}

/** GET /v2/images/{id}/file as a stream (204 when the image has no data). */
export function download(client: ServiceClient, id: string): ReturnType<ServiceClient['download']> {
  return client.download(client.url('images', id, 'file'));
}

/** PUT /v2/images/{id}/file from a stream; the image must be `queued`. */
export async function upload(client: ServiceClient, id: string, data: Readable, size?: number): Promise<void> {
  await client.upload(client.url('images', id, 'file'), data, size);
}

/** JSON-patch of properties: `add` works for new and existing keys alike. */
export async function setProperties(client: ServiceClient, id: string, properties: Record<string, unknown>): Promise<Image> {
  const ops = Object.entries(properties).map(([key, value]) => ({ op: 'add', path: `/${key}`, value }));
  return parseImage(await client.patch<unknown>(getURL(client, id), ops, { headers: { 'Content-Type': 'application/openstack-images-v2.1-json-patch' } }));
}

/** JSON-patch removing properties; Glance answers 409 for one that is not there, so ask only for present ones. */
export async function removeProperties(client: ServiceClient, id: string, keys: readonly string[]): Promise<Image> {
  const ops = keys.map((key) => ({ op: 'remove', path: `/${key}` }));
  return parseImage(await client.patch<unknown>(getURL(client, id), ops, { headers: { 'Content-Type': 'application/openstack-images-v2.1-json-patch' } }));
}

/** Shares a `shared` image with a project (its status starts `pending`); already a member counts as done. */
export async function addMember(client: ServiceClient, id: string, projectId: string): Promise<void> {
  await client.post(membersURL(client, id), { member: projectId }, { okCodes: [200, 409] });
}

/** Sets a member's status. Glance lets the member project or an admin do it, never the owner alone. */
export async function setMemberStatus(client: ServiceClient, id: string, projectId: string, status: ImageMember['status']): Promise<void> {
  await client.put(client.url('images', id, 'members', projectId), { status }, { okCodes: [200], retrySafe: true });
}

/** Stops sharing an image with a project; not a member counts as done. */
export async function removeMember(client: ServiceClient, id: string, projectId: string): Promise<void> {
  await client.delete(client.url('images', id, 'members', projectId), { missingOk: true });
}

export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(getURL(client, id), { missingOk: true });
}
