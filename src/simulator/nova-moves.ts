/**
 * Moving a server off its host: `os-migrateLive`, `migrate` (+ `confirmResize`) and `evacuate`,
 * with the migration records Nova keeps for each move (`GET /os-migrations`, nova-hosts.ts).
 *
 * What happens where follows Zed (nova/compute/api.py, nova/conductor/manager.py):
 * - the API checks the request, the state and the named host synchronously (400/404/409);
 * - the scheduler runs later, in a lifecycle transition, so "no valid host" is not an HTTP error:
 *   the call answers 202 and the migration record ends in `error` (live and cold migration leave
 *   the server ACTIVE where it was; a failed evacuation leaves it in ERROR with a fault);
 * - the scheduler never picks the server's own host, nor a host whose nova-compute is disabled,
 *   down or forced down, nor one without room for the flavor.
 *
 * Migration records live in a side table per store (store.ts is shared with other work and has
 * no migrations table yet). A deleted server's records disappear with it, as Nova soft-deletes
 * them in instance_destroy.
 */
import { randomUUID } from 'node:crypto';
import { atLeast } from './microversion.js';
import { boolParam, invalidInput, isObject, isRefusal, noContent, novaError, pyRepr, unexpectedProperty, type Call } from './nova-common.js';
import type { SimResponse } from './http.js';
import { invalidState, requireState } from './nova-server-actions.js';
import { POWER_STATE, type CloudStore, type ComputeService, type Hypervisor, type Server } from './store.js';
import { Table } from './table.js';

export type MigrationType = 'live-migration' | 'migration' | 'evacuation';

export interface MigrationRecord {
  id: string; legacyId: number; instanceUuid: string; type: MigrationType; status: string;
  sourceCompute: string; sourceNode: string; destCompute: string | null; destNode: string | null; destHost: string | null;
  flavorId: string; projectId: string; userId: string; createdAt: number; updatedAt: number;
}

const migrationTables = new WeakMap<CloudStore, Table<MigrationRecord>>();

/** The cloud's migration records, created on first use. */
export function migrationsOf(store: CloudStore): Table<MigrationRecord> {
  let table = migrationTables.get(store);
  if (!table) {
    table = new Table<MigrationRecord>({ instance: (m) => m.instanceUuid });
    migrationTables.set(store, table);
  }
  return table;
}

/** Records whose server still exists (Nova soft-deletes a server's migrations with it). */
export function visibleMigrations(store: CloudStore): MigrationRecord[] {
  return migrationsOf(store).all().filter((m) => store.servers.get(m.instanceUuid) !== undefined);
}

// ---- hosts and the scheduler ------------------------------------------------------------------------

/** Zed's allocation ratios and reserved host memory, as the boot scheduler (nova-servers.ts) uses them. */
const CPU_ALLOCATION_RATIO = 16.0;
const RAM_ALLOCATION_RATIO = 1.5;
const RESERVED_HOST_MEMORY_MB = 512;

export function computeServiceOn(store: CloudStore, host: string): ComputeService | undefined {
  return store.computeServices.by('host', host).find((s) => s.binary === 'nova-compute');
}

/** servicegroup's is_up: a forced-down service is down whatever its heartbeat says. */
export function serviceIsUp(service: ComputeService | undefined): boolean {
  return service !== undefined && service.state === 'up' && !service.forcedDown;
}

function hasRoom(store: CloudStore, h: Hypervisor, server: Server): boolean {
  const flavor = store.flavors.get(server.flavorId);
  if (!flavor) return false;
  const used = store.hostUsage(h.host);
  const disk = (server.imageId === '' ? 0 : flavor.diskGb) + flavor.ephemeralGb;
  return (h.memoryMb - RESERVED_HOST_MEMORY_MB) * RAM_ALLOCATION_RATIO - used.memoryMb >= flavor.ramMb
    && h.vcpus * CPU_ALLOCATION_RATIO - used.vcpus >= flavor.vcpus
    && h.localGb - used.localGb >= disk;
}

/**
 * The destination the scheduler picks: another host, with an enabled and up nova-compute and room
 * for the flavor, the one with the most free RAM; only `requested` when a host was named.
 * `forced` (the pre-2.68 `force: true`) skips the filters but never the liveness check.
 */
function pickDestination(store: CloudStore, server: Server, requested: string | null, forced: boolean): Hypervisor | undefined {
  let best: { h: Hypervisor; freeRamMb: number } | undefined;
  for (const h of store.hypervisors.all()) {
    if (h.host === server.host || (requested !== null && h.host !== requested)) continue;
    const service = computeServiceOn(store, h.host);
    if (!serviceIsUp(service) || h.state !== 'up') continue;
    if (!forced && (service?.status !== 'enabled' || !hasRoom(store, h, server) || !groupAllows(store, server, h.host))) continue;
    const freeRamMb = h.memoryMb - store.hostUsage(h.host).memoryMb;
    if (!best || freeRamMb > best.freeRamMb) best = { h, freeRamMb };
  }
  return best?.h;
}

