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
