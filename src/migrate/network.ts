import { markedSourceId, markTags, SOURCE_TAG_PREFIX } from '../diff/marks.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { collectAll, isConflict, isStatus, network, type ServiceClient } from '../openstack/index.js';
import type { MigrationContext } from './context.js';
import type { CopyKind } from './copy.js';
import { createPortKeepingAddresses } from './port-create.js';
import { PumphouseError } from '../errors.js';

/**
 * Neutron copies: networks, subnets, routers (gateway through `maps`, interfaces), ports (MAC and
 * fixed IPs kept where the target allows), floating IPs (the same address where the pool allows;
 * associated later, by the server step) and security groups (bare, then their rules once every
 * group they name exists). Every copy carries the mark tags; `find` asks Neutron for them.
 */

type Collection = 'networks' | 'subnets' | 'routers' | 'ports' | 'floatingips' | 'security-groups';

/**
 * The copy carrying the source's mark, in the target project: a marked object left in a project
 * that was deleted since (Keystone leaves Neutron's objects behind) is not the copy.
 */
async function findMarked(m: MigrationContext, collection: Collection, source: InventoryResource): Promise<string | undefined> {
  const client = await m.target.network();
  const projectId = source.project ? m.targetIdOf(m.projectAddressOf(source)) : undefined;
  if (source.project && !projectId) return undefined;
  const items = await collectAll(network.common.neutronList<{ id: string }>(client, collection, {
    tags: `${SOURCE_TAG_PREFIX}${source.id}`, fields: ['id'], ...(projectId ? { project_id: projectId } : {}),
  }));
  return items[0]?.id;
}

/**
 * A port a killed apply created and did not get to tag (Neutron tags only after the create): on
 * the network's copy, in the project's copy, with the source's name and MAC, no device and no tags.
 * It is this port's copy; `complete` marks it.
 */
async function findUnmarkedCopy(m: MigrationContext, source: InventoryResource): Promise<string | undefined> {
  const networkId = m.targetIdOf(refList(source, 'network')[0] ?? '');
  const projectId = source.project ? m.targetIdOf(m.projectAddressOf(source)) : undefined;
  if (!networkId || (source.project && !projectId)) return undefined;
  const client = await m.target.network();
  const ports = await collectAll(network.common.neutronList<{ id: string; name?: string; mac_address?: string; network_id?: string; device_id?: string; device_owner?: string; tags?: string[] }>(client, 'ports', {
    network_id: networkId, mac_address: String(source.attributes['macAddress']), ...(projectId ? { project_id: projectId } : {}),
  }));
  const mac = String(source.attributes['macAddress']).toLowerCase();
  const name = source.name === source.id ? '' : source.name;
  return ports.find((p) => (p.name ?? '') === name && p.network_id === networkId && p.mac_address?.toLowerCase() === mac && !p.device_id && !p.device_owner && (p.tags ?? []).length === 0)?.id;
}

/** The copy, as read back after its step, carries the source's mark (so the next plan finds it). */
function verifyMarked(source: InventoryResource, copy: InventoryResource): void {
  if (markedSourceId(copy) !== source.id) throw new PumphouseError('PH1684', `${source.address}: its copy ${copy.id} on the target does not carry its mark`, { hint: 'the target dropped the pumphouse-source tag (is the tag extension enabled?): tag it by hand, or remove the copy and apply again' });
}

