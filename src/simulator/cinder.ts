/**
 * Cinder (block storage API v3) under `/volume`, read side: version documents, volumes,
 * snapshots, volume types, attachments (3.27+), quotas and availability zones, all below
 * `/volume/v3/{project_id}` as Cinder's catalog URL has it.
 *
 * Microversions 3.0 … 3.70 (Zed) through `OpenStack-API-Version: volume 3.x`, echoed on every
 * response below `/v3`. Faults use Nova's envelope names, as Cinder's wsgi layer does.
 */
import { Router, json, webobHtml, queryFlag, queryLimit, linkWith, type SimRequest, type SimResponse } from './http.js';
import { addCinderWrites, volumeImageMetadata, type CinderCall } from './cinder-writes.js';
import { isoMicros } from './ids.js';
import { atLeast, formatVersion, negotiate, type Microversion, type MicroversionRange } from './microversion.js';
import { novaError as cinderError } from './nova.js';
import { callerOf, middlewareUnauthorized, type ServiceApi, type ServiceContext } from './service.js';
import type { CloudStore, Snapshot, Volume, VolumeType } from './store.js';
import type { PageResult, Table } from './table.js';
import type { AuthContext } from './tokens.js';

export const CINDER_VERSIONS: MicroversionRange = { service: 'volume', min: { major: 3, minor: 0 }, max: { major: 3, minor: 70 } };
/** Cinder's `osapi_max_limit` default. */
export const CINDER_MAX_LIMIT = 1000;

interface Call { req: SimRequest; ctx: ServiceContext; caller: AuthContext; v: Microversion; store: CloudStore; projectId: string }
type CinderHandler = (call: Call) => SimResponse;

