import type { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';
import { neutronGet, neutronList, type NeutronListOptions } from './common.js';

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
