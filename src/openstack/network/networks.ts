import type { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';
import { neutronGet, neutronList, neutronCreate, neutronUpdate, neutronDelete, neutronSetTags, type NeutronListOptions } from './common.js';

/** Neutron networks. Provider attributes are admin-only (absent otherwise). */

export interface Network {
  id: string;
  name: string;
  /** "" for networks neutron created for itself (HA router networks). */
  project_id: string;
  status: string;
  admin_state_up: boolean;
  shared: boolean;
  'router:external': boolean;
  mtu?: number;
  port_security_enabled?: boolean;
  'provider:network_type'?: string | null;
  'provider:physical_network'?: string | null;
  'provider:segmentation_id'?: number | null;
  subnets: string[];
  availability_zone_hints?: string[];
  description?: string;
  tags?: string[];
}

export interface NetworkListOptions extends NeutronListOptions {
  'router:external'?: boolean;
  shared?: boolean;
}

export function list(client: ServiceClient, options: NetworkListOptions = {}): Pager<Network> {
  return neutronList<Network>(client, 'networks', { ...options });
}

export function get(client: ServiceClient, id: string): Promise<Network> {
  return neutronGet<Network>(client, 'networks', 'network', id);
}

// ---- writes ---------------------------------------------------------------------------------

/** POST /v2.0/networks; admin may set project_id to create it for another project. */
export function create(client: ServiceClient, body: Record<string, unknown>): Promise<Network> {
  return neutronCreate<Network>(client, 'networks', 'network', body);
}

export function update(client: ServiceClient, id: string, body: Record<string, unknown>): Promise<Network> {
  return neutronUpdate<Network>(client, 'networks', 'network', id, body);
}

export function remove(client: ServiceClient, id: string): Promise<void> {
  return neutronDelete(client, 'networks', id);
}

export function setTags(client: ServiceClient, id: string, tags: readonly string[]): Promise<void> {
  return neutronSetTags(client, 'networks', id, tags);
}