/** The server group filters, as at boot: anti-affinity avoids the peers' hosts, affinity needs them. */
function groupAllows(store: CloudStore, server: Server, host: string): boolean {
  for (const group of store.serverGroups.by('member', server.id)) {
    const peerHosts = new Set(group.members.filter((id) => id !== server.id).map((id) => store.servers.get(id)?.host).filter((x): x is string => !!x));
    if (group.policy === 'anti-affinity' && peerHosts.has(host)) return false;
    if (group.policy === 'affinity' && peerHosts.size > 0 && !peerHosts.has(host)) return false;
  }
  return true;
}

function knownHost(store: CloudStore, host: string): boolean {
  return computeServiceOn(store, host) !== undefined && store.hypervisors.all().some((h) => h.host === host);
}

// ---- server state -------------------------------------------------------------------------------------

/**
 * Nova's API status of a server in flight. store.ts's status union predates RESIZE and REBUILD,
 * so they are widened here, in the one place that sets them.
 */
type MoveStatus = Server['status'] | 'RESIZE' | 'REBUILD';

function touch(server: Server, change: Omit<Partial<Server>, 'status'> & { status?: MoveStatus }): void {
  Object.assign(server, change, { updatedAt: Date.now() });
}

function live(store: CloudStore, server: Server): boolean {
  return store.servers.get(server.id) === server;
}


/** The server, its ports' bindings and its volume attachments now live on `h`. */
function moveTo(store: CloudStore, server: Server, h: Hypervisor): void {
  store.servers.update(server, (s) => {
    s.host = h.host;
    s.hypervisorHostname = h.hostname;
  });
  for (const port of store.serverPorts(server.id)) port.bindingHostId = h.host;
  for (const volume of store.serverVolumes(server.id)) {
    for (const a of volume.attachments) if (a.serverId === server.id) a.hostName = h.host;
  }
}

function record(call: Call, server: Server, type: MigrationType, status: string, destCompute: string | null): MigrationRecord {
  const table = migrationsOf(call.store);
  const now = Date.now();
  const dest = destCompute === null ? undefined : call.store.hypervisors.all().find((h) => h.host === destCompute);
  return table.insert({
    id: randomUUID(), legacyId: table.size + 1, instanceUuid: server.id, type, status,
    sourceCompute: server.host, sourceNode: server.hypervisorHostname, destCompute, destNode: dest?.hostname ?? null, destHost: dest?.hostIp ?? null,
    flavorId: server.flavorId, projectId: call.caller.projectId ?? server.projectId, userId: call.caller.token.userId, createdAt: now, updatedAt: now,
  });
}

function advance(migration: MigrationRecord, status: string, dest?: Hypervisor): void {
  Object.assign(migration, { status, updatedAt: Date.now() });
  if (dest) Object.assign(migration, { destCompute: dest.host, destNode: dest.hostname, destHost: dest.hostIp });
}

/** The host named in a request body: a string, or null/absent for "let the scheduler choose". */
function hostParam(field: string, value: unknown): string | null | SimResponse {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length < 1 || value.length > 255) return invalidInput(field, value, `${pyRepr(value)} is not of type 'string', 'null'`);
  return value;
}

// ---- os-migrateLive -------------------------------------------------------------------------------------

/** The live-migration body each microversion's schema accepts (nova/api/openstack/compute/schemas/migrate_server.py). */
function liveMigrationArgs(call: Call, args: unknown): { host: string | null; forced: boolean } | SimResponse {
  if (!isObject(args)) return invalidInput('os-migrateLive', args, `${pyRepr(args)} is not of type 'object'`);
  const v = call.v;
  const allowed = ['host', 'block_migration', ...(atLeast(v, 2, 25) ? [] : ['disk_over_commit']), ...(atLeast(v, 2, 30) && !atLeast(v, 2, 68) ? ['force'] : [])];
  const extra = unexpectedProperty('os-migrateLive', args, allowed);
  if (extra) return extra;
  for (const key of ['block_migration', 'host', ...(atLeast(v, 2, 25) ? [] : ['disk_over_commit'])]) {
    if (!(key in args)) return invalidInput('os-migrateLive', args, `'${key}' is a required property`);
  }
  const block = args['block_migration'];
  if (!(atLeast(v, 2, 25) && block === 'auto')) {
    const parsed = boolParam('block_migration', block);
    if (isRefusal(parsed)) return parsed;
  }
  return destination(args);
}

