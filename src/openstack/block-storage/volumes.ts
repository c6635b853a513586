import { Pager, type PageOptions } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/** Cinder v3 volumes, read side. `os-vol-*` attributes are admin-only. */

export interface VolumeAttachmentInfo {
  server_id: string;
  attachment_id: string;
  volume_id: string;
  device: string | null;
  host_name: string | null;
  attached_at?: string | null;
}

export interface Volume {
  id: string;
  /** null or "" for unnamed volumes (common for boot volumes). */
  name: string | null;
  status: string;
  size: number;
  /** The type's *name* (not id) in this API. */
  volume_type: string | null;
  availability_zone: string | null;
  /** A string, "true" or "false". */
  bootable: string;
  encrypted: boolean;
  multiattach: boolean;
  snapshot_id: string | null;
  source_volid: string | null;
  description: string | null;
  metadata: Record<string, string>;
  attachments: VolumeAttachmentInfo[];
  created_at: string;
  /** Image properties copied into a volume created from an image. */
  volume_image_metadata?: Record<string, string>;
  'os-vol-tenant-attr:tenant_id'?: string;
  'os-vol-host-attr:host'?: string | null;
  /** 3.48+. */
  shared_targets?: boolean | null;
  /** 3.63+ */
  volume_type_id?: string;
  /** 3.65+. */
  consumes_quota?: boolean;
}

export interface VolumeListOptions extends PageOptions {
  all_tenants?: boolean;
  /** With all_tenants. */
  project_id?: string;
  status?: string;
  name?: string;
}

const detailURL = (c: ServiceClient): string => c.url('volumes', 'detail');
const getURL = (c: ServiceClient, id: string): string => c.url('volumes', id);

export function list(client: ServiceClient, options: VolumeListOptions = {}): Pager<Volume> {
  const { pageSize, all_tenants, ...query } = options;
  return new Pager<Volume>(client, detailURL(client), {
    key: 'volumes', style: 'links', ...(pageSize ? { pageSize } : {}), query: { ...query, ...(all_tenants ? { all_tenants: 1 } : {}) },
  });
}

export async function get(client: ServiceClient, id: string): Promise<Volume> {
  return (await client.get<{ volume: Volume }>(getURL(client, id))).volume;
}

/** The owning project, which cinder only shows to admins. */
export function projectOf(volume: Volume): string | undefined {
  return volume['os-vol-tenant-attr:tenant_id'];
}
