import { identity, collectAll } from '../../openstack/index.js';
import { addressPath } from '../address.js';
import type { Collector, ResolveContext } from './collector.js';

type RoleAssignment = identity.roleAssignments.RoleAssignment;

function scopePath(a: RoleAssignment, ctx: ResolveContext): string {
  if (a.scope.project) return ctx.pathOf('project', a.scope.project.id) ?? addressPath(a.scope.project.id);
  if (a.scope.domain) return addressPath(`domain:${a.scope.domain.name ?? a.scope.domain.id}`);
  return 'system';
}

function actorPath(a: RoleAssignment, ctx: ResolveContext): string {
  if (a.user) return ctx.pathOf('user', a.user.id) ?? addressPath(a.user.name ?? a.user.id);
  // Groups are not an inventory kind (yet): name them inline.
  return addressPath(`group:${a.group?.name ?? a.group?.id ?? '?'}`);
}

/** `<scope id>/user=<id>/<role id>[/inherited]`: keystone gives grants no id of their own (apply's mappings use it too). */
export function grantId(a: RoleAssignment): string {
  const scope = a.scope.project?.id ?? a.scope.domain?.id ?? 'system';
  const actor = a.user ? `user=${a.user.id}` : `group=${a.group?.id ?? '?'}`;
  return `${scope}/${actor}/${a.role.id}${a.scope['OS-INHERIT:inherited_to'] ? '/inherited' : ''}`;
}

export const roleAssignmentCollector: Collector<RoleAssignment> = {
  name: 'role-assignment',
  kind: 'role-assignment',
  service: 'identity',
  fetch: async (ctx) => collectAll(identity.roleAssignments.list(await ctx.cloud.identity(), { include_names: true })),
  fetchOne: async (cloud, id) => {
    const [, actor = '', role = ''] = id.split('/');
    if (!actor.startsWith('user=')) return undefined;
    const client = await cloud.identity();
    const grants = await collectAll(identity.roleAssignments.list(client, { include_names: true, 'user.id': actor.slice('user='.length), 'role.id': role }));
    const grant = grants.find((a) => grantId(a) === id);
    return grant ? { item: grant } : undefined;
  },
  naming: (a, ctx) => {
    const project = a.scope.project ? ctx.projectRef(a.scope.project.id) : undefined;
    const role = ctx.pathOf('role', a.role.id) ?? addressPath(a.role.name ?? a.role.id);
    return { id: grantId(a), name: a.role.name ?? a.role.id, path: `${scopePath(a, ctx)}/${actorPath(a, ctx)}/${role}`, ...(project ? { project } : {}) };
  },
  build: (a, ctx) =>
    ctx.refs()
      .one('user', 'user', a.user?.id)
      .one('project', 'project', a.scope.project?.id)
      .one('domain', 'domain', a.scope.domain?.id)
      .one('role', 'role', a.role.id)
      .done({
        scope: a.scope.project ? 'project' : a.scope.domain ? 'domain' : 'system',
        inherited: a.scope['OS-INHERIT:inherited_to'] !== undefined,
        ...(a.group ? { group: { id: a.group.id, name: a.group.name ?? null, domain: a.group.domain?.name ?? a.group.domain?.id ?? null } } : {}),
      }),
};