/** Sets the mark tags (Neutron takes tags only after the create). */
async function mark(m: MigrationContext, collection: Collection, targetId: string, source: InventoryResource): Promise<void> {
  const own = (source.attributes['tags'] as string[] | undefined) ?? [];
  const client = await m.target.network();
  await network.common.neutronSetTags(client, collection, targetId, [...new Set([...own, ...markTags(source.id, m.planName)])]);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** Availability zone hints are set at creation only (Neutron refuses them in an update). */
const zoneHints = (hints: unknown): { availability_zone_hints?: string[] } => (Array.isArray(hints) && hints.length > 0 ? { availability_zone_hints: hints.map(String) } : {});

/** Creates, then marks; a kill between the two leaves an unmarked object that `orphan` adopts. */
function neutronCopy(collection: Collection, body: (m: MigrationContext, s: InventoryResource) => Record<string, unknown>, create: (c: ServiceClient, b: Record<string, unknown>) => Promise<{ id: string }>, orphan?: (m: MigrationContext, s: InventoryResource) => Promise<string | undefined>): CopyKind {
  return {
    async find(m, source) {
      return (await findMarked(m, collection, source)) ?? (orphan ? orphan(m, source) : undefined);
    },
    async create(m, source) {
      const client = await m.target.network();
      return (await create(client, body(m, source))).id;
    },
    async complete(m, source, targetId) {
      await mark(m, collection, targetId, source);
    },
    verify: verifyMarked,
  };
}

/** An unmarked object of the same project and name (created, then killed before its tags). */
async function unmarkedByName(m: MigrationContext, collection: Collection, source: InventoryResource): Promise<string | undefined> {
  if (!source.name || source.name === source.id) return undefined;
  const client = await m.target.network();
  const items = await collectAll(network.common.neutronList<{ id: string; name: string; tags?: string[] }>(client, collection, {
    name: source.name, project_id: m.targetProjectOf(source),
  }));
  return items.find((i) => !(i.tags ?? []).some((t) => t.startsWith(SOURCE_TAG_PREFIX)))?.id;
}

export const networkCopy = neutronCopy('networks', (m, s) => {
  const a = s.attributes;
  const provider = (a['provider'] ?? {}) as Record<string, unknown>;
  return {
    name: s.name,
    project_id: m.targetProjectOf(s),
    admin_state_up: a['adminStateUp'] !== false,
    shared: a['shared'] === true,
    description: str(a['description']),
    ...(typeof a['mtu'] === 'number' ? { mtu: a['mtu'] } : {}),
    ...(typeof a['portSecurityEnabled'] === 'boolean' ? { port_security_enabled: a['portSecurityEnabled'] } : {}),
    ...zoneHints(a['availabilityZoneHints']),
    // Tenant networks take the target's own segmentation; only a flat/vlan provider network keeps its physnet.
    ...(provider['networkType'] === 'flat' || provider['networkType'] === 'vlan' ? { 'provider:network_type': provider['networkType'], 'provider:physical_network': provider['physicalNetwork'] } : {}),
  };
}, network.networks.create, (m, s) => unmarkedByName(m, 'networks', s));

export const subnetCopy = neutronCopy('subnets', (m, s) => {
  const a = s.attributes;
  return {
    name: s.name,
    project_id: m.targetProjectOf(s),
    network_id: m.requireTargetId(refList(s, 'network')[0] as string, `the network of ${s.address}`),
    cidr: a['cidr'],
    ip_version: a['ipVersion'],
    gateway_ip: a['gatewayIp'] ?? null,
    enable_dhcp: a['enableDhcp'] !== false,
    allocation_pools: a['allocationPools'],
    dns_nameservers: a['dnsNameservers'] ?? [],
    host_routes: a['hostRoutes'] ?? [],
    description: str(a['description']),
  };
}, network.subnets.create, (m, s) => unmarkedByName(m, 'subnets', s));

const routerBase = neutronCopy('routers', (m, s) => {
  const external = refList(s, 'externalNetwork')[0];
  return {
    name: s.name,
    project_id: m.targetProjectOf(s),
    admin_state_up: s.attributes['adminStateUp'] !== false,
    description: str(s.attributes['description']),
    ...zoneHints(s.attributes['availabilityZoneHints']),
    ...(external ? {
      external_gateway_info: {
        network_id: m.requireTargetId(external, `the external network of ${s.address}`),
        ...(typeof s.attributes['enableSnat'] === 'boolean' ? { enable_snat: s.attributes['enableSnat'] } : {}),
      },
    } : {}),
  };
}, network.routers.create, (m, s) => unmarkedByName(m, 'routers', s));

export const routerCopy: CopyKind = {
  ...routerBase,
  async complete(m, source, targetId, ctx) {
    await routerBase.complete?.(m, source, targetId, ctx);
    const client = await m.target.network();
    const attached = await pluggedSubnets(client, targetId);
    for (const subnetId of interfaceSubnets(m, source)) if (!attached.has(subnetId)) await network.routers.addInterface(client, targetId, subnetId);
    // Neutron takes routes only on an update, and only once their next hops are on the router's subnets.
    const routes = (source.attributes['routes'] ?? []) as unknown[];
    if (routes.length > 0) await network.routers.update(client, targetId, { routes });
  },
};

/**
 * The target ids of the subnets a router's copy is plugged into: the source's interface subnets
 * that have a copy (a subnet outside the plan, another project's, is left alone and the diff
 * reports it), without those of its external network.
 */
export function interfaceSubnets(m: MigrationContext, source: InventoryResource): string[] {
  const external = refList(source, 'externalNetwork')[0];
  return refList(source, 'subnets').flatMap((subnet) => {
    const onSource = m.sourceLookup.get(subnet);
    if (external && onSource && refList(onSource, 'network')[0] === external) return [];
    return m.targetIdOf(subnet) ?? [];
  });
}

/** The subnets a target router has an interface on now. */
export async function pluggedSubnets(client: ServiceClient, routerId: string): Promise<Set<string>> {
  const ports = await collectAll(network.ports.list(client, { device_id: routerId }));
  return new Set(ports.filter((p) => p.device_owner.startsWith('network:router_interface')).flatMap((p) => p.fixed_ips.map((ip) => ip.subnet_id)));
}

export const portCopy: CopyKind = {
  async find(m, source) {
    return (await findMarked(m, 'ports', source)) ?? (await findUnmarkedCopy(m, source));
  },
  async create(m, source, ctx) {
    const a = source.attributes;
    const fixedIps = ((a['fixedIps'] ?? []) as Array<{ subnetId: string; ipAddress: string }>).map((ip) => {
      const subnet = m.sourceLookup.byId('subnet', ip.subnetId);
      return subnet ? { subnet_id: m.requireTargetId(subnet.address, `a subnet of ${source.address}`), ip_address: ip.ipAddress } : undefined;
    }).filter((ip) => ip !== undefined);
    const body: Record<string, unknown> = {
      name: source.name === source.id ? '' : source.name,
      project_id: m.targetProjectOf(source),
      network_id: m.requireTargetId(refList(source, 'network')[0] as string, `the network of ${source.address}`),
      fixed_ips: fixedIps,
      mac_address: a['macAddress'],
      security_groups: refList(source, 'securityGroups').map((g) => m.requireTargetId(g, `a security group of ${source.address}`)),
      admin_state_up: a['adminStateUp'] !== false,
      description: str(a['description']),
      ...(Array.isArray(a['allowedAddressPairs']) && a['allowedAddressPairs'].length > 0 ? { allowed_address_pairs: a['allowedAddressPairs'] } : {}),
      ...(typeof a['portSecurityEnabled'] === 'boolean' ? { port_security_enabled: a['portSecurityEnabled'] } : {}),
    };
    return createPortKeepingAddresses(m, source, { ...body, network_id: body['network_id'] as string, fixed_ips: fixedIps }, ctx);
  },
  async complete(m, source, targetId) {
    await mark(m, 'ports', targetId, source);
  },
  verify: verifyMarked,
};

export const floatingIpCopy: CopyKind = {
  async find(m, source) {
    return findMarked(m, 'floatingips', source);
  },
  async create(m, source, ctx) {
    const client = await m.target.network();
    const body: Record<string, unknown> = {
      project_id: m.targetProjectOf(source),
      floating_network_id: m.requireTargetId(refList(source, 'network')[0] as string, `the network of ${source.address}`),
      description: str(source.attributes['description']),
    };
    const address = source.attributes['floatingIpAddress'];
    try {
      return (await network.floatingIps.create(client, { ...body, floating_ip_address: address })).id;
    } catch (error) {
      if (!isConflict(error) && !isStatus(error, 400)) throw error;
      ctx.progress({ phase: `address ${String(address)} is not available on the target: allocating another` });
      return (await network.floatingIps.create(client, body)).id;
    }
  },
  async complete(m, source, targetId) {
    await mark(m, 'floatingips', targetId, source);
    // Its port's copy exists already (the port orders first): pointing it there now leaves the
    // server step nothing to do but check it, inside the downtime.
    const port = refList(source, 'port')[0];
    const portId = port ? m.targetIdOf(port) : undefined;
    if (portId) {
      const client = await m.target.network();
      if ((await network.floatingIps.get(client, targetId)).port_id !== portId) await network.floatingIps.update(client, targetId, { port_id: portId });
    }
  },
  verify: verifyMarked,
};

/** Security groups are created bare; `sync-rules` adds their rules. "default" exists already. */
export const securityGroupCopy: CopyKind = {
  async find(m, source) {
    const marked = await findMarked(m, 'security-groups', source);
    if (marked) return marked;
    if (source.name !== 'default') return unmarkedByName(m, 'security-groups', source);
    const client = await m.target.network();
    const groups = await collectAll(network.securityGroups.list(client, { project_id: m.targetProjectOf(source), name: 'default' } as never));
    return groups[0]?.id;
  },
  async create(m, source) {
    const client = await m.target.network();
    if (source.name === 'default') {
      // Neutron makes a project's `default` group itself and refuses a second (409); asking for
      // one makes sure it exists, then it is adopted.
      try {
        await network.securityGroups.create(client, { name: 'default', project_id: m.targetProjectOf(source) });
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
      const adopted = await securityGroupCopy.find(m, source);
      if (adopted) return adopted;
    }
    return (await network.securityGroups.create(client, {
      name: source.name, description: str(source.attributes['description']), project_id: m.targetProjectOf(source),
      ...(source.attributes['stateful'] === false ? { stateful: false } : {}),
    })).id;
  },
  async complete(m, source, targetId) {
    await mark(m, 'security-groups', targetId, source);
  },
  verify: verifyMarked,
};
