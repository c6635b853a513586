import { network, collectAll } from '../../openstack/index.js';
import { escapeSegment } from '../address.js';
import { unlessGone, type Collector, type ResolveContext } from './collector.js';
import { deviceKind } from './ports.js';

type FloatingIp = network.floatingIps.FloatingIp;
type Port = network.ports.Port;

function portById(ctx: ResolveContext): Map<string, Port> {
  return ctx.memo('port-by-id', () => new Map(ctx.raw<Port>('port').map((p) => [p.id, p])));
}

/** Floating IPs, addressed by their IP within the project: `floating-ip:demo/203.0.113.7`. */
export const floatingIpCollector: Collector<FloatingIp> = {
  name: 'floating-ip',
  kind: 'floating-ip',
  service: 'network',
  fetch: async (ctx) => collectAll(network.floatingIps.list(await ctx.cloud.network(), { pageSize: ctx.pageSize })),
  // Read alone, its port is not looked at: the server it points at is information only.
  fetchOne: async (cloud, id) => unlessGone(async () => network.floatingIps.get(await cloud.network(), id)),
  naming: (f, ctx) => {
    const project = ctx.projectRef(f.project_id);
    return {
      id: f.id,
      name: f.floating_ip_address,
      path: f.project_id ? `${ctx.projectPath(f.project_id)}/${escapeSegment(f.floating_ip_address)}` : escapeSegment(f.floating_ip_address),
      ...(project ? { project } : {}),
    };
  },
  build: (f, ctx) => {
    const port = f.port_id ? portById(ctx).get(f.port_id) : undefined;
    return ctx.refs()
      .one('network', 'network', f.floating_network_id)
      .one('port', 'port', f.port_id)
      .one('server', 'server', port && deviceKind(port) === 'server' ? port.device_id : undefined)
      .one('router', 'router', f.router_id)
      .done({ floatingIpAddress: f.floating_ip_address, fixedIpAddress: f.fixed_ip_address, status: f.status, description: f.description ?? '', dnsName: f.dns_name ?? null, dnsDomain: f.dns_domain ?? null, tags: [...(f.tags ?? [])].sort() });
  },
};
