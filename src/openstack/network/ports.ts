import type { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';
import { neutronGet, neutronList, neutronCreate, neutronUpdate, neutronDelete, neutronSetTags, type NeutronListOptions } from './common.js';

/**
 * Neutron ports. `device_owner` says what uses the port: "compute:<az>" (a server),
 * "network:router_interface", "network:router_gateway", "network:dhcp", "network:floatingip", ….
 * Ports neutron owns (router gateway, DHCP) may have `project_id: ""`.
 */

export interface Port {
  id: string;
  name: string;
  network_id: string;
  project_id: string;
  mac_address: string;
  fixed_ips: Array<{ subnet_id: string; ip_address: string }>;
  /** The server or router id; "" when unbound. */
  device_id: string;
  device_owner: string;
  security_groups: string[];
  admin_state_up: boolean;
  status: string;
  port_security_enabled?: boolean;
  allowed_address_pairs?: Array<{ ip_address: string; mac_address?: string }>;
  /** Admin only. */
  'binding:host_id'?: string;
  'binding:vnic_type'?: string;
  description?: string;
  tags?: string[];
}

export interface PortListOptions extends NeutronListOptions {
  network_id?: string;
  device_id?: string;
  device_owner?: string;
  mac_address?: string;
  /** `ip_address=<address>` or `subnet_id=<id>`: ports holding that address (or on that subnet). */
  fixed_ips?: string;
}

export function list(client: ServiceClient, options: PortListOptions = {}): Pager<Port> {
  return neutronList<Port>(client, 'ports', { ...options });
}

export function get(client: ServiceClient, id: string): Promise<Port> {
  return neutronGet<Port>(client, 'ports', 'port', id);
}

// ---- writes ---------------------------------------------------------------------------------

/** POST /v2.0/ports; admin may set project_id to create it for another project. */
export function create(client: ServiceClient, body: Record<string, unknown>): Promise<Port> {
  return neutronCreate<Port>(client, 'ports', 'port', body);
}

export function update(client: ServiceClient, id: string, body: Record<string, unknown>): Promise<Port> {
  return neutronUpdate<Port>(client, 'ports', 'port', id, body);
}

export function remove(client: ServiceClient, id: string): Promise<void> {
  return neutronDelete(client, 'ports', id);
}

export function setTags(client: ServiceClient, id: string, tags: readonly string[]): Promise<void> {
  return neutronSetTags(client, 'ports', id, tags);
}
