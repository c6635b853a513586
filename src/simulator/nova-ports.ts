/**
 * What Nova asks of Neutron for a server's network interfaces: checking the requested networks
 * and ports, creating ports for `{uuid}` requests, binding them to the chosen host, and
 * unbinding or deleting them when the server goes (nova/network/neutron.py).
 *
 * Writes go straight to the store (the simulator has one store per cloud) and keep the Neutron
 * read side's facts true: a bound port has `device_id`, `device_owner: compute:<az>`,
 * `binding:host_id`, and is ACTIVE once the server is.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { intToIp, ipToInt } from './scenarios/builder.js';
import type { CloudStore, Network, Port, SecurityGroup, Server, Subnet } from './store.js';

/** One entry of `server.networks`, after validation. */
export type NetworkRequest =
  | { kind: 'port'; portId: string }
  | { kind: 'network'; networkId: string; fixedIp: string | undefined };

/** A network request resolved against the store at boot time. */
export type PlannedInterface = { kind: 'port'; port: Port } | { kind: 'network'; network: Network; subnet: Subnet; fixedIp: string | undefined };

/** Why a request cannot be served: an HTTP status and Nova's message. */
export interface Refused { status: number; message: string }

/** Networks a project can see: its own, shared and external ones (admins: all). */
export function networkVisible(n: Network, projectId: string, admin: boolean): boolean {
  return admin || n.projectId === projectId || n.shared || n.external;
}

/** IPv4 subnets of a network that have an allocation pool, in table order. */
function usableSubnets(store: CloudStore, networkId: string): Subnet[] {
  return store.subnets.by('network', networkId).filter((s) => s.ipVersion === 4 && s.allocationPools.length > 0);
}

/** Addresses already held on a subnet, by any port. */
function usedAddresses(store: CloudStore, subnet: Subnet): Map<string, Port> {
  const used = new Map<string, Port>();
  for (const p of store.ports.by('network', subnet.networkId)) {
    for (const ip of p.fixedIps) if (ip.subnetId === subnet.id) used.set(ip.ipAddress, p);
  }
  return used;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '0.0.0.0', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = ipToInt(base);
  const n = ipToInt(ip);
  return n >= start && n < start + size;
}

/** The first free address of a subnet's pools, or undefined when they are exhausted. */
export function freeAddress(store: CloudStore, subnet: Subnet): string | undefined {
  const used = usedAddresses(store, subnet);
  for (const pool of subnet.allocationPools) {
    for (let n = ipToInt(pool.start); n <= ipToInt(pool.end); n++) {
      const ip = intToIp(n);
      if (!used.has(ip) && ip !== subnet.gatewayIp) return ip;
    }
  }
  return undefined;
}

/**
 * Checks the requested interfaces as Nova's API does before accepting a boot
 * (`validate_networks`): ports exist for the caller and are free, networks exist, have a subnet
 * and are not external (unless admin), fixed IPs are free. `claimed` holds ports that servers
 * still in BUILD already asked for.
 */
export function planInterfaces(
  store: CloudStore, requests: readonly NetworkRequest[], projectId: string, admin: boolean, claimed: ReadonlySet<string>,
): PlannedInterface[] | Refused {
  const planned: PlannedInterface[] = [];
  for (const request of requests) {
    if (request.kind === 'port') {
      const port = store.ports.get(request.portId);
      if (!port || (!admin && port.projectId !== projectId)) return { status: 400, message: `Port id ${request.portId} could not be found.` };
      if (port.deviceId || claimed.has(port.id)) return { status: 409, message: `Port ${port.id} is still in use.` };
      planned.push({ kind: 'port', port });
      continue;
    }
    const network = store.networks.get(request.networkId);
    if (!network || !networkVisible(network, projectId, admin)) return { status: 400, message: `Network ${request.networkId} could not be found.` };
    if (network.external && !admin) return { status: 403, message: `It is not allowed to create an interface on external network ${network.id}` };
    const subnets = usableSubnets(store, network.id);
    const subnet = request.fixedIp === undefined ? subnets[0] : subnets.find((s) => inCidr(request.fixedIp ?? '', s.cidr));
    if (!subnet) {
      if (subnets.length === 0) return { status: 400, message: `Network ${network.id} requires a subnet in order to boot instances on.` };
      return { status: 400, message: `Fixed IP address ${request.fixedIp} is not a valid IP for network ${network.id}.` };
    }
    if (request.fixedIp !== undefined) {
      const holder = usedAddresses(store, subnet).get(request.fixedIp);
      if (holder) return { status: 400, message: `Fixed IP address ${request.fixedIp} is already in use on instance ${holder.deviceId}.` };
    }
    planned.push({ kind: 'network', network, subnet, fixedIp: request.fixedIp });
  }
  return planned;
}

/** The networks Nova picks when none are requested: the project's own and shared ones. */
export function availableNetworks(store: CloudStore, projectId: string): Network[] {
  return store.networks.all().filter((n) => !n.external && (n.projectId === projectId || n.shared));
}