/** The `host` and `force` of a live migration or an evacuation, as Nova validates them. */
function destination(args: Record<string, unknown>): { host: string | null; forced: boolean } | SimResponse {
  const host = hostParam('host', args['host']);
  if (isRefusal(host)) return host;
  const forced = args['force'] === undefined ? false : boolParam('force', args['force']);
  if (isRefusal(forced)) return forced;
  if (forced && host === null) return novaError(400, "Can't force to a non-provided destination");
  return { host, forced };
}

function liveMigrate(call: Call, server: Server, args: unknown): SimResponse {
  const parsed = liveMigrationArgs(call, args);
  if (isRefusal(parsed)) return parsed;
  if (parsed.host !== null && !knownHost(call.store, parsed.host)) return novaError(400, `Compute host ${parsed.host} could not be found.`);
  const refused = requireState(server, 'os-migrateLive', ['active', 'paused']);
  if (refused) return refused;
  const migration = record(call, server, 'live-migration', 'accepted', parsed.host);
  const before = { status: server.status, vmState: server.vmState };
  touch(server, { status: 'MIGRATING', taskState: 'migrating' });
  const store = call.store;
  const lifecycle = call.ctx.lifecycle;
  lifecycle.later('server', server.name, () => {
    if (!live(store, server) || server.taskState !== 'migrating') return;
    // Conductor's pre-checks need the source compute up, then the scheduler a destination.
    const dest = serviceIsUp(computeServiceOn(store, server.host)) ? pickDestination(store, server, parsed.host, parsed.forced) : undefined;
    if (!dest) {
      // NoValidHost or a failed pre-check, after the 202: the server stays where it was.
      advance(migration, 'error');
      touch(server, { status: before.status, taskState: null });
      return;
    }
    advance(migration, 'running', dest);
    lifecycle.later('server', server.name, () => {
      if (!live(store, server) || server.taskState !== 'migrating') return;
      moveTo(store, server, dest);
      advance(migration, 'completed');
      touch(server, { status: before.status, vmState: before.vmState, taskState: null });
    });
  });
  return noContent(202);
}

// ---- migrate (cold) and confirmResize -------------------------------------------------------------------

function coldMigrate(call: Call, server: Server, args: unknown): SimResponse {
  let host: string | null = null;
  if (args !== null) {
    // Before 2.56 the body is `{"migrate": null}`; 2.56 added an optional host.
    if (!atLeast(call.v, 2, 56) || !isObject(args)) return invalidInput('migrate', args, `${pyRepr(args)} is not of type 'null'`);
    const extra = unexpectedProperty('migrate', args, ['host']);
    if (extra) return extra;
    const named = hostParam('host', args['host']);
    if (isRefusal(named)) return named;
    host = named;
  }
  const refused = requireState(server, 'migrate', ['active', 'stopped']);
  if (refused) return refused;
  // check_instance_host(check_is_up=True): the source compute must be reachable.
  if (!serviceIsUp(computeServiceOn(call.store, server.host))) return novaError(409, 'Service is unavailable at this time.');
  if (host !== null && host === server.host) return novaError(400, 'Cannot migrate to the host where the server exists.');
  if (host !== null && !knownHost(call.store, host)) return novaError(400, `Compute host ${host} could not be found.`);
  const migration = record(call, server, 'migration', 'pre-migrating', host);
  const before = { status: server.status, vmState: server.vmState, powerState: server.powerState };
  touch(server, { status: 'RESIZE', taskState: 'resize_prep' });
  const store = call.store;
  const lifecycle = call.ctx.lifecycle;
  lifecycle.later('server', server.name, () => {
    if (!live(store, server) || server.taskState !== 'resize_prep') return;
    const dest = pickDestination(store, server, host, false);
    if (!dest) {
      advance(migration, 'error');
      touch(server, { status: before.status, taskState: null });
      return;
    }
    advance(migration, 'migrating', dest);
    touch(server, { taskState: 'resize_migrating' });
    lifecycle.later('server', server.name, () => {
      if (!live(store, server) || server.taskState !== 'resize_migrating') return;
      moveTo(store, server, dest);
      advance(migration, 'finished');
      confirmations.set(server, { migration, vmState: before.vmState, status: before.status, powerState: before.powerState });
      touch(server, { status: 'VERIFY_RESIZE', vmState: 'resized', taskState: null });
    });
  });
  return noContent(202);
}

/** What a server in VERIFY_RESIZE returns to on confirmResize. */
const confirmations = new WeakMap<Server, { migration: MigrationRecord; vmState: string; status: Server['status']; powerState: number }>();

function confirmResize(call: Call, server: Server): SimResponse {
  const refused = server.vmState === 'resized' ? undefined : invalidState(server, 'confirmResize');
  if (refused) return refused;
  const pending = confirmations.get(server);
  if (!pending) return novaError(400, 'Instance has not been resized.');
  advance(pending.migration, 'confirming');
  confirmations.delete(server);
  call.ctx.lifecycle.later('server', server.name, () => {
    if (!live(call.store, server) || server.vmState !== 'resized') return;
    advance(pending.migration, 'confirmed');
    touch(server, { status: pending.status, vmState: pending.vmState, powerState: pending.powerState, taskState: null });
  });
  return noContent(204);
}

