/**
 * Freeing a compute host, Nova's side: `PUT`/`DELETE /os-services/{id}` (disable with a reason,
 * enable, force down), the server actions that move servers away (nova-moves.ts), and the
 * migration records they leave (`GET /os-migrations`, `GET /servers/{id}/migrations`).
 *
 * Registered by nova.ts ahead of the other write routes, so `POST /servers/{id}/action` comes
 * here first and every action this module does not know goes on to nova-server-actions.ts.
 * Bodies, codes and messages follow Zed's nova/api/openstack/compute/services.py,
 * migrate_server.py, evacuate.py and migrations.py.
 */
import { json, type Router, type SimRequest, type SimResponse } from './http.js';
import { isoMicros } from './ids.js';
import { atLeast } from './microversion.js';
import {
  boolParam, forbidden, invalidInput, isObject, isRefusal, noContent, novaError, pyRepr, serverNotFound, unexpectedProperty, visibleServer,
  type Call, type JsonObject, type NovaHandler,
} from './nova-common.js';
import { hasDoneEvacuationFrom, MOVE_ACTIONS, moveAction, visibleMigrations, type MigrationRecord } from './nova-moves.js';
import { serverAction } from './nova-server-actions.js';
import type { ComputeService } from './store.js';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

type Wrap = (fn: NovaHandler) => (req: SimRequest, call: Call) => SimResponse;

export function addHostRoutes(r: Router<Call>, h: Wrap): void {
  r.add('PUT', '/v2.1/os-services/:id', h(updateService));
  r.add('DELETE', '/v2.1/os-services/:id', h(deleteService));
  r.get('/v2.1/os-migrations', h(listMigrations));
  r.get('/v2.1/servers/:id/migrations', h(listServerMigrations));
  r.add('POST', '/v2.1/servers/:id/action', h(actionOrMove));
}

function actionOrMove(call: Call): SimResponse {
  const body = call.req.body;
  const keys = isObject(body) ? Object.keys(body) : [];
  const action = MOVE_ACTIONS.find((a) => a === keys[0]);
  if (action === undefined || keys.length !== 1) return serverAction(call);
  const server = visibleServer(call);
  if (!server) return serverNotFound(call);
  return moveAction(call, server, action, (body as JsonObject)[action]);
}

// ---- os-services -----------------------------------------------------------------------------------

function renderService(call: Call, s: ComputeService): Record<string, unknown> {
  return {
    binary: s.binary, host: s.host, id: atLeast(call.v, 2, 53) ? s.id : s.legacyId, zone: s.zone, status: s.status, state: s.state,
    updated_at: isoMicros(s.updatedAt), disabled_reason: s.disabledReason, ...(atLeast(call.v, 2, 11) ? { forced_down: s.forcedDown } : {}),
  };
}

/** The heartbeat state a service had before it was forced down, restored when it is forced up. */
const stateBeforeForcedDown = new WeakMap<ComputeService, ComputeService['state']>();

/** Applies a change to a nova-compute service and mirrors it on its hypervisor (Nova derives those). */
function applyServiceChange(call: Call, service: ComputeService, change: { disabled?: boolean; reason?: string | null; forcedDown?: boolean }): void {
  if (change.disabled !== undefined) {
    service.status = change.disabled ? 'disabled' : 'enabled';
    service.disabledReason = change.disabled ? change.reason ?? null : null;
  }
  if (change.forcedDown !== undefined && change.forcedDown !== service.forcedDown) {
    if (change.forcedDown) {
      stateBeforeForcedDown.set(service, service.state);
      service.state = 'down';
    } else {
      service.state = stateBeforeForcedDown.get(service) ?? 'up';
      stateBeforeForcedDown.delete(service);
    }
    service.forcedDown = change.forcedDown;
  }
  service.updatedAt = Date.now();
  for (const h of call.store.hypervisors.all()) {
    if (h.host !== service.host) continue;
    h.status = service.status;
    h.state = service.state;
  }
}

