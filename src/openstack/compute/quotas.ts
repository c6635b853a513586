import type { ServiceClient } from '../http/service-client.js';

/**
 * Nova quota sets, per project (-1 = unlimited). From 2.57 the injected-file and network quotas
 * are gone; from 2.36 floating_ips/security_groups too (neutron owns them).
 */

export interface ComputeQuotaSet {
  id: string;
  cores: number;
  ram: number;
  instances: number;
  key_pairs: number;
  metadata_items: number;
  server_groups: number;
  server_group_members: number;
}

const getURL = (c: ServiceClient, projectId: string): string => c.url('os-quota-sets', projectId);

export async function get(client: ServiceClient, projectId: string): Promise<ComputeQuotaSet> {
  return (await client.get<{ quota_set: ComputeQuotaSet }>(getURL(client, projectId))).quota_set;
}

/** PUT /os-quota-sets/{project}: sets the given limits (a full PUT, harmless twice). */
export async function update(client: ServiceClient, projectId: string, limits: Record<string, number>): Promise<ComputeQuotaSet> {
  return (await client.put<{ quota_set: ComputeQuotaSet }>(getURL(client, projectId), { quota_set: limits })).quota_set;
}
