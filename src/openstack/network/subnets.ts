import type { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';
import { neutronGet, neutronList, neutronCreate, neutronUpdate, neutronDelete, neutronSetTags, type NeutronListOptions } from './common.js';

/** Neutron subnets. */

export interface Subnet {
  id: string;
  name: string;
  network_id: string;
  project_id: string;
  cidr: string;
  ip_version: 4 | 6;
  gateway_ip: string | null;
  enable_dhcp: boolean;
  allocation_pools: Array<{ start: string; end: string }>;
  dns_nameservers: string[];
  host_routes: Array<{ destination: string; nexthop: string }>;
  ipv6_ra_mode?: string | null;
  ipv6_address_mode?: string | null;
  subnetpool_id?: string | null;
  description?: string;
  tags?: string[];
}

export interface SubnetListOptions extends NeutronListOptions {
  network_id?: string;
}

export function list(client: ServiceClient, options: SubnetListOptions = {}): Pager<Subnet> {
  return neutronList<Subnet>(client, 'subnets', { ...options });
}

export function get(client: ServiceClient, id: string): Promise<Subnet> {
  return neutronGet<Subnet>(client, 'subnets', 'subnet', id);
}

// ---- writes ---------------------------------------------------------------------------------

/** POST /v2.0/subnets; admin may set project_id to create it for another project. */
export function create(client: ServiceClient, body: Record<string, unknown>): Promise<Subnet> {
  return neutronCreate<Subnet>(client, 'subnets', 'subnet', body);
}

export function update(client: ServiceClient, id: string, body: Record<string, unknown>): Promise<Subnet> {
  return neutronUpdate<Subnet>(client, 'subnets', 'subnet', id, body);
}

export function remove(client: ServiceClient, id: string): Promise<void> {
  return neutronDelete(client, 'subnets', id);
}

export function setTags(client: ServiceClient, id: string, tags: readonly string[]): Promise<void> {
  return neutronSetTags(client, 'subnets', id, tags);
}
