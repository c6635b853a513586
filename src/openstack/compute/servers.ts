import { Pager, type PageOptions } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/** Nova servers, read side. Admin fields (OS-EXT-SRV-ATTR:*) need an admin token. */

export interface ServerAddress {
  addr: string;
  version: number;
  'OS-EXT-IPS:type'?: 'fixed' | 'floating';
  'OS-EXT-IPS-MAC:mac_addr'?: string;
}

/**
 * Before 2.47 `{id, links}`; from 2.47 the flavor is embedded: no `id`, but `original_name`, the
 * sizes and (for admins) `extra_specs`, as they were when the server was built or last resized.
 */
export interface ServerFlavor {
  id?: string;
  original_name?: string;
  vcpus?: number;
  ram?: number;
  disk?: number;
  ephemeral?: number;
  swap?: number;
  extra_specs?: Record<string, string>;
}

export interface Server {
  id: string;
  name: string;
  status: string;
  tenant_id: string;
  user_id: string;
  /** The empty string (not null) for a server booted from a volume. */
  image: { id: string } | '';
  flavor: ServerFlavor;
  key_name: string | null;
  /** By network *name*; ports and MACs come from neutron. */
  addresses: Record<string, ServerAddress[]>;
  /** Names only, one entry per port (so repeated); absent while BUILDing. */
  security_groups?: Array<{ name: string }>;
  metadata: Record<string, string>;
  /** 2.26+. */
  tags?: string[];
  /** 2.19+. */
  description?: string | null;
  created: string;
  locked?: boolean;
  config_drive?: string;
  'OS-EXT-AZ:availability_zone'?: string;
  /** The compute service host (nova-compute's `host`); null before scheduling. */
  'OS-EXT-SRV-ATTR:host'?: string | null;
  'OS-EXT-SRV-ATTR:hypervisor_hostname'?: string | null;
  'OS-EXT-SRV-ATTR:instance_name'?: string;
  /** Base64 user data, 2.3+, admin only. May hold credentials: never store it verbatim. */
  'OS-EXT-SRV-ATTR:user_data'?: string | null;
  'OS-EXT-SRV-ATTR:root_device_name'?: string | null;
  'OS-EXT-STS:vm_state'?: string;
  'OS-EXT-STS:power_state'?: number;
  'OS-EXT-STS:task_state'?: string | null;
  'OS-DCF:diskConfig'?: string;
  /** `delete_on_termination` from 2.3. */
  'os-extended-volumes:volumes_attached'?: Array<{ id: string; delete_on_termination?: boolean }>;
}

export interface ServerListOptions extends PageOptions {
  /** Every project's servers (admin). */
  all_tenants?: boolean;
  /** With all_tenants: only this project's. */
  project_id?: string;
  host?: string;
  name?: string;
  status?: string;
  'changes-since'?: string;
}

const detailURL = (c: ServiceClient): string => c.url('servers', 'detail');
const getURL = (c: ServiceClient, id: string): string => c.url('servers', id);

/** GET /servers/detail, following servers_links. */
export function list(client: ServiceClient, options: ServerListOptions = {}): Pager<Server> {
  const { pageSize, all_tenants, ...query } = options;
  return new Pager<Server>(client, detailURL(client), {
    key: 'servers', style: 'links', ...(pageSize ? { pageSize } : {}), query: { ...query, ...(all_tenants ? { all_tenants: 1 } : {}) },
  });
}

export async function get(client: ServiceClient, id: string): Promise<Server> {
  return (await client.get<{ server: Server }>(getURL(client, id))).server;
}
