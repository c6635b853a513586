/**
 * Glance's write side: image records (create, JSON-patch, delete), image data (upload streamed
 * to the blob store, download streamed from it, with Glance's statuses: queued → saving →
 * active, back to queued when an upload breaks), members and tags.
 */
import { randomUUID } from 'node:crypto';
import { json, type Router, type SimResponse } from './http.js';
import type { GlanceCall } from './glance.js';
import { glanceError, renderImage } from './glance.js';
import { isoSeconds } from './ids.js';
import type { Image } from './store.js';

type Find = (call: GlanceCall) => { image: Image } | { error: SimResponse };
type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

const DISK_FORMATS = new Set(['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop']);
const CONTAINER_FORMATS = new Set(['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed']);
/** Fields a client may not set (Glance answers 403 "Attribute 'x' is read-only."). */
const READ_ONLY = new Set(['checksum', 'size', 'virtual_size', 'status', 'created_at', 'updated_at', 'os_hash_algo', 'os_hash_value', 'self', 'file', 'schema', 'stores', 'direct_url']);
const FIELDS: Record<string, (img: Image, v: unknown) => void> = {
  name: (img, v) => (img.name = String(v ?? '')),
  visibility: (img, v) => (img.visibility = v as Image['visibility']),
  min_disk: (img, v) => (img.minDiskGb = Number(v)),
  min_ram: (img, v) => (img.minRamMb = Number(v)),
  protected: (img, v) => (img.protected = v === true),
  os_hidden: (img, v) => (img.hidden = v === true),
  tags: (img, v) => (img.tags = Array.isArray(v) ? [...new Set(v.map(String))] : []),
  disk_format: (img, v) => (img.diskFormat = String(v)),
  container_format: (img, v) => (img.containerFormat = String(v)),
  owner: (img, v) => (img.ownerId = String(v)),
};

/** Properties Glance's schema-image.json types: the AMI kernel and ramdisk are image ids (UUIDs). */
const UUID = /^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$/;
const IMAGE_ID_PROPERTIES = new Set(['kernel_id', 'ramdisk_id']);

/** Glance's schema check of one property value, as the 400 it answers. */
function invalidProperty(req: GlanceCall['req'], key: string, value: unknown): SimResponse | undefined {
  if (IMAGE_ID_PROPERTIES.has(key) && value !== null && !(typeof value === 'string' && UUID.test(value))) {
    return glanceError(req, 400, `Provided object does not match schema 'image': '${String(value)}' does not match '${UUID.source}'`);
  }
  return undefined;
}

