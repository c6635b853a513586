import type { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';
import { neutronGet, neutronList, neutronCreate, neutronUpdate, neutronDelete, neutronSetTags, type NeutronListOptions } from './common.js';

/**
 * Neutron routers. Interfaces are not part of the router object: they are the ports with
 * `device_id` = router id and a `network:router_interface*` owner. `distributed`/`ha` are admin-only.
 */

export interface Router {
  id: string;
  name: string;
  project_id: string;
  status: string;
  admin_state_up: boolean;
  external_gateway_info: {
    network_id: string;
    enable_snat?: boolean;
    external_fixed_ips?: Array<{ subnet_id: string; ip_address: string }>;
  } | null;
  routes: Array<{ destination: string; nexthop: string }>;
  distributed?: boolean;
  ha?: boolean;
  availability_zone_hints?: string[];
  description?: string;
  tags?: string[];
}

export type RouterListOptions = NeutronListOptions;

export function list(client: ServiceClient, options: RouterListOptions = {}): Pager<Router> {
  return neutronList<Router>(client, 'routers', { ...options });
}

export function get(client: ServiceClient, id: string): Promise<Router> {
  return neutronGet<Router>(client, 'routers', 'router', id);
}

// ---- writes ---------------------------------------------------------------------------------

/** POST /v2.0/routers; admin may set project_id to create it for another project. */
export function create(client: ServiceClient, body: Record<string, unknown>): Promise<Router> {
  return neutronCreate<Router>(client, 'routers', 'router', body);
}

export function update(client: ServiceClient, id: string, body: Record<string, unknown>): Promise<Router> {
  return neutronUpdate<Router>(client, 'routers', 'router', id, body);
}

export function remove(client: ServiceClient, id: string): Promise<void> {
  return neutronDelete(client, 'routers', id);
}

export function setTags(client: ServiceClient, id: string, tags: readonly string[]): Promise<void> {
  return neutronSetTags(client, 'routers', id, tags);
}

/** PUT /routers/{id}/add_router_interface {subnet_id}: plugs the router into a subnet at its gateway IP. */
export async function addInterface(client: ServiceClient, id: string, subnetId: string): Promise<{ port_id: string; subnet_id: string }> {
  return client.put(client.url('routers', id, 'add_router_interface'), { subnet_id: subnetId }, { retrySafe: false });
}

/** PUT /routers/{id}/remove_router_interface {subnet_id}: unplugs the router from a subnet (404 if it was not plugged). */
export async function removeInterface(client: ServiceClient, id: string, subnetId: string): Promise<void> {
  await client.put(client.url('routers', id, 'remove_router_interface'), { subnet_id: subnetId }, { retrySafe: false });
}
