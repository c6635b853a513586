import type { HostHardware, HostManagement } from '../config/types.js';
import type { PowerState } from '../hardware/power.js';
import { InventoryLookup, refList } from '../inventory/lookup.js';
import type { Inventory, InventoryResource } from '../inventory/model.js';

/**
 * What `pumphouse hosts` shows: every hypervisor of the source with its compute service, the
 * servers it still runs and the BMC pumphouse.yaml maps it to; with --check, what the BMC and
 * Fuel say about it. Plain data (schemas/hosts.schema.json); built here from an inventory and
 * the config, probed elsewhere (check.ts).
 */
export interface HostReport {
  cloud: string;
  hosts: HostRow[];
}

export interface HostRow {
  /** The hypervisor hostname (the key of pumphouse.yaml `hosts`). */
  name: string;
  /** The compute service's host (often the same name). */
  serviceHost: string;
  /** false: only pumphouse.yaml names it (released, upgraded or decommissioned already, or a typo). */
  onSource: boolean;
  /** It runs the source's Nova control services (conductor, scheduler) and no nova-compute. */
  controller: boolean;
  /** How it is taken into Fuel's bootstrap: through its BMC, or by the source's Fuel. */
  management: HostManagement;
  service: { status: 'enabled' | 'disabled'; state: 'up' | 'down'; disabledReason: string | null; forcedDown: boolean } | null;
  servers: { count: number; vcpus: number; ramMb: number; diskGb: number };
  /** No secret: driver and where it is. */
  bmc: { driver: string; address: string; port: number | null } | null;
  check?: HostCheck;
}

export interface HostCheck {
  power?: PowerState;
  /** Why the BMC could not be read: its code and message (never a credential). */
  powerError?: string;
  /**
   * The Fuel node this host is: by its PXE MACs, or, for a Fuel-managed host without them, by the
   * node's name or fqdn (its source environment's node, or the bootstrap node it was released as);
   * null when Fuel has none.
   */
  fuelNode?: FuelNodeMatch | null;
  /** Why Fuel could not be asked: its code and message. */
  fuelError?: string;
}

export interface FuelNodeMatch {
  id: number;
  name: string;
  /** node-<id>.<domain> once provisioned. */
  fqdn: string | null;
  status: string;
  cluster: number | null;
  /** The environment's name; null for an unassigned node. */
  environment: string | null;
  roles: string[];
}

const NO_SERVERS = { count: 0, vcpus: 0, ramMb: 0, diskGb: 0 };
const CONTROL_BINARIES = new Set(['nova-conductor', 'nova-scheduler']);

export function hostReport(source: Inventory, hardware: Record<string, HostHardware>, management: HostManagement = 'bmc'): HostReport {
  const lookup = new InventoryLookup(source);
  const managed = (name: string): HostManagement => hardware[name]?.management ?? management;
  const hosts = lookup.ofKind('hypervisor').map((hypervisor) => hostRow(lookup, hypervisor, hardware, managed));
  const known = new Set(hosts.flatMap((h) => [h.name, h.serviceHost]));
  const controllers = [...new Set(lookup.ofKind('compute-service').filter((s) => CONTROL_BINARIES.has(String(s.attributes['binary']))).map((s) => String(s.attributes['host'])))];
  for (const name of controllers.filter((c) => !known.has(c))) {
    known.add(name);
    hosts.push({ name, serviceHost: name, onSource: true, controller: true, management: managed(name), service: null, servers: { ...NO_SERVERS }, bmc: bmcOf(hardware[name]) });
  }
  // Hosts only the config names: once released or upgraded the check still finds them in Fuel.
  for (const [name, host] of Object.entries(hardware)) {
    if (known.has(name)) continue;
    hosts.push({ name, serviceHost: name, onSource: false, controller: false, management: managed(name), service: null, servers: { ...NO_SERVERS }, bmc: bmcOf(host) });
  }
  return { cloud: source.cloud, hosts: hosts.sort((a, b) => a.name.localeCompare(b.name)) };
}

function bmcOf(host: HostHardware | undefined): HostRow['bmc'] {
  return host?.bmc ? { driver: host.bmc.driver, address: host.bmc.address, port: host.bmc.port ?? null } : null;
}

function hostRow(lookup: InventoryLookup, hypervisor: InventoryResource, hardware: Record<string, HostHardware>, managed: (name: string) => HostManagement): HostRow {
  const a = hypervisor.attributes;
  const serviceHost = typeof a['serviceHost'] === 'string' ? a['serviceHost'] : hypervisor.name;
  const serviceRef = refList(hypervisor, 'service')[0];
  const service = serviceRef ? lookup.get(serviceRef) : undefined;
  const servers = lookup.ofKind('server').filter((s) => s.attributes['hypervisorHostname'] === hypervisor.name || ((s.attributes['hypervisorHostname'] ?? null) === null && s.attributes['host'] === serviceHost));
  const sum = (field: 'vcpus' | 'ramMb' | 'diskGb') => servers.reduce((total, s) => total + (Number((s.attributes['flavor'] as Record<string, unknown> | undefined)?.[field]) || 0), 0);
  return {
    name: hypervisor.name,
    serviceHost,
    onSource: true,
    controller: false,
    management: hardware[hypervisor.name] ? managed(hypervisor.name) : managed(serviceHost),
    service: service ? {
      status: service.attributes['status'] === 'disabled' ? 'disabled' : 'enabled',
      state: service.attributes['state'] === 'down' ? 'down' : 'up',
      disabledReason: typeof service.attributes['disabledReason'] === 'string' ? service.attributes['disabledReason'] : null,
      forcedDown: service.attributes['forcedDown'] === true,
    } : null,
    servers: { count: servers.length, vcpus: sum('vcpus'), ramMb: sum('ramMb'), diskGb: sum('diskGb') },
    bmc: bmcOf(hardware[hypervisor.name] ?? hardware[serviceHost]),
  };
}
