import { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/**
 * Keystone v3 users. The API never returns password hashes; `password_expires_at` is a date.
 * `email` and `description` are free-form extra attributes some deployments set.
 */

export interface User {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
  default_project_id?: string | null;
  description?: string | null;
  email?: string | null;
  password_expires_at?: string | null;
}

export interface UserListOptions {
  domain_id?: string;
  name?: string;
  enabled?: boolean;
}

const listURL = (c: ServiceClient): string => c.url('users');
const getURL = (c: ServiceClient, id: string): string => c.url('users', id);

export function list(client: ServiceClient, options: UserListOptions = {}): Pager<User> {
  return new Pager<User>(client, listURL(client), { key: 'users', style: 'single', query: { ...options } });
}

export async function get(client: ServiceClient, id: string): Promise<User> {
  return (await client.get<{ user: User }>(getURL(client, id))).user;
}

// ---- writes (admin) -------------------------------------------------------------------------

export interface UserCreate {
  name: string;
  domain_id: string;
  /** Never logged: the transport's redactor masks it and Keystone never returns it. */
  password?: string;
  email?: string;
  enabled?: boolean;
  default_project_id?: string;
  description?: string;
}

/** POST /v3/users. Keystone answers 409 when the domain already has a user of that name. */
export async function create(client: ServiceClient, user: UserCreate): Promise<User> {
  return (await client.post<{ user: User }>(listURL(client), { user })).user;
}

/** What PATCH /v3/users/{id} may change; null clears an optional field (email, default project). */
export type UserUpdate = Partial<Omit<UserCreate, 'domain_id' | 'email' | 'default_project_id'>> & { email?: string | null; default_project_id?: string | null };

export async function update(client: ServiceClient, id: string, changes: UserUpdate): Promise<User> {
  return (await client.patch<{ user: User }>(getURL(client, id), { user: changes })).user;
}

export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(getURL(client, id), { missingOk: true });
}