function versions(ctx: ServiceContext): unknown {
  return {
    versions: [{
      id: 'v3.0', status: 'CURRENT', version: formatVersion(CINDER_VERSIONS.max), min_version: formatVersion(CINDER_VERSIONS.min), updated: '2022-08-31T00:00:00Z',
      links: [{ rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' }, { rel: 'self', href: `${ctx.origin()}/volume/v3/` }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
    }],
  };
}

function selfLinks(call: Call, path: string): unknown[] {
  const o = call.ctx.origin();
  return [{ href: `${o}/volume/v3/${call.projectId}/${path}`, rel: 'self' }, { href: `${o}/volume/${call.projectId}/${path}`, rel: 'bookmark' }];
}

/** Cinder's collection links: `next` whenever the page is exactly `limit` long. */
function collection<T extends { id: string }>(call: Call, key: string, page: PageResult<T>, limit: number, render: (row: T) => unknown): SimResponse {
  if (!page.ok) return cinderError(400, `Marker ${call.req.query.get('marker')} could not be found.`);
  const body: Record<string, unknown> = { [key]: page.items.map(render) };
  const last = page.items[page.items.length - 1];
  if (last && page.items.length === limit) body[`${key}_links`] = [{ href: linkWith(call.req, { marker: last.id, limit: String(limit) }), rel: 'next' }];
  return json(200, body);
}

/** Projects whose rows a listing covers: all (admin + all_tenants), or one. */
function listScope(call: Call): string | undefined {
  if (call.caller.isAdmin && queryFlag(call.req, 'all_tenants')) return call.req.query.get('project_id') ?? undefined;
  return call.caller.projectId;
}

function pageOf<T extends { id: string; projectId: string; name: string; status: string }>(call: Call, key: string, table: Table<T>, render: (row: T) => unknown, extra?: (row: T) => boolean): SimResponse {
  const limit = queryLimit(call.req);
  if (limit === null) return cinderError(400, 'limit param must be an integer');
  const size = Math.min(limit ?? CINDER_MAX_LIMIT, CINDER_MAX_LIMIT);
  const scope = listScope(call);
  const name = call.req.query.get('name');
  const status = call.req.query.get('status');
  const filter = (row: T): boolean => (name === null || row.name === name) && (status === null || row.status === status) && (extra?.(row) ?? true);
  const source = scope === undefined ? undefined : table.by('project', scope);
  const page = table.page({ marker: call.req.query.get('marker') ?? undefined, limit: size, filter }, source);
  return collection(call, key, page, size, render);
}

function renderVolume(call: Call, v: Volume, detail: boolean): unknown {
  if (!detail) return { id: v.id, links: selfLinks(call, `volumes/${v.id}`), name: v.name };
  const type = call.store.volumeTypes.get(v.volumeTypeId);
  const admin = call.caller.isAdmin;
  const body: Record<string, unknown> = {
    id: v.id, status: v.status, size: v.sizeGb, availability_zone: v.availabilityZone, created_at: isoMicros(v.createdAt), updated_at: isoMicros(v.updatedAt),
    name: v.name, description: v.description, volume_type: type?.name ?? null, snapshot_id: v.snapshotId, source_volid: v.sourceVolid,
    metadata: { ...v.metadata }, links: selfLinks(call, `volumes/${v.id}`), user_id: v.userId, bootable: String(v.bootable), encrypted: v.encrypted,
    replication_status: null, consistencygroup_id: null, multiattach: v.multiattach, migration_status: null,
    attachments: v.attachments.map((a) => ({
      id: v.id, attachment_id: a.attachmentId, volume_id: v.id, server_id: a.serverId, host_name: a.hostName, device: a.device, attached_at: isoMicros(a.attachedAt),
    })),
    'os-vol-tenant-attr:tenant_id': v.projectId,
  };
  if (admin) Object.assign(body, { 'os-vol-host-attr:host': v.backendHost, 'os-vol-mig-status-attr:migstat': null, 'os-vol-mig-status-attr:name_id': null });
  const imageMetadata = volumeImageMetadata(call.store, v);
  if (Object.keys(imageMetadata).length > 0) body['volume_image_metadata'] = imageMetadata;
  const ver = call.v;
  if (atLeast(ver, 3, 13)) body['group_id'] = null;
  if (atLeast(ver, 3, 21) && admin) body['provider_id'] = null;
  if (atLeast(ver, 3, 48)) body['shared_targets'] = false;
  if (atLeast(ver, 3, 48) && admin) body['service_uuid'] = null;
  if (atLeast(ver, 3, 61) && admin) body['cluster_name'] = null;
  if (atLeast(ver, 3, 63)) body['volume_type_id'] = v.volumeTypeId;
  if (atLeast(ver, 3, 65)) body['consumes_quota'] = true;
  return body;
}

function renderSnapshot(call: Call, s: Snapshot): unknown {
  return {
    id: s.id, created_at: isoMicros(s.createdAt), updated_at: isoMicros(s.updatedAt), name: s.name, description: s.description,
    volume_id: s.volumeId, status: s.status, size: s.sizeGb, metadata: { ...s.metadata },
    'os-extended-snapshot-attributes:project_id': s.projectId, 'os-extended-snapshot-attributes:progress': '100%',
    ...(atLeast(call.v, 3, 14) ? { group_snapshot_id: null } : {}), ...(atLeast(call.v, 3, 41) ? { user_id: s.userId } : {}),
    ...(atLeast(call.v, 3, 65) ? { consumes_quota: true } : {}),
  };
}

function renderType(call: Call, t: VolumeType): unknown {
  return {
    id: t.id, name: t.name, is_public: t.isPublic, description: t.description, ...(call.caller.isAdmin ? { extra_specs: { ...t.extraSpecs } } : {}),
    qos_specs_id: null, 'os-volume-type-access:is_public': t.isPublic,
  };
}

/** `metadata={"k":"v"}` (JSON, as the cinder client sends it): every pair must be on the volume. */
function metadataMatches(call: Call, v: Volume): boolean {
  const text = call.req.query.get('metadata');
  if (text === null) return true;
  try {
    const wanted = JSON.parse(text) as Record<string, unknown>;
    return Object.entries(wanted).every(([k, value]) => v.metadata[k] === String(value));
  } catch {
    return false;
  }
}

function visibleVolume(call: Call): Volume | undefined {
  const v = call.store.volumes.get(call.req.params['id'] ?? '');
  return v && (call.caller.isAdmin || v.projectId === call.caller.projectId) ? v : undefined;
}

function listAttachments(detail: boolean): CinderHandler {
  return (call) => {
    if (!atLeast(call.v, 3, 27)) return webobHtml(404, 'Not Found', 'The resource could not be found.');
    const scope = listScope(call);
    const volumes = scope === undefined ? call.store.volumes.all() : call.store.volumes.by('project', scope);
    const rows = volumes.flatMap((v) => v.attachments.map((a) => ({
      id: a.attachmentId, status: 'attached', instance: a.serverId, volume_id: v.id,
      ...(detail ? { attached_at: isoMicros(a.attachedAt), detached_at: null, attach_mode: 'rw', connection_info: null } : {}),
    })));
    return json(200, { attachments: rows });
  };
}

function quotaSet(defaults: boolean): CinderHandler {
  return (call) => {
    const target = call.req.params['target'] ?? '';
    if (!defaults && !call.caller.isAdmin && target !== call.caller.projectId) return cinderError(403, "Policy doesn't allow volume_extension:quotas:show to be performed.");
    const limits: Record<string, number> = defaults ? { ...call.store.quotaDefaults.volume } : call.store.quotaFor('volume', target);
    // Cinder adds per-type quotas for every volume type, unlimited unless set.
    for (const t of call.store.volumeTypes.all()) for (const k of ['volumes', 'gigabytes', 'snapshots']) limits[`${k}_${t.name}`] ??= -1;
    const usage = !defaults && queryFlag(call.req, 'usage') ? call.store.quotaUsage('volume', target) : undefined;
    const body: Record<string, unknown> = {};
    for (const [k, limit] of Object.entries(limits)) body[k] = usage ? { limit, in_use: usage[k] ?? 0, reserved: 0 } : limit;
    body['id'] = target;
    return json(200, { quota_set: body });
  };
}

function buildRouter(): Router<Call> {
  const r = new Router<Call>();
  const h = (fn: CinderHandler) => (_req: SimRequest, call: Call): SimResponse => fn(call);
  r.get('/v3/:project/volumes', h((c) => pageOf<Volume>(c, 'volumes', c.store.volumes, (v) => renderVolume(c, v, false))));
  r.get('/v3/:project/volumes/detail', h((c) => pageOf<Volume>(c, 'volumes', c.store.volumes, (v) => renderVolume(c, v, true), (v) => {
    const bootable = c.req.query.get('bootable');
    return (bootable === null || String(v.bootable) === bootable.toLowerCase()) && metadataMatches(c, v);
  })));
  r.get('/v3/:project/volumes/:id', h((c) => {
    const v = visibleVolume(c);
    return v ? json(200, { volume: renderVolume(c, v, true) }) : cinderError(404, `Volume ${c.req.params['id']} could not be found.`);
  }));
  r.get('/v3/:project/snapshots', h((c) => pageOf<Snapshot>(c, 'snapshots', c.store.snapshots, (s) => renderSnapshot(c, s))));
  r.get('/v3/:project/snapshots/detail', h((c) => pageOf<Snapshot>(c, 'snapshots', c.store.snapshots, (s) => renderSnapshot(c, s))));
  r.get('/v3/:project/snapshots/:id', h((c) => {
    const s = c.store.snapshots.get(c.req.params['id'] ?? '');
    return s && (c.caller.isAdmin || s.projectId === c.caller.projectId) ? json(200, { snapshot: renderSnapshot(c, s) }) : cinderError(404, `Snapshot ${c.req.params['id']} could not be found.`);
  }));
  r.get('/v3/:project/types', h((c) => json(200, { volume_types: c.store.volumeTypes.all().filter((t) => t.isPublic || c.caller.isAdmin).map((t) => renderType(c, t)) })));
  r.get('/v3/:project/types/default', h((c) => {
    const t = c.store.volumeTypes.by('name', '__DEFAULT__')[0] ?? c.store.volumeTypes.all()[0];
    return t ? json(200, { volume_type: renderType(c, t) }) : cinderError(404, 'Default volume type can not be found.');
  }));
  r.get('/v3/:project/types/:id', h((c) => {
    const t = c.store.volumeTypes.get(c.req.params['id'] ?? '');
    return t ? json(200, { volume_type: renderType(c, t) }) : cinderError(404, `Volume type ${c.req.params['id']} could not be found.`);
  }));
  r.get('/v3/:project/attachments', h(listAttachments(false)));
  r.get('/v3/:project/attachments/detail', h(listAttachments(true)));
  r.get('/v3/:project/os-quota-sets/:target', h(quotaSet(false)));
  r.get('/v3/:project/os-quota-sets/:target/defaults', h(quotaSet(true)));
  // The writes need only part of Call: a Call is a CinderCall.
  addCinderWrites(r as unknown as Router<CinderCall>, { volume: (c, v) => renderVolume(c as Call, v, true), snapshot: (c, sn) => renderSnapshot(c as Call, sn), error: cinderError });
  r.get('/v3/:project/os-availability-zone', h((c) => {
    const zones = [...new Set(c.store.volumes.all().map((v) => v.availabilityZone).concat('nova'))].sort();
    return json(200, { availabilityZoneInfo: zones.map((zoneName) => ({ zoneName, zoneState: { available: true } })) });
  }));
  return r;
}

const router = buildRouter();

function versionHeaders(echoed: string): Record<string, string> {
  return { 'openstack-api-version': `volume ${echoed}`, vary: 'OpenStack-API-Version' };
}

export const cinder: ServiceApi = {
  name: 'volume',
  prefix: '/volume',
  async handle(req, ctx) {
    const path = req.path.replace(/\/+$/, '');
    if (path === '') return { ...json(300, versions(ctx)), headers: versionHeaders('3.0') };
    if (path === '/v3') return { ...json(200, versions(ctx)), headers: versionHeaders('3.0') };
    const m = router.match(req.method, req.path);
    if (m.kind === 'not-found') return webobHtml(404, 'Not Found', 'The resource could not be found.');
    const negotiated = negotiate(req, CINDER_VERSIONS);
    if (!negotiated.ok) return { ...cinderError(negotiated.status, negotiated.message), headers: versionHeaders(negotiated.echoed) };
    const headers = versionHeaders(formatVersion(negotiated.version));
    const caller = callerOf(req, ctx);
    const done = (res: SimResponse): SimResponse => ({ ...res, headers: { ...headers, ...(res.headers ?? {}) } });
    if (!caller) return done(middlewareUnauthorized(ctx));
    if (m.kind !== 'found') return done(cinderError(405, 'The method is not allowed for the requested URL.'));
    const projectId = m.params['project'] ?? '';
    // The project in the URL must be the token's, unless the caller is an admin.
    if (!caller.isAdmin && projectId !== caller.projectId) return done(cinderError(403, "Policy doesn't allow this project to be accessed."));
    const call: Call = { req: { ...req, params: m.params }, ctx, caller, v: negotiated.version, store: ctx.store, projectId };
    return done(await m.handler(call.req, call));
  },
  error: (_req, status, message) => cinderError(status, message),
  requestIdHeaders: (id) => ({ 'x-openstack-request-id': id, 'x-compute-request-id': id }),
};

