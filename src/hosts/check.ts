import type { HostHardware } from '../config/types.js';
import { codedMessage } from '../errors.js';
import type { PowerDriver } from '../hardware/power.js';
import type { FuelNodeMatch, HostReport, HostRow } from './report.js';

/**
 * `pumphouse hosts --check`: asks each host's BMC for its power state and Fuel which node it is,
 * all hosts at once (each BMC still gets one call at a time). A BMC-managed host is found by its
 * PXE MACs; a Fuel-managed one by its PXE MACs when pumphouse.yaml gives them, else by its node's
 * name or fqdn (the node of the source environment, or the bootstrap node a release named after
 * it). A failure is a finding on that host's row, not the end of the check: the operator sees
 * every problem in one run.
 */

/** What the check needs of a Fuel node (the Fuel client's node shape satisfies it). */
export interface FuelNodeView {
  id: number;
  name: string;
  status: string;
  cluster: number | null;
  roles: string[];
  fqdn?: string | null;
  hostname?: unknown;
  mac: string;
  meta?: { interfaces?: Array<{ mac?: string }> };
}

export interface FuelView {
  nodes: FuelNodeView[];
  environments: Array<{ id: number; name: string }>;
}

export interface CheckDeps {
  powerDriver(host: HostHardware): PowerDriver;
  /** Every node Fuel knows and its environments; undefined when pumphouse.yaml has no `fuel`. */
  fuel?: () => Promise<FuelView>;
}

export async function checkHosts(report: HostReport, hardware: Record<string, HostHardware>, deps: CheckDeps): Promise<HostReport> {
  const fuel = deps.fuel ? deps.fuel().then((view) => ({ view }), (error: unknown) => ({ error: codedMessage(error) })) : undefined;
  const hosts = await Promise.all(report.hosts.map(async (row) => {
    const host = hardware[row.name] ?? hardware[row.serviceHost];
    const check: NonNullable<typeof row.check> = {};
    if (host?.bmc) {
      try {
        check.power = await deps.powerDriver(host).powerState();
      } catch (error) {
        check.powerError = codedMessage(error);
      }
    }
    const known = await fuel;
    if (known && 'error' in known) check.fuelError = `Fuel: ${known.error}`;
    else if (known) check.fuelNode = matchHostNode(known.view, row, host?.pxeMacs ?? []);
    return { ...row, check };
  }));
  return { ...report, hosts };
}


/** The host's node: by MAC when there are MACs, by name for a Fuel-managed host without; null when none. */
export function matchHostNode(fuel: FuelView, row: Pick<HostRow, 'name' | 'serviceHost' | 'management'>, macs: readonly string[]): FuelNodeMatch | null {
  const node = macs.length > 0 ? nodeWithAnyMac(fuel.nodes, macs) : row.management === 'fuel' ? nodeNamed(fuel.nodes, [row.name, row.serviceHost]) : undefined;
  if (!node) return null;
  const environment = node.cluster === null ? null : fuel.environments.find((e) => e.id === node.cluster)?.name ?? null;
  return { id: node.id, name: node.name, fqdn: node.fqdn ?? null, status: node.status, cluster: node.cluster, environment, roles: node.roles };
}

function nodeWithAnyMac(nodes: readonly FuelNodeView[], macs: readonly string[]): FuelNodeView | undefined {
  const wanted = new Set(macs.map((m) => m.toLowerCase()));
  return nodes.find((n) => [n.mac, ...(n.meta?.interfaces ?? []).map((i) => i.mac)].some((mac) => typeof mac === 'string' && wanted.has(mac.toLowerCase())));
}

function nodeNamed(nodes: readonly FuelNodeView[], names: readonly string[]): FuelNodeView | undefined {
  return nodes.find((n) => [n.name, n.hostname, n.fqdn, n.fqdn?.split('.')[0]].some((x) => typeof x === 'string' && names.includes(x)));
}