function evacuationsPending(host: string): SimResponse {
  return novaError(400, `Unable to force up host ${host} as \`done\` evacuation migration records remain associated with the host. `
    + 'Ensure the compute service has been restarted, allowing these records to move to `completed` before retrying this request.');
}

function notComputeService(binary: string): SimResponse {
  return novaError(400, `Updating a ${binary} service is not supported. Only nova-compute services can be updated.`);
}

/** PUT /os-services/{id}: 2.53+ by uuid with a body of changes; before, {id} names the action. */
function updateService(call: Call): SimResponse {
  if (atLeast(call.v, 2, 53)) return updateServiceById(call);
  return call.caller.isAdmin ? updateServiceByAction(call) : forbidden('os_compute_api:os-services:update');
}

/** Nova's order: the body schema, the uuid, then the policy, then the lookup. */
function updateServiceById(call: Call): SimResponse {
  const id = call.req.params['id'] ?? '';
  const body = call.req.body;
  if (!isObject(body)) return invalidInput('root', body ?? {}, `${pyRepr(body ?? {})} is not of type 'object'`);
  const extra = unexpectedProperty('root', body, ['status', 'disabled_reason', 'forced_down']);
  if (extra) return extra;
  const status = body['status'];
  if (status !== undefined && status !== 'enabled' && status !== 'disabled') return invalidInput('status', status, `${pyRepr(status)} is not one of ['enabled', 'disabled']`);
  const reason = body['disabled_reason'];
  if (reason !== undefined && (typeof reason !== 'string' || reason.length < 1 || reason.length > 255)) {
    return invalidInput('disabled_reason', reason, `${pyRepr(reason)} is not of type 'string'`);
  }
  const forcedDown = body['forced_down'] === undefined ? undefined : boolParam('forced_down', body['forced_down']);
  if (isRefusal(forcedDown)) return forcedDown;
  if (!UUID.test(id)) return novaError(400, `Invalid uuid ${id}`);
  if (!call.caller.isAdmin) return forbidden('os_compute_api:os-services:update');
  const service = call.store.computeServices.get(id);
  if (!service) return novaError(404, `Service ${id} could not be found.`);
  if (service.binary !== 'nova-compute') return notComputeService(service.binary);
  if (status === 'enabled' && reason) return novaError(400, "Specifying 'disabled_reason' with status 'enabled' is invalid.");
  if (forcedDown === false && hasDoneEvacuationFrom(call.store, service.host)) return evacuationsPending(service.host);
  if (status === undefined && forcedDown === undefined) return novaError(400, "No updates were requested. Fields 'status' or 'forced_down' should be specified.");
  applyServiceChange(call, service, {
    ...(status !== undefined ? { disabled: status === 'disabled', reason: typeof reason === 'string' ? reason : null } : {}),
    ...(forcedDown !== undefined ? { forcedDown } : {}),
  });
  return json(200, { service: renderService(call, service) });
}

/** Before 2.53: PUT /os-services/{enable|disable|disable-log-reason|force-down} {host, binary, …}. */
function updateServiceByAction(call: Call): SimResponse {
  const action = call.req.params['id'] ?? '';
  const actions = ['enable', 'disable', 'disable-log-reason', ...(atLeast(call.v, 2, 11) ? ['force-down'] : [])];
  if (!actions.includes(action)) return novaError(404, 'Unknown action');
  const body = call.req.body;
  if (!isObject(body) || typeof body['host'] !== 'string' || typeof body['binary'] !== 'string') {
    return invalidInput('root', body ?? {}, "'host' is a required property");
  }
  const { host, binary } = body as { host: string; binary: string };
  if (binary !== 'nova-compute') return notComputeService(binary);
  const service = call.store.computeServices.by('host', host).find((s) => s.binary === binary);
  if (!service) return novaError(404, `Compute host ${host} could not be found.`);
  if (action === 'force-down') {
    const forcedDown = boolParam('forced_down', body['forced_down']);
    if (isRefusal(forcedDown)) return forcedDown;
    if (!forcedDown && hasDoneEvacuationFrom(call.store, host)) return evacuationsPending(host);
    applyServiceChange(call, service, { forcedDown });
    return json(200, { service: { host, binary, forced_down: forcedDown } });
  }
  if (action === 'disable-log-reason') {
    const reason = body['disabled_reason'];
    if (typeof reason !== 'string' || reason.trim() === '') return novaError(400, 'Missing disabled reason field');
    applyServiceChange(call, service, { disabled: true, reason });
    return json(200, { service: { host, binary, status: 'disabled', disabled_reason: reason } });
  }
  applyServiceChange(call, service, { disabled: action === 'disable' });
  return json(200, { service: { host, binary, status: action === 'disable' ? 'disabled' : 'enabled' } });
}

