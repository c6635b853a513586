import type { HostHardware } from '../config/types.js';
import { errorMessage } from '../errors.js';
import type { PowerDriver } from '../hardware/power.js';
import type { FuelNodeMatch, HostReport } from './report.js';

/**
 * `pumphouse hosts --check`: asks each host's BMC for its power state and Fuel which node it
 * is (by MAC), all hosts at once (each BMC still gets one call at a time). A failure is a
 * finding on that host's row, not the end of the check: the operator sees every problem in one
 * run.
 */

/** What the check needs of a Fuel node (the Fuel client's node shape satisfies it). */
export interface FuelNodeView {
  id: number;
  name: string;
  status: string;
  cluster: number | null;
  roles: string[];
  fqdn?: string | null;
  mac: string;
  meta?: { interfaces?: Array<{ mac?: string }> };
}

export interface CheckDeps {
  powerDriver(host: HostHardware): PowerDriver;
  /** Every node Fuel knows; undefined when pumphouse.yaml has no `fuel`. */
  fuelNodes?: () => Promise<FuelNodeView[]>;
}

export async function checkHosts(report: HostReport, hardware: Record<string, HostHardware>, deps: CheckDeps): Promise<HostReport> {
  const fuel = deps.fuelNodes ? deps.fuelNodes().then((nodes) => ({ nodes }), (error: unknown) => ({ error: errorMessage(error) })) : undefined;
  const hosts = await Promise.all(report.hosts.map(async (row) => {
    const host = hardware[row.name] ?? hardware[row.serviceHost];
    const check: NonNullable<typeof row.check> = {};
    if (host) {
      try {
        check.power = await deps.powerDriver(host).powerState();
      } catch (error) {
        check.powerError = errorMessage(error);
      }
    }
    const known = await fuel;
    if (known && 'error' in known) check.fuelError = `Fuel: ${known.error}`;
    else if (known) check.fuelNode = matchFuelNode(known.nodes, host?.pxeMacs ?? []);
    return { ...row, check };
  }));
  return { ...report, hosts };
}

/** The node one of whose MACs is the host's; null when none is (or the host has no known MAC). */
export function matchFuelNode(nodes: readonly FuelNodeView[], macs: readonly string[]): FuelNodeMatch | null {
  const wanted = new Set(macs.map((m) => m.toLowerCase()));
  if (wanted.size === 0) return null;
  const node = nodes.find((n) => [n.mac, ...(n.meta?.interfaces ?? []).map((i) => i.mac)].some((mac) => typeof mac === 'string' && wanted.has(mac.toLowerCase())));
  return node ? { id: node.id, name: node.name, fqdn: node.fqdn ?? null, status: node.status, cluster: node.cluster, roles: node.roles } : null;
}
