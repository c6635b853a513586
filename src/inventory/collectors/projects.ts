import { identity, collectAll } from '../../openstack/index.js';
import { addressPath } from '../address.js';
import { unlessGone, type Collector, type ResolveContext } from './collector.js';

type Project = identity.projects.Project;

/** Keystone's default domain id; its projects and users are addressed without the domain. */
export const DEFAULT_DOMAIN_ID = 'default';

/** `demo` in the Default domain, `<domain>/<name>` elsewhere (the domain id if its name is unknown). */
export function domainScopedPath(ctx: ResolveContext, domainId: string, name: string): string {
  if (domainId === DEFAULT_DOMAIN_ID) return addressPath(name);
  return `${ctx.pathOf('domain', domainId) ?? addressPath(domainId)}/${addressPath(name)}`;
}

export const projectCollector: Collector<Project> = {
  name: 'project',
  kind: 'project',
  service: 'identity',
  fetch: async (ctx) => collectAll(identity.projects.list(await ctx.cloud.identity())),
  fetchOne: async (cloud, id) => unlessGone(async () => identity.projects.get(await cloud.identity(), id)),
  naming: (p, ctx) => ({ id: p.id, name: p.name, path: domainScopedPath(ctx, p.domain_id, p.name) }),
  build: (p, ctx) =>
    ctx.refs()
      .one('domain', 'domain', p.domain_id)
      // A top-level project's parent is its domain, already referenced above.
      .one('parent', 'project', p.parent_id && p.parent_id !== p.domain_id ? p.parent_id : undefined)
      .done({ enabled: p.enabled, description: p.description ?? '', isDomain: p.is_domain ?? false, tags: [...(p.tags ?? [])].sort() }),
};
