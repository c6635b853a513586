import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { HostSpec, HostState } from '../desired/model.js';
import { matchesPattern } from '../desired/patterns.js';
import { hostsOf } from '../desired/resolve.js';
import { addressPath } from '../inventory/address.js';
import { refList, type InventoryLookup } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import type { Change, HostChange, Impact } from './changes.js';
import { placeLeavingServers, type PlacementInput } from './host-placement.js';
import type { StateMappings } from './match.js';
import type { PhCode } from '../errors.js';

/**
 * Host changes: where each host named in spec.hosts stands now, and what must happen for it to
 * reach its desired state. States are ordered — active < maintenance < evacuated < released <
 * upgraded | decommissioned — and a host at or past its desired state needs nothing. A host with
 * Nova services but no nova-compute (a controller) is as good as evacuated: nothing to disable or
 * move; its steps go after every compute host's (graph/build.ts).
 *
 * A host that is no longer on the source has been upgraded (the state file maps it to its target
 * node), released (mapped to its Fuel node) or decommissioned; anything else is an error in the
 * plan (PH1410). Before any change the plan is refused when it would take the source's last
 * controller while the source still holds workloads the plan neither moves nor abandons (PH1411),
 * and when a server leaving a host has nowhere to go that keeps its server group's rule and has
 * room (PH1412).
 */
export const HOST_CODES = { unknown: 'PH1410', lastController: 'PH1411', noDestination: 'PH1412' } as const satisfies Record<string, PhCode>;

type CurrentState = HostChange['current'];
const RANK: Record<CurrentState, number> = { active: 0, maintenance: 1, evacuated: 2, released: 3, upgraded: 4, decommissioned: 4 };
/** Nova services that make a host a controller of the source. */
const CONTROLLER_BINARIES = new Set(['nova-conductor', 'nova-scheduler']);
/** States that take a host out of the source for good. */
const LEAVING: ReadonlySet<HostState> = new Set(['released', 'upgraded', 'decommissioned']);

export interface HostDiffInput {
  hosts: readonly HostSpec[];
  source: InventoryLookup;
  target: InventoryLookup;
  mappings: StateMappings;
  /** Servers and volumes the plan moves to the target: they leave the source by migration, not evacuation. */
  migrating: ReadonlySet<string>;
}

export function diffHosts(input: HostDiffInput): { changes: Change[]; diagnostics: Diagnostic[] } {
  const changes: Change[] = [];
  const diagnostics: Diagnostic[] = [];
  const specs = new Map<Change, HostSpec>();
  for (const host of input.hosts) {
    const change = hostChange(input, host);
    if (change) {
      changes.push(change);
      specs.set(change, host);
      continue;
    }
    diagnostics.push({
      severity: 'error',
      code: HOST_CODES.unknown,
      message: `spec.hosts: ${host.name} is not a host of the source cloud`,
      hint: 'use the name `pumphouse hosts` lists (a hypervisor, or a controller\'s Nova service host)',
      location: { ...host.location, path: 'spec.hosts' },
    });
  }
  for (const [change, reason] of lastControllerConflicts(input, changes, specs)) refuse(change, reason, diagnostics);
  for (const [change, reason] of placementConflicts(input, changes)) refuse(change, reason, diagnostics);
  return { changes, diagnostics };

  function refuse(change: Change, reason: { code: PhCode; summary: string; hint: string }, into: Diagnostic[]): void {
    const spec = specs.get(change) as HostSpec;
    change.action = 'conflict';
    change.reason = change.reason.startsWith('refused:') ? `${change.reason}; ${reason.summary}` : `refused: ${reason.summary}`;
    into.push({ severity: 'error', code: reason.code, message: `spec.hosts: ${reason.summary}`, hint: reason.hint, location: { ...spec.location, path: 'spec.hosts' } });
  }
}

function hostChange(input: HostDiffInput, host: HostSpec): Change | undefined {
  const hypervisor = findHypervisor(input.source, host.name);
  const controller = !hypervisor && servicesOn(input.source, host.name).some((s) => binaryOf(s) !== 'nova-compute');
  const address = hypervisor?.address ?? `hypervisor:${host.name}`;
  const current = hypervisor ? currentState(input.source, hypervisor) : controller ? 'evacuated' : goneState(input, address, host.state);
  if (!current) return undefined;
  // Maintenance only disables nova-compute: nothing has to leave the host.
  const servers = hypervisor && host.state !== 'maintenance' ? remainingServers(input, host.name) : [];
  const done = RANK[current] >= RANK[host.state];
  return {
    address,
    kind: 'hypervisor',
    action: done ? 'noop' : 'host',
    differences: [],
    reason: done ? (controller && RANK[host.state] <= RANK.evacuated ? 'runs no nova-compute: nothing to disable or move' : `already ${current}`) : `${current} → ${host.state}`,
    impact: done ? 'none' : impactOf(host.state, host.evacuate, servers.length),
    willNotSurvive: host.state !== 'maintenance' && host.evacuate === 'evacuate' && servers.length > 0
      ? ['ephemeral disks of evacuated servers without shared storage (evacuate rebuilds them on another host)']
      : [],
    host: {
      current, desired: host.state, evacuate: host.evacuate, servers, to: host.to,
      ...(controller || (!hypervisor && current === 'upgraded' && !isTargetHypervisor(input, address)) ? { controller: true as const } : {}),
      ...(host.parallelism !== undefined ? { parallelism: host.parallelism } : {}),
      ...(host.state === 'upgraded' ? { fuel: { ...host.fuel, roles: host.fuel?.roles ?? [controller ? 'controller' : 'compute'] } } : {}),
    },
  };
}

