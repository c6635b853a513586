import { identity, collectAll } from '../../openstack/index.js';
import { addressPath } from '../address.js';
import { unlessGone, type Collector } from './collector.js';

type Role = identity.roles.Role;

/** Roles: global ones by name, domain-specific ones as `<domain>/<name>`. */
export const roleCollector: Collector<Role> = {
  name: 'role',
  kind: 'role',
  service: 'identity',
  fetch: async (ctx) => collectAll(identity.roles.list(await ctx.cloud.identity())),
  fetchOne: async (cloud, id) => unlessGone(async () => identity.roles.get(await cloud.identity(), id)),
  naming: (r, ctx) => ({
    id: r.id,
    name: r.name,
    path: r.domain_id ? `${ctx.pathOf('domain', r.domain_id) ?? addressPath(r.domain_id)}/${addressPath(r.name)}` : addressPath(r.name),
  }),
  build: (r, ctx) => ctx.refs().one('domain', 'domain', r.domain_id).done({ description: r.description ?? '' }),
};
