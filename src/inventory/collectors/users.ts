import { identity, collectAll } from '../../openstack/index.js';
import { unlessGone, type Collector } from './collector.js';
import { domainScopedPath } from './projects.js';

type User = identity.users.User;

/** Users. Keystone never returns password hashes; nothing secret is in a user object. */
export const userCollector: Collector<User> = {
  name: 'user',
  kind: 'user',
  service: 'identity',
  fetch: async (ctx) => collectAll(identity.users.list(await ctx.cloud.identity())),
  fetchOne: async (cloud, id) => unlessGone(async () => identity.users.get(await cloud.identity(), id)),
  naming: (u, ctx) => ({ id: u.id, name: u.name, path: domainScopedPath(ctx, u.domain_id, u.name) }),
  build: (u, ctx) =>
    ctx.refs()
      .one('domain', 'domain', u.domain_id)
      .one('defaultProject', 'project', u.default_project_id)
      .done({ enabled: u.enabled, email: u.email ?? null, description: u.description ?? '', passwordExpiresAt: u.password_expires_at ?? null }),
};