function findHypervisor(source: InventoryLookup, name: string): InventoryResource | undefined {
  return source.ofKind('hypervisor').find((h) => h.name === name || h.attributes['serviceHost'] === name);
}

/** A compute service's binary (its name is `<host>/<binary>`). */
function binaryOf(service: InventoryResource): string {
  const binary = service.attributes['binary'];
  return typeof binary === 'string' ? binary : service.name.split('/').pop() ?? '';
}

/** The Nova services the source runs on `host` (a controller's: conductor, scheduler…). */
function servicesOn(lookup: InventoryLookup, host: string): InventoryResource[] {
  return lookup.ofKind('compute-service').filter((s) => s.attributes['host'] === host);
}

function currentState(source: InventoryLookup, hypervisor: InventoryResource): CurrentState {
  const service = refList(hypervisor, 'service')[0];
  const status = (service ? source.get(service)?.attributes['status'] : undefined) ?? hypervisor.attributes['status'];
  if (status !== 'disabled') return 'active';
  return hypervisor.attributes['runningVms'] === 0 ? 'evacuated' : 'maintenance';
}

/**
 * A host gone from the source: upgraded if apply recorded its target node (a hypervisor, or a
 * node running Nova services for a controller), released if it recorded its Fuel node; else
 * decommissioned if that was asked. A release interrupted after the host's services left the
 * source and before its Fuel node was recorded is still to be finished: evacuated.
 */
function goneState(input: HostDiffInput, address: string, desired: HostState): CurrentState | undefined {
  const node = input.mappings[address];
  if (node !== undefined && node.startsWith('fuel-node:')) return 'released';
  if (node !== undefined && (isTargetHypervisor(input, address) || servicesOn(input.target, node).length > 0)) return 'upgraded';
  if (desired === 'released') return 'evacuated';
  return desired === 'decommissioned' ? 'decommissioned' : undefined;
}

function isTargetHypervisor(input: HostDiffInput, address: string): boolean {
  const node = input.mappings[address];
  // The upgrade step records the target hypervisor's hostname (older states: its id).
  return node !== undefined && (input.target.get(`hypervisor:${addressPath(node)}`) ?? input.target.byId('hypervisor', node)) !== undefined;
}

function remainingServers(input: HostDiffInput, host: string): string[] {
  return input.source.ofKind('server')
    .filter((s) => hostsOf(s).includes(host) && !input.migrating.has(s.address))
    .map((s) => s.address);
}

function impactOf(state: HostState, evacuate: HostSpec['evacuate'], servers: number): Impact {
  if (state === 'maintenance') return 'metadata';
  if (servers > 0 && evacuate === 'evacuate') return 'data-loss';
  if (servers > 0 && evacuate === 'cold') return 'restart';
  return state === 'evacuated' ? 'metadata' : 'restart';
}

interface Refusal {
  code: PhCode;
  summary: string;
  hint: string;
}

/**
 * The plan takes every controller the source has (upgraded, released or decommissioned): whatever
 * server or volume stays on the source, not moved by the plan nor abandoned on one of those hosts,
 * would be left without a control plane.
 */
function lastControllerConflicts(input: HostDiffInput, changes: readonly Change[], specs: ReadonlyMap<Change, HostSpec>): Array<[Change, Refusal]> {
  const controllers = new Set(input.source.ofKind('compute-service').filter((s) => CONTROLLER_BINARIES.has(binaryOf(s))).map((s) => String(s.attributes['host'])));
  const taking = changes.filter((c) => c.action === 'host' && c.host && LEAVING.has(c.host.desired) && controllers.has(c.address.slice('hypervisor:'.length)));
  if (controllers.size === 0 || taking.length < controllers.size) return [];
  const abandon = taking.flatMap((c) => specs.get(c)?.abandon ?? []);
  const held = [...input.source.ofKind('server'), ...input.source.ofKind('volume')]
    .filter((r) => !input.migrating.has(r.address) && !abandon.some((p) => matchesPattern(p, namesOf(r))));
  if (held.length === 0) return [];
  const names = held.map((r) => `${r.kind} ${r.project ? `${r.project.name}/` : ''}${r.name}`);
  const shown = names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
  const hosts = taking.map((c) => c.address.slice('hypervisor:'.length)).join(', ');
  const refusal: Refusal = {
    code: HOST_CODES.lastController,
    summary: `taking ${hosts}, the source's last controller${taking.length > 1 ? 's' : ''}, would strand ${held.length} workload(s) the plan neither moves nor abandons: ${shown}`,
    hint: 'move them in spec.workloads or spec.volumes, list them under this host\'s `abandon` (names or globs, "*" for everything), or keep a controller for a later wave',
  };
  return taking.map((c) => [c, refusal]);
}

