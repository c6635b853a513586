import { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/** Keystone v3 roles. Global roles have `domain_id: null`; domain-specific roles name their domain. */

export interface Role {
  id: string;
  name: string;
  domain_id?: string | null;
  description?: string | null;
}

export interface RoleListOptions {
  name?: string;
  domain_id?: string;
}

const listURL = (c: ServiceClient): string => c.url('roles');
const getURL = (c: ServiceClient, id: string): string => c.url('roles', id);

export function list(client: ServiceClient, options: RoleListOptions = {}): Pager<Role> {
  return new Pager<Role>(client, listURL(client), { key: 'roles', style: 'single', query: { ...options } });
}

export async function get(client: ServiceClient, id: string): Promise<Role> {
  return (await client.get<{ role: Role }>(getURL(client, id))).role;
}

// ---- writes (admin) -------------------------------------------------------------------------

export async function create(client: ServiceClient, role: { name: string; description?: string }): Promise<Role> {
  return (await client.post<{ role: Role }>(listURL(client), { role })).role;
}

/** PATCH /roles/{id}; Keystone refuses (403) to change an immutable role. */
export async function update(client: ServiceClient, id: string, changes: { description?: string | null }): Promise<Role> {
  return (await client.patch<{ role: Role }>(getURL(client, id), { role: changes }, { retrySafe: true })).role;
}

/** Where a grant applies: a project or a domain. */
export type GrantScope = { projectId: string } | { domainId: string };

function grantURL(c: ServiceClient, scope: GrantScope, userId: string, roleId: string): string {
  return 'projectId' in scope
    ? c.url('projects', scope.projectId, 'users', userId, 'roles', roleId)
    : c.url('domains', scope.domainId, 'users', userId, 'roles', roleId);
}

/** PUT …/users/{user}/roles/{role}: grants the role (idempotent). */
export async function grant(client: ServiceClient, scope: GrantScope, userId: string, roleId: string): Promise<void> {
  await client.put(grantURL(client, scope, userId, roleId), undefined, { okCodes: [200, 201, 204] });
}

/** True when the user holds the role there directly (HEAD answers 204 or 404). */
export async function hasGrant(client: ServiceClient, scope: GrantScope, userId: string, roleId: string): Promise<boolean> {
  const res = await client.request('HEAD', grantURL(client, scope, userId, roleId), { okCodes: [200, 204, 404] });
  return res.status !== 404;
}

export async function revoke(client: ServiceClient, scope: GrantScope, userId: string, roleId: string): Promise<void> {
  await client.delete(grantURL(client, scope, userId, roleId), { missingOk: true });
}