/** Neutron's `default` group for a project, created on first use as Neutron does. */
export function defaultGroup(store: CloudStore, projectId: string): SecurityGroup {
  const existing = store.securityGroups.by('project', projectId).find((g) => g.name === 'default');
  if (existing) return existing;
  const now = Date.now();
  const group = store.securityGroups.insert({ id: randomUUID(), name: 'default', projectId, description: 'Default security group', stateful: true, tags: [], createdAt: now });
  for (const ethertype of ['IPv4', 'IPv6'] as const) {
    for (const direction of ['egress', 'ingress'] as const) {
      store.securityGroupRules.insert({
        id: randomUUID(), securityGroupId: group.id, projectId, direction, ethertype, protocol: null, portRangeMin: null, portRangeMax: null,
        remoteIpPrefix: null, remoteGroupId: direction === 'ingress' ? group.id : null, description: '', createdAt: now,
      });
    }
  }
  return group;
}

/**
 * Security groups by name or id in a project, as Nova resolves `security_groups` at boot;
 * a name that matches nothing is refused (`Security group X not found.`), except `default`.
 */
export function resolveSecurityGroups(store: CloudStore, projectId: string, names: readonly string[]): { ids: string[]; names: string[] } | Refused {
  const groups = store.securityGroups.by('project', projectId);
  const ids: string[] = [];
  const resolved: string[] = [];
  for (const name of names) {
    const g = groups.find((x) => x.id === name) ?? groups.find((x) => x.name === name);
    if (!g && name !== 'default') return { status: 400, message: `Security group ${name} not found.` };
    ids.push(g?.id ?? '');
    resolved.push(g?.name ?? name);
  }
  return { ids, names: resolved };
}

export function randomMac(): string {
  return ['fa', '16', '3e', ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/**
 * Plugs a server's interfaces on its host: pre-created ports are bound, `{uuid}` requests get a
 * new port (recorded in `server.novaPortIds`). Ports stay DOWN until the server is ACTIVE.
 * Returns a message when a network ran out of addresses (the build then fails).
 */
export function plugInterfaces(store: CloudStore, server: Server, plan: readonly PlannedInterface[], groupNames: readonly string[]): string | undefined {
  const owner = `compute:${server.availabilityZone}`;
  const created: string[] = [];
  let groupIds: string[] | undefined;
  for (const item of plan) {
    if (item.kind === 'port') {
      store.ports.update(item.port, (p) => {
        p.deviceId = server.id;
        p.deviceOwner = owner;
        p.bindingHostId = server.host;
        p.status = 'DOWN';
      });
      continue;
    }
    const ip = item.fixedIp ?? freeAddress(store, item.subnet);
    if (ip === undefined) return `No more IP addresses available on network ${item.network.id}.`;
    groupIds ??= groupNames.map((name) => (name === 'default' ? defaultGroup(store, server.projectId).id
      : store.securityGroups.by('project', server.projectId).find((g) => g.name === name || g.id === name)?.id ?? '')).filter((id) => id !== '');
    const port = store.ports.insert({
      id: randomUUID(), name: '', networkId: item.network.id, projectId: server.projectId, macAddress: randomMac(),
      fixedIps: [{ subnetId: item.subnet.id, ipAddress: ip }], deviceOwner: owner, deviceId: server.id, bindingHostId: server.host,
      securityGroupIds: [...new Set(groupIds)], status: 'DOWN', adminStateUp: true, portSecurityEnabled: item.network.portSecurityEnabled,
      tags: [], description: '', createdAt: Date.now(),
    });
    created.push(port.id);
  }
  server.novaPortIds = [...(server.novaPortIds ?? []), ...created];
  return undefined;
}

/** Marks a server's ports ACTIVE (the VIFs are plugged once the guest runs); an admin-down port stays DOWN, passing nothing. */
export function activatePorts(store: CloudStore, server: Server): void {
  for (const p of store.serverPorts(server.id)) p.status = p.adminStateUp ? 'ACTIVE' : 'DOWN';
}

/**
 * What Nova does to ports when a server is deleted: ports it created are deleted (their
 * floating IPs lose the association, as Neutron does on port delete); ports the user passed in
 * are unbound and go DOWN, keeping their floating IPs.
 */
export function releaseInterfaces(store: CloudStore, server: Server): void {
  const created = new Set(server.novaPortIds ?? []);
  for (const port of [...store.ports.by('device', server.id)]) {
    if (!port.deviceOwner.startsWith('compute:')) continue;
    if (created.has(port.id)) {
      for (const fip of [...store.floatingIps.by('port', port.id)]) {
        store.floatingIps.update(fip, (f) => {
          f.portId = null;
          f.fixedIpAddress = null;
          f.routerId = null;
          f.status = 'DOWN';
        });
      }
      store.ports.delete(port.id);
      continue;
    }
    store.ports.update(port, (p) => {
      p.deviceId = '';
      p.deviceOwner = '';
      p.bindingHostId = '';
      p.status = 'DOWN';
    });
  }
  server.novaPortIds = [];
}

/** Security group names of a server as Nova reports them: the groups of its ports. */
export function portGroupNames(store: CloudStore, ports: readonly Port[]): string[] {
  const names: string[] = [];
  for (const p of ports) for (const id of p.securityGroupIds) names.push(store.securityGroups.get(id)?.name ?? id);
  return [...new Set(names)];
}
