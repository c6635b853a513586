import { Pager, type PageOptions } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/**
 * Nova hypervisors. `id` is an integer below 2.53, a UUID from 2.53. Paging (hypervisors_links)
 * from 2.33. From 2.88 the capacity fields (vcpus, memory_mb, local_gb, *_used, running_vms)
 * are gone (placement has them); pumphouse negotiates at most 2.87 to keep them.
 */

export interface Hypervisor {
  id: string | number;
  hypervisor_hostname: string;
  hypervisor_type?: string;
  hypervisor_version?: number;
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  host_ip?: string;
  service: { host: string; id: string | number; disabled_reason?: string | null };
  vcpus?: number;
  vcpus_used?: number;
  memory_mb?: number;
  memory_mb_used?: number;
  local_gb?: number;
  local_gb_used?: number;
  running_vms?: number;
}

export type HypervisorListOptions = PageOptions;

const detailURL = (c: ServiceClient): string => c.url('os-hypervisors', 'detail');

export function list(client: ServiceClient, options: HypervisorListOptions = {}): Pager<Hypervisor> {
  return new Pager<Hypervisor>(client, detailURL(client), {
    key: 'hypervisors', style: client.supports('2.33') ? 'links' : 'single', ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  });
}