export function addGlanceWrites(r: Router<GlanceCall>, findImage: Find): void {
  r.add('POST', '/v2/images', (req, call) => {
    const b = isObject(req.body) ? req.body : undefined;
    if (!b) return glanceError(req, 400, 'Body expected in request.');
    for (const key of Object.keys(b)) if (READ_ONLY.has(key)) return glanceError(req, 403, `Attribute '${key}' is read-only.`);
    if (b['disk_format'] !== undefined && !DISK_FORMATS.has(String(b['disk_format']))) return glanceError(req, 400, `Invalid value '${String(b['disk_format'])}' for parameter 'disk_format'`);
    if (b['container_format'] !== undefined && !CONTAINER_FORMATS.has(String(b['container_format']))) return glanceError(req, 400, `Invalid value '${String(b['container_format'])}' for parameter 'container_format'`);
    const id = typeof b['id'] === 'string' ? b['id'] : randomUUID();
    if (call.ctx.store.images.get(id)) return glanceError(req, 409, `Image with identifier ${id} already exists!`);
    if (b['owner'] !== undefined && b['owner'] !== call.caller.projectId && !call.caller.isAdmin) return glanceError(req, 403, 'You are not permitted to create images owned by another project.');
    const now = Date.now();
    const image: Image = {
      id, name: '', ownerId: call.caller.projectId ?? '', visibility: 'shared', status: 'queued', sizeBytes: null, virtualSizeBytes: null,
      diskFormat: '', containerFormat: '', checksum: null, osHashAlgo: null, osHashValue: null, minRamMb: 0, minDiskGb: 0,
      protected: false, hidden: false, properties: {}, tags: [], members: [], createdAt: now, updatedAt: now,
    };
    for (const [key, value] of Object.entries(b)) {
      if (key === 'id') continue;
      const invalid = invalidProperty(req, key, value);
      if (invalid) return invalid;
      const set = FIELDS[key];
      if (set) set(image, value);
      else if (typeof value === 'string') image.properties[key] = value;
      else if (value === null && IMAGE_ID_PROPERTIES.has(key)) continue;
      else return glanceError(req, 400, `Invalid value for property '${key}': not a string`);
    }
    call.ctx.store.images.insert(image);
    return json(201, renderImage(image), { location: `${call.ctx.origin()}/image/v2/images/${id}` });
  });

  r.add('PATCH', '/v2/images/:id', (req, call) => {
    const found = findImage(call);
    if ('error' in found) return found.error;
    if (!(String(req.headers['content-type'] ?? '')).startsWith('application/openstack-images-v2.1-json-patch')) {
      return glanceError(req, 415, `Unsupported Content-Type`);
    }
    const image = found.image;
    if (!call.caller.isAdmin && image.ownerId !== call.caller.projectId) return glanceError(req, 403, 'You are not permitted to modify this image.');
    const ops = Array.isArray(req.body) ? (req.body as Body[]) : [];
    for (const op of ops) {
      const key = String(op['path'] ?? '').replace(/^\//, '');
      if (READ_ONLY.has(key)) return glanceError(req, 403, `Attribute '${key}' is read-only.`);
      if (op['op'] === 'remove') {
        if (!(key in image.properties)) return glanceError(req, 409, `Property ${key} does not exist.`);
        delete image.properties[key];
        continue;
      }
      const invalid = invalidProperty(req, key, op['value']);
      if (invalid) return invalid;
      const set = FIELDS[key];
      if (set) set(image, op['value']);
      // Glance keeps a null kernel/ramdisk id and shows it as null; here it is simply not set.
      else if (op['value'] === null && IMAGE_ID_PROPERTIES.has(key)) delete image.properties[key];
      else image.properties[key] = String(op['value']);
    }
    image.updatedAt = Date.now();
    return json(200, renderImage(image));
  });

  r.add('DELETE', '/v2/images/:id', (req, call) => {
    const found = findImage(call);
    if ('error' in found) return found.error;
    if (found.image.protected) return glanceError(req, 403, `Image ${found.image.id} is protected and cannot be deleted.`);
    call.ctx.store.images.delete(found.image.id);
    call.ctx.store.blobs.delete(`image:${found.image.id}`);
    return { status: 204 };
  });

  r.add('PUT', '/v2/images/:id/file', async (req, call) => {
    const found = findImage(call);
    if ('error' in found) return found.error;
    const image = found.image;
    if (image.status !== 'queued') return glanceError(req, 409, `Image status transition from ${image.status} to saving is not allowed`);
    if (!req.stream) return glanceError(req, 415, 'Unsupported Content-Type');
    if (!image.diskFormat || !image.containerFormat) return glanceError(req, 400, 'Properties disk_format, container_format must be set prior to saving data.');
    image.status = 'saving';
    try {
      const info = await call.ctx.store.blobs.write(`image:${image.id}`, req.stream);
      const finish = (): void => {
        Object.assign(image, { status: 'active', sizeBytes: info.size, virtualSizeBytes: info.size, checksum: info.md5, osHashAlgo: 'sha512', osHashValue: info.sha512, updatedAt: Date.now() });
      };
      // Glance answers once the data is stored; a hang fault keeps the image `saving` until lifted.
      if (call.ctx.faults.hangs('image', image.name)) call.ctx.lifecycle.later('image', image.name, finish);
      else finish();
      return { status: 204 };
    } catch {
      // The client went away mid-upload: Glance drops the partial data and the image is queued again.
      image.status = 'queued';
      return glanceError(req, 400, 'Error in store configuration or the upload was interrupted.');
    }
  });

  r.add('GET', '/v2/images/:id/file', (req, call) => {
    const found = findImage(call);
    if ('error' in found) return found.error;
    const image = found.image;
    const info = call.ctx.store.blobs.info(`image:${image.id}`);
    if (!info || image.status !== 'active') return { status: 204 };
    return {
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(info.size), 'content-md5': Buffer.from(info.md5, 'hex').toString('base64') },
      stream: call.ctx.store.blobs.read(`image:${image.id}`),
    };
  });

  r.add('POST', '/v2/images/:id/members', (req, call) => {
    const found = findImage(call);
    if ('error' in found) return found.error;
    const image = found.image;
    if (!call.caller.isAdmin && call.caller.projectId !== image.ownerId) return glanceError(req, 403, 'You are not permitted to create image members for the image.');
    if (image.visibility !== 'shared') return glanceError(req, 403, `Not allowed to create members for image ${image.id}: Only shared images have members.`);
    const member = isObject(req.body) ? String(req.body['member'] ?? '') : '';
    if (image.members.some((m) => m.memberId === member)) return glanceError(req, 409, `Member ${member} already exists for image ${image.id}.`);
    const now = Date.now();
    image.members.push({ memberId: member, status: 'pending', createdAt: now, updatedAt: now });
    return json(200, { image_id: image.id, member_id: member, status: 'pending', schema: '/v2/schemas/member' });
  });

  addMemberWrites(r, findImage);

  r.add('PUT', '/v2/images/:id/tags/:tag', (_req, call) => {
    const found = findImage(call);
    if ('error' in found) return found.error;
    const tag = call.req.params['tag'] ?? '';
    if (!found.image.tags.includes(tag)) found.image.tags.push(tag);
    return { status: 204 };
  });

  r.add('DELETE', '/v2/images/:id/tags/:tag', (req, call) => {
    const found = findImage(call);
    if ('error' in found) return found.error;
    const tag = call.req.params['tag'] ?? '';
    if (!found.image.tags.includes(tag)) return glanceError(req, 404, `Tag ${tag} not found.`);
    found.image.tags = found.image.tags.filter((t) => t !== tag);
    return { status: 204 };
  });
}

