import { network, collectAll } from '../../openstack/index.js';
import { unlessGone, type Collector } from './collector.js';
import { ownedNaming } from './owned.js';
import { portsByDevice } from './servers.js';

type Router = network.routers.Router;

export const routerCollector: Collector<Router> = {
  name: 'router',
  kind: 'router',
  service: 'network',
  fetch: async (ctx) => collectAll(network.routers.list(await ctx.cloud.network(), { pageSize: ctx.pageSize })),
  fetchOne: async (cloud, id) => {
    const client = await cloud.network();
    const router = await unlessGone(() => network.routers.get(client, id));
    // Its interfaces are its ports (build reads them from the port collector's items).
    return router && { ...router, related: { port: await collectAll(network.ports.list(client, { device_id: id })) } };
  },
  naming: (r, ctx) => ownedNaming(ctx, r.id, r.name, r.project_id),
  build: (r, ctx) => {
    // Interfaces live on ports, not on the router object.
    const interfaces = (portsByDevice(ctx).get(r.id) ?? []).filter((p) => p.device_owner.startsWith('network:router_interface'));
    const gateway = r.external_gateway_info;
    return ctx.refs()
      .one('externalNetwork', 'network', gateway?.network_id)
      .many('subnets', 'subnet', interfaces.flatMap((p) => p.fixed_ips.map((ip) => ip.subnet_id)))
      .many('interfacePorts', 'port', interfaces.map((p) => p.id))
      .done({
        status: r.status,
        adminStateUp: r.admin_state_up,
        enableSnat: gateway?.enable_snat ?? null,
        externalFixedIps: (gateway?.external_fixed_ips ?? []).map((ip) => ({ subnetId: ip.subnet_id, ipAddress: ip.ip_address })),
        routes: r.routes,
        distributed: r.distributed ?? null,
        ha: r.ha ?? null,
        availabilityZoneHints: [...(r.availability_zone_hints ?? [])].sort(),
        description: r.description ?? '',
        tags: [...(r.tags ?? [])].sort(),
      });
  },
};
