import { network, collectAll } from '../../openstack/index.js';
import { unlessGone, type Collector } from './collector.js';
import { ownedNaming } from './owned.js';

type Port = network.ports.Port;

/** What a port's device is, from its owner: servers are "compute:<az>", routers "network:router_*". */
export function deviceKind(port: Pick<Port, 'device_owner'>): 'server' | 'router' | undefined {
  if (port.device_owner.startsWith('compute:')) return 'server';
  if (port.device_owner.startsWith('network:router_')) return 'router';
  return undefined;
}

export const portCollector: Collector<Port> = {
  name: 'port',
  kind: 'port',
  service: 'network',
  fetch: async (ctx) => collectAll(network.ports.list(await ctx.cloud.network(), { pageSize: ctx.pageSize })),
  fetchOne: async (cloud, id) => unlessGone(async () => network.ports.get(await cloud.network(), id)),
  naming: (p, ctx) => ownedNaming(ctx, p.id, p.name, p.project_id),
  build: (p, ctx) => {
    const device = deviceKind(p);
    const refs = ctx.refs()
      .one('network', 'network', p.network_id)
      .many('subnets', 'subnet', p.fixed_ips.map((ip) => ip.subnet_id))
      .many('securityGroups', 'security-group', p.security_groups);
    if (device) refs.one('device', device, p.device_id);
    return refs.done({
      macAddress: p.mac_address,
      fixedIps: p.fixed_ips.map((ip) => ({ subnetId: ip.subnet_id, ipAddress: ip.ip_address })),
      deviceOwner: p.device_owner,
      deviceId: p.device_id || null,
      status: p.status,
      adminStateUp: p.admin_state_up,
      portSecurityEnabled: p.port_security_enabled ?? null,
      allowedAddressPairs: p.allowed_address_pairs ?? [],
      bindingHost: p['binding:host_id'] || null,
      vnicType: p['binding:vnic_type'] ?? null,
      description: p.description ?? '',
      tags: [...(p.tags ?? [])].sort(),
    });
  },
};
