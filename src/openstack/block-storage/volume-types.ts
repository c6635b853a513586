import { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/** Cinder volume types, their extra specs (admin) and the access lists of private types. */

export interface VolumeType {
  id: string;
  name: string;
  is_public: boolean;
  description: string | null;
  /** Admin only. */
  extra_specs?: Record<string, string>;
  qos_specs_id?: string | null;
}

export interface VolumeTypeAccess {
  volume_type_id: string;
  project_id: string;
}

export interface VolumeTypeListOptions {
  /** "None" lists public and private types (admin). @default "None" */
  is_public?: boolean | 'None';
}

const listURL = (c: ServiceClient): string => c.url('types');
const accessURL = (c: ServiceClient, id: string): string => c.url('types', id, 'os-volume-type-access');

export function list(client: ServiceClient, options: VolumeTypeListOptions = {}): Pager<VolumeType> {
  return new Pager<VolumeType>(client, listURL(client), { key: 'volume_types', style: 'single', query: { is_public: options.is_public ?? 'None' } });
}

/** The projects allowed to use a private type. */
export async function listAccess(client: ServiceClient, id: string): Promise<VolumeTypeAccess[]> {
  return (await client.get<{ volume_type_access: VolumeTypeAccess[] }>(accessURL(client, id))).volume_type_access;
}
