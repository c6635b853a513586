/**
 * Glance's write side: image records (create, JSON-patch, delete), image data (upload streamed
 * to the blob store, download streamed from it, both at the cloud's bandwidth, with Glance's
 * statuses: queued → saving → active, back to queued when an upload breaks) and tags; members
 * are in glance-members.ts.
 */
import { randomUUID } from 'node:crypto';
import { header, json, type Router, type SimResponse } from './http.js';
import { requestedRange, sliceStream } from './byte-range.js';
import type { GlanceCall } from './glance.js';
import { glanceError, renderImage } from './glance.js';
import { isoSeconds } from './ids.js';
import { inspectedVirtualSize, QCOW2_HEADER_BYTES } from './image-format.js';
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

/** Properties schema-image.json declares as image ids (`null` or a uuid); Glance checks their pattern. */
const IMAGE_ID_PROPERTIES = new Set(['kernel_id', 'ramdisk_id']);
const UUID_PATTERN = '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$';

/** Glance's schema check of one property value (400 `Provided object does not match schema 'image'`). */
function schemaRefusal(call: GlanceCall, key: string, value: unknown): SimResponse | undefined {
  if (!IMAGE_ID_PROPERTIES.has(key) || value === null) return undefined;
  if (typeof value === 'string' && new RegExp(UUID_PATTERN).test(value)) return undefined;
  const shown = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return glanceError(call.req, 400, `Provided object does not match schema 'image': ${shown} does not match '${UUID_PATTERN}'`);
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
      const refused = schemaRefusal(call, key, value);
      if (refused) return refused;
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
      const refused = op['op'] === 'remove' ? undefined : schemaRefusal(call, key, op['value']);
      if (refused) return refused;
      if (op['op'] === 'remove') {
        if (!(key in image.properties)) return glanceError(req, 409, `Property ${key} does not exist.`);
        delete image.properties[key];
        continue;
      }
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
      // Read no faster than the cloud's bandwidth: the client's socket is back-pressured.
      const info = await call.ctx.store.blobs.write(`image:${image.id}`, call.ctx.faults.link.pace(req.stream));
      const virtualSize = inspectedVirtualSize(image.diskFormat, await call.ctx.store.blobs.head(`image:${image.id}`, QCOW2_HEADER_BYTES), info.size);
      const finish = (): void => {
        Object.assign(image, { status: 'active', sizeBytes: info.size, virtualSizeBytes: virtualSize, checksum: info.md5, osHashAlgo: 'sha512', osHashValue: info.sha512, updatedAt: Date.now() });
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

  r.add('GET', '/v2/images/:id/file', async (req, call) => {
    const found = findImage(call);
    if ('error' in found) return found.error;
    const image = found.image;
    if (image.status !== 'active') return { status: 204 };
    // An active image's hashes were taken before it went active: known, not hashed again.
    const info = await call.ctx.store.blobs.info(`image:${image.id}`);
    if (!info) return { status: 204 };
    const range = requestedRange(header(req, 'range'), info.size);
    if (range === 'unsatisfiable') return { status: 416, headers: { 'content-range': `bytes */${info.size}` } };
    const data = call.ctx.store.blobs.read(`image:${image.id}`);
    if (range) {
      // Only the range crosses the link.
      const partial: SimResponse = {
        status: 206,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${info.size}` },
        stream: call.ctx.faults.link.throttle(sliceStream(data, range)),
      };
      return partial;
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(info.size), 'content-md5': Buffer.from(info.md5, 'hex').toString('base64') },
      stream: call.ctx.faults.link.throttle(data),
    };
  });

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
