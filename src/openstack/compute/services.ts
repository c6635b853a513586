import { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/** Nova services (nova-compute, nova-conductor, …). `id` is a UUID from 2.53. Not paged. */

export interface ComputeService {
  id: string | number;
  binary: string;
  host: string;
  zone: string;
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
  updated_at: string | null;
  disabled_reason: string | null;
  /** 2.11+. */
  forced_down?: boolean;
}

export interface ComputeServiceListOptions {
  binary?: string;
  host?: string;
}

const listURL = (c: ServiceClient): string => c.url('os-services');

export function list(client: ServiceClient, options: ComputeServiceListOptions = {}): Pager<ComputeService> {
  return new Pager<ComputeService>(client, listURL(client), { key: 'services', style: 'single', query: { ...options } });
}
