import { compute, collectAll } from '../../openstack/index.js';
import { sortedRecord, unlessGone, type Collector } from './collector.js';
import { ownedNaming } from './owned.js';

type ServerGroup = compute.serverGroups.ServerGroup;

export const serverGroupCollector: Collector<ServerGroup> = {
  name: 'server-group',
  kind: 'server-group',
  service: 'compute',
  fetch: async (ctx) => collectAll(compute.serverGroups.list(await ctx.cloud.compute(), { all_projects: true, pageSize: ctx.pageSize })),
  fetchOne: async (cloud, id) => unlessGone(async () => compute.serverGroups.get(await cloud.compute(), id)),
  naming: (g, ctx) => ownedNaming(ctx, g.id, g.name, g.project_id),
  build: (g, ctx) =>
    ctx.refs().many('members', 'server', g.members).one('creator', 'user', g.user_id).done({ policy: compute.serverGroups.policyOf(g) ?? null, rules: sortedRecord(g.rules) }),
};