/** DELETE /os-services/{id} → 204; refused while the host holds servers or takes part in a migration. */
function deleteService(call: Call): SimResponse {
  if (!call.caller.isAdmin) return forbidden('os_compute_api:os-services:delete');
  const id = call.req.params['id'] ?? '';
  const byUuid = atLeast(call.v, 2, 53);
  if (byUuid && !UUID.test(id)) return novaError(400, `Invalid uuid ${id}`);
  if (!byUuid && !/^[0-9]+$/.test(id)) return novaError(400, `Invalid input received: id has to be an integer`);
  const store = call.store;
  const service = byUuid ? store.computeServices.get(id) : store.computeServices.by('legacy', id)[0];
  if (!service) return novaError(404, `Service ${id} not found.`);
  if (service.binary === 'nova-compute') {
    if (store.servers.by('host', service.host).length > 0) {
      return novaError(409, 'Unable to delete compute service that is hosting instances. Migrate or delete the instances first.');
    }
    const busy = visibleMigrations(store).some((m) => IN_PROGRESS.includes(m.status) && (m.sourceCompute === service.host || m.destCompute === service.host));
    if (busy) return novaError(409, 'Unable to delete compute service that has in-progress migrations. Complete the migrations or delete the instances first.');
    // The service's compute nodes go with it, and the host leaves its aggregates.
    for (const h of store.hypervisors.all().filter((x) => x.host === service.host)) store.hypervisors.delete(h.id);
    for (const a of store.aggregates.all()) if (a.hosts.includes(service.host)) a.hosts = a.hosts.filter((x) => x !== service.host);
  }
  store.computeServices.delete(service.id);
  return noContent(204);
}

// ---- migrations ----------------------------------------------------------------------------------------

/** Statuses Nova counts as in progress (MigrationList.get_in_progress_by_host_and_node). */
const IN_PROGRESS = ['queued', 'preparing', 'running', 'migrating', 'post-migrating', 'pre-migrating', 'accepted', 'confirming', 'finished', 'reverting'];
const LIVE_IN_PROGRESS = ['queued', 'preparing', 'running', 'post-migrating'];

/** A flavor reference as Nova's integer instance-type id; the simulator only knows it for numeric flavor ids. */
function flavorNumber(flavorId: string): number | null {
  return /^[0-9]+$/.test(flavorId) ? Number(flavorId) : null;
}

function renderMigration(call: Call, m: MigrationRecord): Record<string, unknown> {
  const v = call.v;
  const body: Record<string, unknown> = {
    id: m.legacyId, source_compute: m.sourceCompute, dest_compute: m.destCompute, source_node: m.sourceNode, dest_node: m.destNode,
    dest_host: m.destHost, old_instance_type_id: flavorNumber(m.flavorId), new_instance_type_id: flavorNumber(m.flavorId),
    instance_uuid: m.instanceUuid, status: m.status, created_at: isoMicros(m.createdAt), updated_at: isoMicros(m.updatedAt),
  };
  if (atLeast(v, 2, 23)) {
    body['migration_type'] = m.type;
    if (m.type === 'live-migration' && LIVE_IN_PROGRESS.includes(m.status)) {
      const o = call.ctx.origin();
      body['links'] = [
        { rel: 'self', href: `${o}/compute/v2.1/servers/${m.instanceUuid}/migrations/${m.legacyId}` },
        { rel: 'bookmark', href: `${o}/compute/servers/${m.instanceUuid}/migrations/${m.legacyId}` },
      ];
    }
  }
  if (atLeast(v, 2, 59)) body['uuid'] = m.id;
  if (atLeast(v, 2, 80)) Object.assign(body, { user_id: m.userId, project_id: m.projectId });
  return body;
}

