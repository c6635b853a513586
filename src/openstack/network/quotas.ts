import type { ServiceClient } from '../http/service-client.js';

/** Neutron quotas per project (-1 = unlimited). GET /quotas/{project} gives the effective values. */

export interface NetworkQuota {
  network: number;
  subnet: number;
  port: number;
  router: number;
  floatingip: number;
  security_group: number;
  security_group_rule: number;
}

const getURL = (c: ServiceClient, projectId: string): string => c.url('quotas', projectId);

export async function get(client: ServiceClient, projectId: string): Promise<NetworkQuota> {
  return (await client.get<{ quota: NetworkQuota }>(getURL(client, projectId))).quota;
}

/** PUT /quotas/{project}: sets the given limits. */
export async function update(client: ServiceClient, projectId: string, limits: Record<string, number>): Promise<NetworkQuota> {
  return (await client.put<{ quota: NetworkQuota }>(getURL(client, projectId), { quota: limits })).quota;
}
