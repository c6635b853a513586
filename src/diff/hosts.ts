import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { HostSpec, HostState } from '../desired/model.js';
import { hostsOf } from '../desired/resolve.js';
import { addressPath } from '../inventory/address.js';
import { refList, type InventoryLookup } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import type { Change, HostChange, Impact } from './changes.js';
import type { StateMappings } from './match.js';

/**
 * Host changes: where each hypervisor named in spec.hosts stands now, and what must happen for
 * it to reach its desired state. States are ordered — active < maintenance < evacuated <
 * upgraded | decommissioned — and a host at or past its desired state needs nothing.
 *
 * A host that is no longer a hypervisor of the source has been upgraded (the state file maps it
 * to its target node) or decommissioned; anything else is an error in the plan (PH1410).
 */
export const HOST_CODES = { unknown: 'PH1410' } as const;

type CurrentState = HostChange['current'];
const RANK: Record<CurrentState, number> = { active: 0, maintenance: 1, evacuated: 2, upgraded: 3, decommissioned: 3 };

export interface HostDiffInput {
  hosts: readonly HostSpec[];
  source: InventoryLookup;
  target: InventoryLookup;
  mappings: StateMappings;
  /** Servers the plan moves to the target: they leave their hosts by migration, not evacuation. */
  migrating: ReadonlySet<string>;
}

export function diffHosts(input: HostDiffInput): { changes: Change[]; diagnostics: Diagnostic[] } {
  const changes: Change[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const host of input.hosts) {
    const hypervisor = findHypervisor(input.source, host.name);
    const address = hypervisor?.address ?? `hypervisor:${host.name}`;
    const current = hypervisor ? currentState(input.source, hypervisor) : goneState(input, address, host.state);
    if (!current) {
      diagnostics.push({
        severity: 'error',
        code: HOST_CODES.unknown,
        summary: `spec.hosts: ${host.name} is not a hypervisor of the source cloud`,
        hint: 'use the name `pumphouse discover --cloud source` lists for the hypervisor',
        source: { ...host.location, path: 'spec.hosts' },
      });
      continue;
    }
    // Maintenance only disables nova-compute: nothing has to leave the host.
    const servers = hypervisor && host.state !== 'maintenance' ? remainingServers(input, host.name) : [];
    const done = RANK[current] >= RANK[host.state];
    changes.push({
      address,
      kind: 'hypervisor',
      action: done ? 'noop' : 'host',
      differences: [],
      reason: done ? `already ${current}` : `${current} → ${host.state}`,
      impact: done ? 'none' : impactOf(host.state, host.evacuate, servers.length),
      willNotSurvive: host.state !== 'maintenance' && host.evacuate === 'evacuate' && servers.length > 0
        ? ['ephemeral disks of evacuated servers without shared storage (evacuate rebuilds them on another host)']
        : [],
      host: {
        current, desired: host.state, evacuate: host.evacuate, servers, to: host.to,
        ...(host.parallelism !== undefined ? { parallelism: host.parallelism } : {}),
        ...(host.state === 'upgraded' ? { fuel: host.fuel ?? { roles: ['compute'] } } : {}),
      },
    });
  }
  return { changes, diagnostics };
}

function findHypervisor(source: InventoryLookup, name: string): InventoryResource | undefined {
  return source.ofKind('hypervisor').find((h) => h.name === name || h.attributes['serviceHost'] === name);
}

function currentState(source: InventoryLookup, hypervisor: InventoryResource): CurrentState {
  const service = refList(hypervisor, 'service')[0];
  const status = (service ? source.get(service)?.attributes['status'] : undefined) ?? hypervisor.attributes['status'];
  if (status !== 'disabled') return 'active';
  return hypervisor.attributes['runningVms'] === 0 ? 'evacuated' : 'maintenance';
}

/** A host gone from the source: upgraded if apply recorded its target node, else decommissioned if that was asked. */
function goneState(input: HostDiffInput, address: string, desired: HostState): CurrentState | undefined {
  const node = input.mappings[address];
  // The upgrade step records the target hypervisor's hostname (older states: its id).
  if (node !== undefined && (input.target.get(`hypervisor:${addressPath(node)}`) ?? input.target.byId('hypervisor', node))) return 'upgraded';
  return desired === 'decommissioned' ? 'decommissioned' : undefined;
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
