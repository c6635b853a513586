import { PumphouseError } from '../../errors.js';
import { OPENSTACK_CODES } from '../http/codes.js';
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

// ---- writes (admin) --------------------------------------------------------------------------------

/**
 * The service is named by its UUID, which needs 2.53; before it, updates are per host and binary
 * (PUT /os-services/disable …), which these functions do not speak.
 */
function serviceURL(client: ServiceClient, id: string, action: string): string {
  if (!client.supports('2.53')) {
    throw new PumphouseError(OPENSTACK_CODES.microversionUnsupported, `compute ${action} of service ${id}: needs microversion 2.53, the cloud speaks ${client.microversion ?? 'none'}`, {
      hint: 'the cloud is older than Pike; update its nova-compute services with the openstack CLI',
    });
  }
  return client.url('os-services', id);
}

async function update(client: ServiceClient, id: string, action: string, body: Record<string, unknown>): Promise<ComputeService> {
  return (await client.put<{ service: ComputeService }>(serviceURL(client, id, action), body, { okCodes: [200] })).service;
}

/** Stops the scheduler from placing servers on this nova-compute; `reason` shows as disabled_reason. */
export function disable(client: ServiceClient, id: string, reason: string): Promise<ComputeService> {
  return update(client, id, 'disable', { status: 'disabled', disabled_reason: reason });
}

/** Enabling clears disabled_reason (Nova refuses a reason with "enabled"). */
export function enable(client: ServiceClient, id: string): Promise<ComputeService> {
  return update(client, id, 'enable', { status: 'enabled' });
}

/**
 * Marks the service down without waiting for its heartbeat to time out, which evacuate needs.
 * Nova answers 400 to `down = false` while `done` evacuations from the host remain (until the
 * host's nova-compute restarts, or the evacuated servers are deleted).
 */
export function forceDown(client: ServiceClient, id: string, down: boolean): Promise<ComputeService> {
  return update(client, id, 'force-down', { forced_down: down });
}

/** Deletes the service record (and its compute node); Nova answers 409 while it hosts servers or migrations. */
export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(serviceURL(client, id, 'delete'), { okCodes: [204] });
}
