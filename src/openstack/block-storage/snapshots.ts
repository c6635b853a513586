import { Pager, type PageOptions } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/** Cinder v3 volume snapshots. */

export interface Snapshot {
  id: string;
  name: string | null;
  status: string;
  size: number;
  volume_id: string;
  description: string | null;
  metadata: Record<string, string>;
  created_at: string;
  'os-extended-snapshot-attributes:project_id'?: string;
  'os-extended-snapshot-attributes:progress'?: string;
}

export interface SnapshotListOptions extends PageOptions {
  all_tenants?: boolean;
  volume_id?: string;
  name?: string;
}

const detailURL = (c: ServiceClient): string => c.url('snapshots', 'detail');
const getURL = (c: ServiceClient, id: string): string => c.url('snapshots', id);

export function list(client: ServiceClient, options: SnapshotListOptions = {}): Pager<Snapshot> {
  const { pageSize, all_tenants, ...query } = options;
  return new Pager<Snapshot>(client, detailURL(client), {
    key: 'snapshots', style: 'links', ...(pageSize ? { pageSize } : {}), query: { ...query, ...(all_tenants ? { all_tenants: 1 } : {}) },
  });
}

export async function get(client: ServiceClient, id: string): Promise<Snapshot> {
  return (await client.get<{ snapshot: Snapshot }>(getURL(client, id))).snapshot;
}

export function projectOf(snapshot: Snapshot): string | undefined {
  return snapshot['os-extended-snapshot-attributes:project_id'];
}

/** POST /snapshots; `force` allows an in-use volume (crash-consistent, so stop its server first). */
export async function create(client: ServiceClient, snapshot: { volume_id: string; name: string; force?: boolean; metadata?: Record<string, string> }): Promise<Snapshot> {
  return (await client.post<{ snapshot: Snapshot }>(client.url('snapshots'), { snapshot })).snapshot;
}

export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(getURL(client, id), { missingOk: true });
}
