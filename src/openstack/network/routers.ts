import type { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';
import { neutronGet, neutronList, type NeutronListOptions } from './common.js';

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
