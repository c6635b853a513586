import { Pager, type PageOptions } from '../http/paginate.js';
import type { QueryParams, ServiceClient } from '../http/service-client.js';

/**
 * What every neutron list shares: `limit`/`marker` paging with `<key>_links`, filters as query
 * parameters, and `fields` to shrink large listings (ports). Neutron's `tenant_id` duplicates
 * `project_id` and is not typed.
 */
export interface NeutronListOptions extends PageOptions {
  project_id?: string;
  /** Only these attributes (always add "id"); smaller pages for 20 000 ports. */
  fields?: readonly string[];
}

export function neutronList<T>(client: ServiceClient, collection: string, options: NeutronListOptions & QueryParams): Pager<T> {
  const { pageSize, ...query } = options;
  return new Pager<T>(client, client.url(collection), { key: collection.replace(/-/g, '_'), style: 'links', ...(pageSize ? { pageSize } : {}), query });
}

export async function neutronGet<T>(client: ServiceClient, collection: string, singular: string, id: string): Promise<T> {
  return (await client.get<Record<string, T>>(client.url(collection, id)))[singular] as T;
}

// ---- writes ---------------------------------------------------------------------------------
// Neutron's writes share one shape: POST /{collection} {singular: {...}} → 201 {singular: {...}},
// PUT /{collection}/{id} to update, DELETE → 204, and tags as a sub-resource.

export async function neutronCreate<T>(client: ServiceClient, collection: string, singular: string, body: Record<string, unknown>): Promise<T> {
  return (await client.post<Record<string, T>>(client.url(collection), { [singular]: body }))[singular] as T;
}

export async function neutronUpdate<T>(client: ServiceClient, collection: string, singular: string, id: string, body: Record<string, unknown>): Promise<T> {
  return (await client.put<Record<string, T>>(client.url(collection, id), { [singular]: body }))[singular] as T;
}

export async function neutronDelete(client: ServiceClient, collection: string, id: string): Promise<void> {
  await client.delete(client.url(collection, id), { missingOk: true });
}

/** PUT /{collection}/{id}/tags: replaces the object's tags (idempotent). */
export async function neutronSetTags(client: ServiceClient, collection: string, id: string, tags: readonly string[]): Promise<void> {
  await client.put(client.url(collection, id, 'tags'), { tags });
}