function namesOf(resource: InventoryResource): string[] {
  return [resource.name, resource.id, ...(resource.project ? [`${resource.project.name}/${resource.name}`] : [])];
}

/**
 * Every server that must leave a host for another source host (live, cold, evacuate) needs one
 * that keeps its server group's rule and has room; the hosts the plan takes out are not among them.
 */
function placementConflicts(input: HostDiffInput, changes: readonly Change[]): Array<[Change, Refusal]> {
  const leavingChanges = changes.filter((c) => c.action === 'host' && c.host && c.host.desired !== 'maintenance' && c.host.evacuate !== 'target' && c.host.servers.length > 0);
  if (leavingChanges.length === 0) return [];
  const homeless = placeLeavingServers(placementInput(input, leavingChanges));
  return homeless.map((h) => {
    const change = leavingChanges.find((c) => c.host?.servers.includes(h.server.key)) as Change;
    const group = h.group ? ` (server group ${h.group.name}, ${h.group.policy})` : '';
    return [change, {
      code: HOST_CODES.noDestination,
      summary: `server ${h.server.name}${group} has nowhere to go from ${h.server.host}: ${h.why}`,
      hint: h.group
        ? `move it (or the other members of ${h.group.name}) to the target in this plan (spec.workloads or evacuate: target), keep a host it may use in service, or name one with \`to\``
        : 'free room on another host, keep one in service, or move the server to the target in this plan',
    }];
  });
}

function placementInput(input: HostDiffInput, leaving: readonly Change[]): PlacementInput {
  const takenOut = new Map(input.hosts.map((h) => [h.name, h.state]));
  const hosts: PlacementInput['hosts'][number][] = [];
  const unavailable = new Map<string, string>();
  for (const hypervisor of input.source.ofKind('hypervisor')) {
    const name = hypervisor.name;
    const why = availability(input.source, hypervisor, takenOut.get(name) ?? takenOut.get(String(hypervisor.attributes['serviceHost'])));
    if (why) unavailable.set(name, why);
    else hosts.push({ name, freeRamMb: room(hypervisor.attributes['memoryMb'], hypervisor.attributes['memoryMbUsed']), freeDiskGb: room(hypervisor.attributes['localGb'], hypervisor.attributes['localGbUsed']) });
  }
  const servers = input.source.ofKind('server').filter((s) => !input.migrating.has(s.address) && hostsOf(s).length > 0).map((s) => {
    const flavor = (s.attributes['flavor'] ?? {}) as { ramMb?: number | null; diskGb?: number | null };
    return { key: s.address, name: s.name, host: String(s.attributes['hypervisorHostname'] ?? hostsOf(s)[0]), ramMb: flavor.ramMb ?? 0, diskGb: s.attributes['bootFromVolume'] === true ? 0 : flavor.diskGb ?? 0 };
  });
  const groups = input.source.ofKind('server-group').map((g) => ({ name: g.name, policy: String(g.attributes['policy'] ?? ''), members: refList(g, 'members') }));
  return { hosts, unavailable, servers, groups, leaving: leaving.map((c) => ({ host: c.address.slice('hypervisor:'.length), servers: c.host?.servers ?? [], to: c.host?.to ?? [] })) };
}

function availability(source: InventoryLookup, hypervisor: InventoryResource, planned: HostState | undefined): string | undefined {
  if (planned !== undefined) return `is taken out by this plan (${planned})`;
  const service = refList(hypervisor, 'service')[0];
  const attributes = (service ? source.get(service)?.attributes : undefined) ?? {};
  if (hypervisor.attributes['status'] === 'disabled' || attributes['status'] === 'disabled') return 'is disabled';
  if (hypervisor.attributes['state'] === 'down' || attributes['state'] === 'down' || attributes['forcedDown'] === true) return 'is down';
  return undefined;
}

/** Free room; unbounded when the cloud does not report the capacity (Nova 2.88+ hides it): the scheduler then decides. */
function room(total: unknown, used: unknown): number {
  return typeof total === 'number' ? total - (typeof used === 'number' ? used : 0) : Number.POSITIVE_INFINITY;
}
