import { addressPath, escapeSegment } from '../address.js';
import type { Naming, ResolveContext } from './collector.js';
import { nameOrId } from './collector.js';

/**
 * Naming of project-owned resources: `<project path>/<name or id>`. Resources neutron owns for
 * itself (router gateway and DHCP ports, `project_id: ""`) have no project and no scope.
 */
export function ownedNaming(ctx: ResolveContext, id: string, name: string | null | undefined, projectId: string | null | undefined): Naming {
  const label = nameOrId(name, id);
  const project = ctx.projectRef(projectId);
  return {
    id,
    name: name ?? '',
    path: projectId ? `${ctx.projectPath(projectId)}/${escapeSegment(label)}` : addressPath(label),
    ...(project ? { project } : {}),
  };
}
