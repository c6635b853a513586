import { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/** Keystone v3 domains. Keystone does not page: `list` is one request. */

export interface Domain {
  id: string;
  name: string;
  enabled: boolean;
  description?: string | null;
}

export interface DomainListOptions {
  name?: string;
  enabled?: boolean;
}

const listURL = (c: ServiceClient): string => c.url('domains');
const getURL = (c: ServiceClient, id: string): string => c.url('domains', id);

export function list(client: ServiceClient, options: DomainListOptions = {}): Pager<Domain> {
  return new Pager<Domain>(client, listURL(client), { key: 'domains', style: 'single', query: { ...options } });
}

export async function get(client: ServiceClient, id: string): Promise<Domain> {
  return (await client.get<{ domain: Domain }>(getURL(client, id))).domain;
}

// ---- writes (admin) -------------------------------------------------------------------------

/** PATCH /domains/{id}: only the fields given change. */
export async function update(client: ServiceClient, id: string, changes: { enabled?: boolean; description?: string }): Promise<Domain> {
  return (await client.patch<{ domain: Domain }>(getURL(client, id), { domain: changes }, { retrySafe: true })).domain;
}