/** GET /os-migrations: filters as nova/db/main/api.py migration_get_all_by_filters; 2.59+ newest first and paged. */
function listMigrations(call: Call): SimResponse {
  if (!call.caller.isAdmin) return forbidden('os_compute_api:os-migrations:index');
  const q = call.req.query;
  const host = q.get('host');
  const checks: ((m: MigrationRecord) => boolean)[] = [];
  if (host !== null) checks.push((m) => m.sourceCompute === host || m.destCompute === host);
  else if (q.get('source_compute') !== null) checks.push((m) => m.sourceCompute === q.get('source_compute'));
  for (const [param, field] of [['instance_uuid', 'instanceUuid'], ['status', 'status'], ['migration_type', 'type']] as const) {
    const wanted = q.get(param);
    if (wanted !== null) checks.push((m) => m[field] === wanted);
  }
  if (atLeast(call.v, 2, 80)) {
    for (const [param, field] of [['user_id', 'userId'], ['project_id', 'projectId']] as const) {
      const wanted = q.get(param);
      if (wanted !== null) checks.push((m) => m[field] === wanted);
    }
  }
  let rows = visibleMigrations(call.store).filter((m) => checks.every((c) => c(m)));
  if (!atLeast(call.v, 2, 59)) return json(200, { migrations: rows.map((m) => renderMigration(call, m)) });
  rows = rows.sort((a, b) => b.createdAt - a.createdAt || b.legacyId - a.legacyId);
  const marker = q.get('marker');
  if (marker !== null) {
    const at = rows.findIndex((m) => m.id === marker);
    if (at < 0) return novaError(400, `Marker ${marker} could not be found.`);
    rows = rows.slice(at + 1);
  }
  const limitText = q.get('limit');
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) return invalidInput('limit', limitText, `${pyRepr(limitText)} does not match '^[0-9]*$'`);
  const page = limit === undefined ? rows : rows.slice(0, limit);
  const body: Record<string, unknown> = { migrations: page.map((m) => renderMigration(call, m)) };
  const last = page[page.length - 1];
  if (limit !== undefined && last !== undefined && page.length === limit) {
    body['migrations_links'] = [{ rel: 'next', href: `${call.ctx.origin()}/compute/v2.1/os-migrations?limit=${limit}&marker=${last.id}` }];
  }
  return json(200, body);
}

/** GET /servers/{id}/migrations (2.23+): the server's live migrations still in progress. */
function listServerMigrations(call: Call): SimResponse {
  if (!atLeast(call.v, 2, 23)) return novaError(404, 'The resource could not be found.');
  if (!call.caller.isAdmin) return forbidden('os_compute_api:servers:migrations:index');
  const server = visibleServer(call);
  if (!server) return serverNotFound(call);
  const rows = visibleMigrations(call.store).filter((m) => m.instanceUuid === server.id && m.type === 'live-migration' && LIVE_IN_PROGRESS.includes(m.status));
  return json(200, {
    migrations: rows.map((m) => ({
      created_at: isoMicros(m.createdAt), dest_compute: m.destCompute, dest_host: m.destHost, dest_node: m.destNode,
      disk_processed_bytes: null, disk_remaining_bytes: null, disk_total_bytes: null, id: m.legacyId,
      memory_processed_bytes: null, memory_remaining_bytes: null, memory_total_bytes: null, server_uuid: m.instanceUuid,
      source_compute: m.sourceCompute, source_node: m.sourceNode, status: m.status, updated_at: isoMicros(m.updatedAt),
      ...(atLeast(call.v, 2, 59) ? { uuid: m.id } : {}), ...(atLeast(call.v, 2, 80) ? { user_id: m.userId, project_id: m.projectId } : {}),
    })),
  });
}
