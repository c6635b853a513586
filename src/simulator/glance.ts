/**
 * Glance (image API v2) under `/image`, read side: version documents, image list with
 * Glance's own paging (`next` link in the body, relative to the endpoint), image show, image
 * members, and the image schemas clients fetch.
 *
 * Glance answers errors with webob's HTML page (JSON only when the client asks for it with
 * `Accept: application/json`), which this module reproduces.
 */
import { Router, json, webobHtml, header, queryLimit, type SimRequest, type SimResponse } from './http.js';
import { isoSeconds } from './ids.js';
import { addGlanceMembers, renderMember } from './glance-members.js';
import { addGlanceWrites } from './glance-writes.js';
import { callerOf, type ServiceApi, type ServiceContext } from './service.js';
import type { Image } from './store.js';
import type { AuthContext } from './tokens.js';

/** Glance's `limit_param_default` and `api_limit_max`. */
export const GLANCE_DEFAULT_LIMIT = 25;
export const GLANCE_MAX_LIMIT = 1000;

export interface GlanceCall { req: SimRequest; ctx: ServiceContext; caller: AuthContext }
type Call = GlanceCall;

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 500: 'Internal Server Error', 503: 'Service Unavailable' };

export function glanceError(req: SimRequest, status: number, detail: string): SimResponse {
  const title = TITLES[status] ?? 'Error';
  if ((header(req, 'accept') ?? '').includes('application/json')) {
    return json(status, { message: `${detail}<br /><br />\n\n\n`, code: `${status} ${title}`, title });
  }
  return webobHtml(status, title, detail);
}

const SUPPORTED = ['v2.15', 'v2.13', 'v2.12', 'v2.11', 'v2.10', 'v2.9', 'v2.8', 'v2.7', 'v2.6', 'v2.5', 'v2.4', 'v2.3', 'v2.2', 'v2.1', 'v2.0'];

function versions(ctx: ServiceContext): unknown {
  return { versions: SUPPORTED.map((id, i) => ({ id, status: i === 0 ? 'CURRENT' : 'SUPPORTED', links: [{ rel: 'self', href: `${ctx.origin()}/image/v2/` }] })) };
}

export function renderImage(img: Image): Record<string, unknown> {
  return {
    ...img.properties,
    name: img.name, disk_format: img.diskFormat, container_format: img.containerFormat, visibility: img.visibility,
    size: img.sizeBytes, virtual_size: img.virtualSizeBytes, status: img.status, checksum: img.checksum, protected: img.protected,
    min_ram: img.minRamMb, min_disk: img.minDiskGb, owner: img.ownerId, os_hidden: img.hidden, os_hash_algo: img.osHashAlgo,
    os_hash_value: img.osHashValue, id: img.id, created_at: isoSeconds(img.createdAt), updated_at: isoSeconds(img.updatedAt),
    tags: [...img.tags], self: `/v2/images/${img.id}`, file: `/v2/images/${img.id}/file`, schema: '/v2/schemas/image',
    ...(img.status === 'active' ? { stores: 'fs' } : {}),
  };
}

function memberOf(img: Image, projectId: string | undefined): Image['members'][number] | undefined {
  return projectId === undefined ? undefined : img.members.find((m) => m.memberId === projectId);
}

/** Whether the caller may see the image at all (GET /v2/images/{id}). */
function canSee(call: Call, img: Image): boolean {
  if (call.caller.isAdmin || img.visibility === 'public' || img.visibility === 'community') return true;
  if (img.ownerId === call.caller.projectId) return true;
  return img.visibility === 'shared' && memberOf(img, call.caller.projectId) !== undefined;
}

/** Glance's list visibility rules; see SPEC.md, "Glance". */
const LIST_PARAMS = new Set(['visibility', 'member_status', 'os_hidden', 'owner', 'name', 'status', 'disk_format', 'container_format', 'tag', 'limit', 'marker', 'sort', 'sort_key', 'sort_dir']);

