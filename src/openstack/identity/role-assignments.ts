import { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/**
 * Keystone v3 role assignments (GET /v3/role_assignments). With `include_names` every ref carries
 * its name (and its domain's), which saves a lookup per assignment. Without `effective`, group
 * grants appear once with `group` instead of `user`; inherited grants have
 * `scope["OS-INHERIT:inherited_to"]`.
 */

export interface AssignmentRef {
  id: string;
  /** Present with include_names. */
  name?: string;
  domain?: { id: string; name?: string };
}

export interface RoleAssignment {
  role: AssignmentRef;
  user?: AssignmentRef;
  group?: AssignmentRef;
  scope: {
    project?: AssignmentRef;
    domain?: AssignmentRef;
    system?: { all?: boolean };
    'OS-INHERIT:inherited_to'?: string;
  };
}

export interface RoleAssignmentListOptions {
  /** @default true */
  include_names?: boolean;
  effective?: boolean;
  'user.id'?: string;
  'group.id'?: string;
  'role.id'?: string;
  'scope.project.id'?: string;
  'scope.domain.id'?: string;
}

const listURL = (c: ServiceClient): string => c.url('role_assignments');

export function list(client: ServiceClient, options: RoleAssignmentListOptions = {}): Pager<RoleAssignment> {
  // Keystone treats the mere presence of include_names/effective as true: send them only when wanted.
  const { include_names = true, effective = false, ...rest } = options;
  return new Pager<RoleAssignment>(client, listURL(client), {
    key: 'role_assignments',
    style: 'single',
    query: { ...rest, ...(include_names ? { include_names: 'True' } : {}), ...(effective ? { effective: 'True' } : {}) },
  });
}
