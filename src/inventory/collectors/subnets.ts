import { network, collectAll } from '../../openstack/index.js';
import { unlessGone, type Collector } from './collector.js';
import { ownedNaming } from './owned.js';

type Subnet = network.subnets.Subnet;

export const subnetCollector: Collector<Subnet> = {
  name: 'subnet',
  kind: 'subnet',
  service: 'network',
  fetch: async (ctx) => collectAll(network.subnets.list(await ctx.cloud.network(), { pageSize: ctx.pageSize })),
  fetchOne: async (cloud, id) => unlessGone(async () => network.subnets.get(await cloud.network(), id)),
  naming: (s, ctx) => ownedNaming(ctx, s.id, s.name, s.project_id),
  build: (s, ctx) =>
    ctx.refs().one('network', 'network', s.network_id).done({
      cidr: s.cidr,
      ipVersion: s.ip_version,
      gatewayIp: s.gateway_ip,
      enableDhcp: s.enable_dhcp,
      allocationPools: s.allocation_pools,
      dnsNameservers: s.dns_nameservers,
      hostRoutes: s.host_routes,
      ipv6RaMode: s.ipv6_ra_mode ?? null,
      ipv6AddressMode: s.ipv6_address_mode ?? null,
      subnetpoolId: s.subnetpool_id ?? null,
      description: s.description ?? '',
      tags: [...(s.tags ?? [])].sort(),
    }),
};