// ---- evacuate ----------------------------------------------------------------------------------------------

function evacuationArgs(call: Call, args: unknown): { host: string | null; forced: boolean } | SimResponse {
  if (!isObject(args)) return invalidInput('evacuate', args, `${pyRepr(args)} is not of type 'object'`);
  const v = call.v;
  const allowed = ['host', 'adminPass', ...(atLeast(v, 2, 14) ? [] : ['onSharedStorage']), ...(atLeast(v, 2, 29) && !atLeast(v, 2, 68) ? ['force'] : [])];
  const extra = unexpectedProperty('evacuate', args, allowed);
  if (extra) return extra;
  if (!atLeast(v, 2, 14) && !('onSharedStorage' in args)) return invalidInput('evacuate', args, "'onSharedStorage' is a required property");
  return destination(args);
}

function evacuate(call: Call, server: Server, args: unknown): SimResponse {
  const parsed = evacuationArgs(call, args);
  if (isRefusal(parsed)) return parsed;
  const store = call.store;
  const lifecycle = call.ctx.lifecycle;
  if (parsed.host !== null && !knownHost(store, parsed.host)) return novaError(404, `Compute host ${parsed.host} not found.`);
  if (parsed.host !== null && parsed.host === server.host) return novaError(400, "The target host can't be the same one.");
  const refused = requireState(server, 'evacuate', ['active', 'stopped', 'error']);
  if (refused) return refused;
  if (serviceIsUp(computeServiceOn(store, server.host))) return novaError(400, `Compute service of ${server.host} is still in use.`);
  const migration = record(call, server, 'evacuation', 'accepted', parsed.host);
  const stopped = server.vmState === 'stopped';
  touch(server, { status: 'REBUILD', taskState: 'rebuilding' });
  lifecycle.later('server', server.name, () => {
    if (!live(store, server) || server.taskState !== 'rebuilding') return;
    const dest = pickDestination(store, server, parsed.host, parsed.forced);
    if (!dest) {
      advance(migration, 'error');
      const message = 'No valid host was found. There are not enough hosts available.';
      touch(server, { status: 'ERROR', vmState: 'error', taskState: null, fault: { code: 500, message, createdAt: Date.now() } });
      return;
    }
    advance(migration, 'pre-migrating', dest);
    touch(server, { taskState: 'rebuild_spawning' });
    lifecycle.later('server', server.name, () => {
      if (!live(store, server) || server.taskState !== 'rebuild_spawning') return;
      moveTo(store, server, dest);
      // `done`, not `completed`: only the source compute's restart completes an evacuation record.
      advance(migration, 'done');
      touch(server, stopped
        ? { status: 'SHUTOFF', vmState: 'stopped', taskState: null, powerState: POWER_STATE.SHUTDOWN, fault: null }
        : { status: 'ACTIVE', vmState: 'active', taskState: null, powerState: POWER_STATE.RUNNING, fault: null });
    });
  });
  // 200 without a body from 2.14 (before, {adminPass}: the simulator keeps no guest password).
  return { status: 200, headers: {} };
}

// ---- dispatch ------------------------------------------------------------------------------------------------

/** The server actions this module answers; the others go to nova-server-actions.ts. */
export const MOVE_ACTIONS = ['os-migrateLive', 'migrate', 'confirmResize', 'evacuate'] as const;

export function moveAction(call: Call, server: Server, action: (typeof MOVE_ACTIONS)[number], args: unknown): SimResponse {
  // Zed's default policy: moving servers between hosts is for admins; confirming a resize is the owner's.
  if (action !== 'confirmResize' && !call.caller.isAdmin) {
    const rule = action === 'evacuate' ? 'os_compute_api:os-evacuate' : `os_compute_api:os-migrate-server:${action === 'migrate' ? 'migrate' : 'migrate_live'}`;
    return novaError(403, `Policy doesn't allow ${rule} to be performed.`);
  }
  switch (action) {
    case 'os-migrateLive': return liveMigrate(call, server, args);
    case 'migrate': return coldMigrate(call, server, args);
    case 'confirmResize': return confirmResize(call, server);
    case 'evacuate': return evacuate(call, server, args);
  }
}

/** True when a `done` evacuation still names `host` as its source (Nova then refuses to unset forced_down). */
export function hasDoneEvacuationFrom(store: CloudStore, host: string): boolean {
  return visibleMigrations(store).some((m) => m.type === 'evacuation' && m.status === 'done' && m.sourceCompute === host);
}
