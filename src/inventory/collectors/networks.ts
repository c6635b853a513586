import { network, collectAll } from '../../openstack/index.js';
import { unlessGone, type Collector } from './collector.js';
import { ownedNaming } from './owned.js';

type Network = network.networks.Network;

export const networkCollector: Collector<Network> = {
  name: 'network',
  kind: 'network',
  service: 'network',
  fetch: async (ctx) => collectAll(network.networks.list(await ctx.cloud.network(), { pageSize: ctx.pageSize })),
  fetchOne: async (cloud, id) => unlessGone(async () => network.networks.get(await cloud.network(), id)),
  naming: (n, ctx) => ownedNaming(ctx, n.id, n.name, n.project_id),
  build: (n, ctx) =>
    ctx.refs().done({
      status: n.status,
      adminStateUp: n.admin_state_up,
      shared: n.shared,
      external: n['router:external'],
      mtu: n.mtu ?? null,
      portSecurityEnabled: n.port_security_enabled ?? null,
      provider: {
        networkType: n['provider:network_type'] ?? null,
        physicalNetwork: n['provider:physical_network'] ?? null,
        segmentationId: n['provider:segmentation_id'] ?? null,
      },
      availabilityZoneHints: [...(n.availability_zone_hints ?? [])].sort(),
      description: n.description ?? '',
      tags: [...(n.tags ?? [])].sort(),
    }),
};