function listFilter(call: Call): ((img: Image) => boolean) | SimResponse {
  const q = call.req.query;
  const visibility = q.get('visibility');
  if (visibility !== null && !['public', 'private', 'shared', 'community', 'all'].includes(visibility)) {
    return glanceError(call.req, 400, `Invalid visibility value: ${visibility}`);
  }
  const project = call.caller.projectId;
  const admin = call.caller.isAdmin;
  const memberStatus = q.get('member_status') ?? 'accepted';
  const sharedWithMe = (img: Image): boolean => {
    const m = memberOf(img, project);
    return m !== undefined && (memberStatus === 'all' || m.status === memberStatus);
  };
  const checks: ((img: Image) => boolean)[] = [];
  if (visibility === null || visibility === 'all') {
    if (!admin) {
      checks.push((img) => img.visibility === 'public' || img.ownerId === project || (img.visibility === 'shared' && sharedWithMe(img))
        || (visibility === 'all' && img.visibility === 'community'));
    }
  } else {
    checks.push((img) => img.visibility === visibility);
    if (!admin && visibility === 'private') checks.push((img) => img.ownerId === project);
    if (!admin && visibility === 'shared') checks.push((img) => img.ownerId === project || sharedWithMe(img));
  }
  const hidden = q.get('os_hidden');
  checks.push((img) => img.hidden === (hidden !== null && hidden.toLowerCase() === 'true'));
  for (const [param, get] of [['owner', (i: Image) => i.ownerId], ['name', (i: Image) => i.name], ['status', (i: Image) => i.status],
    ['disk_format', (i: Image) => i.diskFormat], ['container_format', (i: Image) => i.containerFormat]] as const) {
    const want = q.get(param);
    if (want !== null) checks.push((img) => get(img) === want);
  }
  const tags = q.getAll('tag');
  if (tags.length > 0) checks.push((img) => tags.every((t) => img.tags.includes(t)));
  // Any other parameter filters on an image property of that name, as Glance does.
  for (const [param, want] of q) {
    if (!LIST_PARAMS.has(param)) checks.push((img) => img.properties[param] === want);
  }
  return (img) => checks.every((c) => c(img));
}

function listImages(call: Call): SimResponse {
  const limit = queryLimit(call.req);
  if (limit === null) return glanceError(call.req, 400, 'limit param must be an integer');
  const size = Math.min(limit ?? GLANCE_DEFAULT_LIMIT, GLANCE_MAX_LIMIT);
  const filter = listFilter(call);
  if (typeof filter !== 'function') return filter;
  const marker = call.req.query.get('marker') ?? undefined;
  const page = call.ctx.store.images.page({ marker, limit: size, filter });
  if (!page.ok) return glanceError(call.req, 400, `marker not found`);
  const qs = call.req.query.toString();
  const body: Record<string, unknown> = { images: page.items.map(renderImage), first: `/v2/images${qs ? `?${qs}` : ''}`, schema: '/v2/schemas/images' };
  const last = page.items[page.items.length - 1];
  // Glance links the next page whenever the page is full, like Nova.
  if (last && page.items.length === size) {
    const next = new URLSearchParams(call.req.query);
    next.set('limit', String(size));
    next.set('marker', last.id);
    body['next'] = `/v2/images?${next.toString()}`;
  }
  return json(200, body);
}

function findImage(call: Call): { image: Image } | { error: SimResponse } {
  const id = call.req.params['id'] ?? '';
  const image = call.ctx.store.images.get(id);
  return image && canSee(call, image) ? { image } : { error: glanceError(call.req, 404, `No image found with ID ${id}`) };
}

function listMembers(call: Call): SimResponse {
  const found = findImage(call);
  if ('error' in found) return found.error;
  const image = found.image;
  if (image.visibility !== 'shared') {
    return glanceError(call.req, 403, `Not allowed to list members for image ${image.id}: Only shared images have members.`);
  }
  // A member project sees only its own membership.
  const members = call.caller.isAdmin || image.ownerId === call.caller.projectId ? image.members : image.members.filter((m) => m.memberId === call.caller.projectId);
  return json(200, { members: members.map((m) => renderMember(image, m)), schema: '/v2/schemas/members' });
}

