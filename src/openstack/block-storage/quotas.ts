import type { ServiceClient } from '../http/service-client.js';

/**
 * Cinder quota sets per project (-1 = unlimited). Per-type quotas appear as extra keys
 * ("volumes_<type>") and are not typed here.
 */

export interface VolumeQuotaSet {
  id: string;
  volumes: number;
  snapshots: number;
  gigabytes: number;
  backups?: number;
  backup_gigabytes?: number;
  per_volume_gigabytes?: number;
  groups?: number;
}

const getURL = (c: ServiceClient, projectId: string): string => c.url('os-quota-sets', projectId);

export async function get(client: ServiceClient, projectId: string): Promise<VolumeQuotaSet> {
  return (await client.get<{ quota_set: VolumeQuotaSet }>(getURL(client, projectId))).quota_set;
}

/** PUT /os-quota-sets/{project}: sets the given limits. */
export async function update(client: ServiceClient, projectId: string, limits: Record<string, number>): Promise<VolumeQuotaSet> {
  return (await client.put<{ quota_set: VolumeQuotaSet }>(getURL(client, projectId), { quota_set: limits })).quota_set;
}
