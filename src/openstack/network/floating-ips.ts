import type { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';
import { neutronGet, neutronList, neutronCreate, neutronUpdate, neutronDelete, neutronSetTags, type NeutronListOptions } from './common.js';

/** Neutron floating IPs. The server is not named: follow `port_id` to the port's device. */

export interface FloatingIp {
  id: string;
  floating_ip_address: string;
  floating_network_id: string;
  project_id: string;
  port_id: string | null;
  fixed_ip_address: string | null;
  router_id: string | null;
  status: string;
  description?: string;
  dns_name?: string;
  dns_domain?: string;
  tags?: string[];
}

export type FloatingIpListOptions = NeutronListOptions;

export function list(client: ServiceClient, options: FloatingIpListOptions = {}): Pager<FloatingIp> {
  return neutronList<FloatingIp>(client, 'floatingips', { ...options });
}

export function get(client: ServiceClient, id: string): Promise<FloatingIp> {
  return neutronGet<FloatingIp>(client, 'floatingips', 'floatingip', id);
}

// ---- writes ---------------------------------------------------------------------------------

/** POST /v2.0/floatingips; admin may set project_id to create it for another project. */
export function create(client: ServiceClient, body: Record<string, unknown>): Promise<FloatingIp> {
  return neutronCreate<FloatingIp>(client, 'floatingips', 'floatingip', body);
}

export function update(client: ServiceClient, id: string, body: Record<string, unknown>): Promise<FloatingIp> {
  return neutronUpdate<FloatingIp>(client, 'floatingips', 'floatingip', id, body);
}

export function remove(client: ServiceClient, id: string): Promise<void> {
  return neutronDelete(client, 'floatingips', id);
}

export function setTags(client: ServiceClient, id: string, tags: readonly string[]): Promise<void> {
  return neutronSetTags(client, 'floatingips', id, tags);
}
