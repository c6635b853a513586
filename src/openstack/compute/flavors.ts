import { Pager, type PageOptions } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/** Nova flavors, their extra specs and the access lists of private flavors. */

export interface Flavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  /** Nova answers "" (not 0) for a flavor without swap. */
  swap: number | '';
  'OS-FLV-EXT-DATA:ephemeral'?: number;
  'os-flavor-access:is_public': boolean;
  'OS-FLV-DISABLED:disabled'?: boolean;
  rxtx_factor?: number;
  /** 2.55+. */
  description?: string | null;
  /** Included in the listing from 2.61 (admin); below, use `extraSpecs()`. */
  extra_specs?: Record<string, string>;
}

export interface FlavorAccess {
  flavor_id: string;
  tenant_id: string;
}

export interface FlavorListOptions extends PageOptions {
  /** "None" lists public and private flavors (admin); true/false filter. @default "None" */
  is_public?: boolean | 'None';
}

const detailURL = (c: ServiceClient): string => c.url('flavors', 'detail');
const getURL = (c: ServiceClient, id: string): string => c.url('flavors', id);
const extraSpecsURL = (c: ServiceClient, id: string): string => c.url('flavors', id, 'os-extra_specs');
const accessURL = (c: ServiceClient, id: string): string => c.url('flavors', id, 'os-flavor-access');

export function list(client: ServiceClient, options: FlavorListOptions = {}): Pager<Flavor> {
  const { pageSize, is_public = 'None' } = options;
  return new Pager<Flavor>(client, detailURL(client), { key: 'flavors', style: 'links', ...(pageSize ? { pageSize } : {}), query: { is_public } });
}

export async function get(client: ServiceClient, id: string): Promise<Flavor> {
  return (await client.get<{ flavor: Flavor }>(getURL(client, id))).flavor;
}

export async function extraSpecs(client: ServiceClient, id: string): Promise<Record<string, string>> {
  return (await client.get<{ extra_specs: Record<string, string> }>(extraSpecsURL(client, id))).extra_specs;
}

/** The projects allowed to use a private flavor. Nova answers 404 for a public flavor. */
export async function listAccess(client: ServiceClient, id: string): Promise<FlavorAccess[]> {
  return (await client.get<{ flavor_access: FlavorAccess[] }>(accessURL(client, id))).flavor_access;
}

// ---- writes (admin) -------------------------------------------------------------------------

export interface FlavorCreate {
  name: string;
  ram: number;
  vcpus: number;
  disk: number;
  /** Keep the source's id where the target allows (scripts refer to flavors by id). */
  id?: string;
  'OS-FLV-EXT-DATA:ephemeral'?: number;
  swap?: number;
  rxtx_factor?: number;
  'os-flavor-access:is_public'?: boolean;
  /** 2.55+. */
  description?: string | null;
}

/** POST /flavors. Nova answers 409 when the name or the id is taken. */
export async function create(client: ServiceClient, flavor: FlavorCreate): Promise<Flavor> {
  const body = { ...flavor };
  if (!client.supports('2.55')) delete body.description;
  return (await client.post<{ flavor: Flavor }>(client.url('flavors'), { flavor: body })).flavor;
}

export async function setExtraSpecs(client: ServiceClient, id: string, specs: Record<string, string>): Promise<void> {
  if (Object.keys(specs).length === 0) return;
  await client.post(extraSpecsURL(client, id), { extra_specs: specs }, { retrySafe: true });
}

/** PUT /flavors/{id}: the description is the only field Nova lets change (2.55+: check `client.supports('2.55')`). */
export async function updateDescription(client: ServiceClient, id: string, description: string | null): Promise<Flavor> {
  return (await client.put<{ flavor: Flavor }>(getURL(client, id), { flavor: { description } })).flavor;
}

/** Removes one extra spec; already gone counts as done. */
export async function deleteExtraSpec(client: ServiceClient, id: string, key: string): Promise<void> {
  await client.delete(client.url('flavors', id, 'os-extra_specs', key), { okCodes: [200, 202, 204, 404] });
}

/** Stops a project using a private flavor; not granted counts as done. */
export async function removeAccess(client: ServiceClient, id: string, projectId: string): Promise<void> {
  await client.post(client.url('flavors', id, 'action'), { removeTenantAccess: { tenant: projectId } }, { okCodes: [200, 404] });
}

/** Lets a project use a private flavor; already granted counts as done. */
export async function addAccess(client: ServiceClient, id: string, projectId: string): Promise<void> {
  await client.post(client.url('flavors', id, 'action'), { addTenantAccess: { tenant: projectId } }, { okCodes: [200, 409] });
}

export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(getURL(client, id), { missingOk: true });
}