const MEMBER_STATUSES = new Set(['pending', 'accepted', 'rejected']);

function renderMember(image: Image, m: Image['members'][number]): Body {
  return { created_at: isoSeconds(m.createdAt), image_id: image.id, member_id: m.memberId, schema: '/v2/schemas/member', status: m.status, updated_at: isoSeconds(m.updatedAt) };
}

/**
 * One membership: show (the owner, the member, an admin), status (the member or an admin, never the
 * owner alone: glance/api/authorization.py ImageMemberRepoProxy.save), delete (the owner or an admin).
 */
function addMemberWrites(r: Router<GlanceCall>, findImage: Find): void {
  const lookup = (call: GlanceCall): { image: Image; member: Image['members'][number] } | { error: SimResponse } => {
    const found = findImage(call);
    if ('error' in found) return found;
    const memberId = call.req.params['member'] ?? '';
    const member = found.image.members.find((m) => m.memberId === memberId);
    const visible = call.caller.isAdmin || call.caller.projectId === found.image.ownerId || call.caller.projectId === memberId;
    if (!member || !visible) return { error: glanceError(call.req, 404, `${memberId} is not a member of image ${found.image.id}`) };
    return { image: found.image, member };
  };
  r.add('GET', '/v2/images/:id/members/:member', (_req, call) => {
    const found = lookup(call);
    return 'error' in found ? found.error : json(200, renderMember(found.image, found.member));
  });
  r.add('PUT', '/v2/images/:id/members/:member', (req, call) => {
    const found = lookup(call);
    if ('error' in found) return found.error;
    if (!call.caller.isAdmin && call.caller.projectId !== found.member.memberId) return glanceError(req, 403, `You cannot update image member ${found.member.memberId}`);
    const status = isObject(req.body) ? req.body['status'] : undefined;
    if (typeof status !== 'string' || !MEMBER_STATUSES.has(status)) return glanceError(req, 400, `Invalid status: ${String(status)}`);
    found.member.status = status as Image['members'][number]['status'];
    found.member.updatedAt = Date.now();
    return json(200, renderMember(found.image, found.member));
  });
  r.add('DELETE', '/v2/images/:id/members/:member', (req, call) => {
    const found = lookup(call);
    if ('error' in found) return found.error;
    if (!call.caller.isAdmin && call.caller.projectId !== found.image.ownerId) return glanceError(req, 403, `You cannot delete image member for ${found.image.id}`);
    found.image.members = found.image.members.filter((m) => m !== found.member);
    return { status: 204 };
  });
}
