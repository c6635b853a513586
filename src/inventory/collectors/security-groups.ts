import { network, collectAll } from '../../openstack/index.js';
import { unlessGone, type Collector } from './collector.js';
import { ownedNaming } from './owned.js';

type SecurityGroup = network.securityGroups.SecurityGroup;

/**
 * Security groups with their rules. Rule ids are left out of the rule attributes (a copied rule
 * gets a new id); a rule's remote group is given by address, so rules compare across clouds.
 */
export const securityGroupCollector: Collector<SecurityGroup> = {
  name: 'security-group',
  kind: 'security-group',
  service: 'network',
  fetch: async (ctx) => collectAll(network.securityGroups.list(await ctx.cloud.network(), { pageSize: ctx.pageSize })),
  fetchOne: async (cloud, id) => unlessGone(async () => network.securityGroups.get(await cloud.network(), id)),
  naming: (g, ctx) => ownedNaming(ctx, g.id, g.name, g.project_id),
  build: (g, ctx) => {
    const rules = g.security_group_rules.map((r) => ({
      direction: r.direction,
      ethertype: r.ethertype,
      protocol: r.protocol,
      portRangeMin: r.port_range_min,
      portRangeMax: r.port_range_max,
      remoteIpPrefix: r.remote_ip_prefix,
      remoteGroup: r.remote_group_id ? (ctx.address('security-group', r.remote_group_id) ?? r.remote_group_id) : null,
      remoteAddressGroupId: r.remote_address_group_id ?? null,
      description: r.description ?? '',
    }));
    const key = (r: (typeof rules)[number]): string => JSON.stringify(r);
    rules.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return ctx.refs()
      .many('remoteGroups', 'security-group', g.security_group_rules.map((r) => r.remote_group_id))
      .done({ description: g.description, stateful: g.stateful ?? true, rules, tags: [...(g.tags ?? [])].sort() });
  },
};