/** The image schema, with the property types Glance declares (descriptions left out). */
function imageSchema(): Record<string, unknown> {
  const s = (type: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type, ...extra });
  return {
    name: 'image',
    properties: {
      id: s('string'), name: s(['null', 'string'], { maxLength: 255 }), status: s('string', { readOnly: true, enum: ['queued', 'saving', 'active', 'killed', 'deleted', 'uploading', 'importing', 'pending_delete', 'deactivated'] }),
      visibility: s('string', { enum: ['community', 'public', 'private', 'shared'] }), protected: s('boolean'), os_hidden: s('boolean'),
      checksum: s(['null', 'string'], { readOnly: true, maxLength: 32 }), os_hash_algo: s(['null', 'string'], { readOnly: true, maxLength: 64 }),
      os_hash_value: s(['null', 'string'], { readOnly: true, maxLength: 128 }), owner: s(['null', 'string'], { maxLength: 255 }),
      size: s(['null', 'integer'], { readOnly: true }), virtual_size: s(['null', 'integer'], { readOnly: true }),
      container_format: s(['null', 'string'], { enum: [null, 'ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'] }),
      disk_format: s(['null', 'string'], { enum: [null, 'ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'] }),
      created_at: s('string', { readOnly: true }), updated_at: s('string', { readOnly: true }), tags: s('array', { items: { type: 'string', maxLength: 255 } }),
      direct_url: s('string', { readOnly: true }), min_ram: s('integer'), min_disk: s('integer'), self: s('string', { readOnly: true }),
      file: s('string', { readOnly: true }), stores: s('string', { readOnly: true }), schema: s('string', { readOnly: true }),
      locations: s('array', { items: { type: 'object' } }),
      // From schema-image.json, which distributions install beside glance-api.
      kernel_id: s(['null', 'string'], { pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$' }),
      ramdisk_id: s(['null', 'string'], { pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$' }),
      instance_uuid: s('string'), architecture: s('string'), os_distro: s('string'), os_version: s('string'), description: s('string'),
    },
    additionalProperties: { type: 'string' },
    links: [{ rel: 'self', href: '{self}' }, { rel: 'enclosure', href: '{file}' }, { rel: 'describedby', href: '{schema}' }],
  };
}

function buildRouter(): Router<Call> {
  const r = new Router<Call>();
  r.get('/v2/images', (_req, c) => listImages(c));
  r.get('/v2/images/:id', (_req, c) => { const found = findImage(c); return 'error' in found ? found.error : json(200, renderImage(found.image)); });
  r.get('/v2/images/:id/members', (_req, c) => listMembers(c));
  r.get('/v2/schemas/image', () => json(200, imageSchema()));
  addGlanceWrites(r, findImage);
  addGlanceMembers(r);
  r.get('/v2/schemas/images', () => json(200, {
    name: 'images', properties: { images: { type: 'array', items: imageSchema() }, schema: { type: 'string' }, first: { type: 'string' }, next: { type: 'string' } },
    links: [{ rel: 'first', href: '{first}' }, { rel: 'next', href: '{next}' }, { rel: 'describedby', href: '{schema}' }],
  }));
  r.get('/v2/schemas/member', () => json(200, {
    name: 'member',
    properties: { member_id: { type: 'string' }, image_id: { type: 'string' }, created_at: { type: 'string' }, updated_at: { type: 'string' }, status: { type: 'string', enum: ['pending', 'accepted', 'rejected'] }, schema: { type: 'string', readOnly: true } },
  }));
  return r;
}

const router = buildRouter();

export const glance: ServiceApi = {
  name: 'image',
  prefix: '/image',
  async handle(req, ctx) {
    const path = req.path.replace(/\/+$/, '');
    if (path === '') return json(300, versions(ctx));
    if (path === '/versions') return json(200, versions(ctx));
    const m = router.match(req.method, req.path);
    const caller = callerOf(req, ctx);
    if (!caller) {
      const res = glanceError(req, 401, 'This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.');
      return { ...res, headers: { ...res.headers, 'www-authenticate': `Keystone uri="${ctx.origin()}/identity"` } };
    }
    if (m.kind === 'not-found') return glanceError(req, 404, 'The resource could not be found.');
    if (m.kind === 'method-not-allowed') return glanceError(req, 405, 'The method is not allowed for this resource.');
    return m.handler({ ...req, params: m.params }, { req: { ...req, params: m.params }, ctx, caller });
  },
  error: (req, status, message) => glanceError(req, status, message),
  requestIdHeaders: (id) => ({ 'x-openstack-request-id': id }),
};
