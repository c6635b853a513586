import { createHash } from 'node:crypto';
import { compute, collectAll, type network } from '../../openstack/index.js';
import { addressPath, escapeSegment } from '../address.js';
import { groupBy, sortedRecord, unlessGone, type Collector, type ResolveContext } from './collector.js';
import { ownedNaming } from './owned.js';

type Server = compute.servers.Server;
type Port = network.ports.Port;
type ServerGroup = compute.serverGroups.ServerGroup;

/** Ports by device id: one pass over 20 000 ports instead of one scan per server. */
export function portsByDevice(ctx: ResolveContext): Map<string, Port[]> {
  return ctx.memo('ports-by-device', () => groupBy(ctx.raw<Port>('port'), (p) => p.device_id));
}

function serverGroupOf(ctx: ResolveContext): Map<string, string> {
  return ctx.memo('server-group-of-server', () => {
    const out = new Map<string, string>();
    for (const group of ctx.raw<ServerGroup>('server-group')) for (const member of group.members) out.set(member, group.id);
    return out;
  });
}

function hypervisorByHostname(ctx: ResolveContext): Map<string, string> {
  return ctx.memo('hypervisor-by-hostname', () => {
    const out = new Map<string, string>();
    for (const h of ctx.raw<compute.hypervisors.Hypervisor>('hypervisor')) out.set(h.hypervisor_hostname, String(h.id));
    return out;
  });
}

/** Security groups by `<project id>\0<name>`, for servers whose ports are not visible. */
function securityGroupByName(ctx: ResolveContext): Map<string, string> {
  return ctx.memo('security-group-by-name', () => {
    const out = new Map<string, string>();
    for (const g of ctx.raw<network.securityGroups.SecurityGroup>('security-group')) out.set(`${g.project_id}\0${g.name}`, g.id);
    return out;
  });
}

/** User data may hold credentials: keep only its size and digest (of the decoded bytes). */
function userDataDigest(userData: string | null | undefined): { length: number; sha256: string } | null {
  if (!userData) return null;
  const bytes = Buffer.from(userData, 'base64');
  return { length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Servers of all projects. Relations come from neutron (ports, their networks and security
 * groups: nova's `addresses` and `security_groups` only carry names) and from the other compute
 * collectors (server group membership, hypervisor by hostname).
 */
export const serverCollector: Collector<Server> = {
  name: 'server',
  kind: 'server',
  service: 'compute',
  fetch: async (ctx) => collectAll(compute.servers.list(await ctx.cloud.compute(), { all_tenants: true, pageSize: ctx.pageSize })),
  // One GET: its ports, group and host (read from other collectors) are not compared, so not read.
  fetchOne: async (cloud, id) => unlessGone(async () => compute.servers.get(await cloud.compute(), id)),
  naming: (s, ctx) => ownedNaming(ctx, s.id, s.name, s.tenant_id),
  build: (s, ctx) => {
    const ports = portsByDevice(ctx).get(s.id) ?? [];
    const refs = ctx.refs();
    // From 2.47 the flavor is embedded without its id: find it by the name it had at boot.
    if (s.flavor.id) refs.one('flavor', 'flavor', s.flavor.id);
    else refs.address('flavor', s.flavor.original_name ? ctx.existing(`flavor:${addressPath(s.flavor.original_name)}`) : undefined, s.flavor.original_name);
    if (s.image !== '') refs.one('image', 'image', s.image.id);
    refs.one('owner', 'user', s.user_id);
    if (s.key_name) refs.address('keypair', ctx.existing(`keypair:${ctx.pathOf('user', s.user_id) ?? addressPath(s.user_id)}/${escapeSegment(s.key_name)}`), s.key_name);
    refs.many('ports', 'port', ports.map((p) => p.id));
    refs.many('networks', 'network', ports.map((p) => p.network_id));
    if (ports.length > 0) {
      refs.many('securityGroups', 'security-group', ports.flatMap((p) => p.security_groups));
    } else {
      const byName = securityGroupByName(ctx);
      refs.many('securityGroups', 'security-group', (s.security_groups ?? []).map((g) => byName.get(`${s.tenant_id}\0${g.name}`) ?? g.name));
    }
    const volumes = s['os-extended-volumes:volumes_attached'] ?? [];
    refs.many('volumes', 'volume', volumes.map((v) => v.id));
    refs.one('serverGroup', 'server-group', serverGroupOf(ctx).get(s.id));
    const hypervisorName = s['OS-EXT-SRV-ATTR:hypervisor_hostname'];
    if (hypervisorName) refs.one('hypervisor', 'hypervisor', hypervisorByHostname(ctx).get(hypervisorName) ?? hypervisorName);
    const host = s['OS-EXT-SRV-ATTR:host'];
    if (host) refs.address('host', ctx.existing(`compute-service:${addressPath(host, 'nova-compute')}`), host);
    const addresses = Object.entries(s.addresses ?? {})
      .flatMap(([net, list]) => list.map((a) => ({ network: net, addr: a.addr, version: a.version, type: a['OS-EXT-IPS:type'] ?? null, mac: a['OS-EXT-IPS-MAC:mac_addr'] ?? null })))
      .sort((a, b) => (a.network + a.addr < b.network + b.addr ? -1 : 1));
    return refs.done({
      status: s.status,
      vmState: s['OS-EXT-STS:vm_state'] ?? null,
      powerState: s['OS-EXT-STS:power_state'] ?? null,
      taskState: s['OS-EXT-STS:task_state'] ?? null,
      availabilityZone: s['OS-EXT-AZ:availability_zone'] ?? null,
      host: host ?? null,
      hypervisorHostname: hypervisorName ?? null,
      instanceName: s['OS-EXT-SRV-ATTR:instance_name'] ?? null,
      flavor: {
        name: s.flavor.original_name ?? null,
        vcpus: s.flavor.vcpus ?? null,
        ramMb: s.flavor.ram ?? null,
        diskGb: s.flavor.disk ?? null,
        ephemeralGb: s.flavor.ephemeral ?? null,
        swapMb: s.flavor.swap ?? null,
        extraSpecs: sortedRecord(s.flavor.extra_specs),
      },
      bootFromVolume: s.image === '',
      imageId: s.image === '' ? null : s.image.id,
      keyName: s.key_name,
      userId: s.user_id,
      addresses,
      volumesAttached: volumes.map((v) => ({ id: v.id, deleteOnTermination: v.delete_on_termination ?? false })).sort((a, b) => (a.id < b.id ? -1 : 1)),
      metadata: sortedRecord(s.metadata),
      tags: [...(s.tags ?? [])].sort(),
      description: s.description ?? null,
      locked: s.locked ?? false,
      configDrive: s.config_drive === 'True' || s.config_drive === 'true',
      diskConfig: s['OS-DCF:diskConfig'] ?? null,
      rootDeviceName: s['OS-EXT-SRV-ATTR:root_device_name'] ?? null,
      userData: userDataDigest(s['OS-EXT-SRV-ATTR:user_data']),
      created: s.created,
      launchedAt: s['OS-SRV-USG:launched_at'] ?? null,
    });
  },
};
