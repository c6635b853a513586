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
  /** Who created it (the volume detail carries it to every caller). */
  user_id?: string | null;
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

// ---- writes ---------------------------------------------------------------------------------

export interface VolumeCreate {
  size: number;
  name?: string | null;
  description?: string | null;
  volume_type?: string;
  availability_zone?: string;
  imageRef?: string;
  snapshot_id?: string;
  metadata?: Record<string, string>;
  multiattach?: boolean;
}

/** POST /volumes in the token's project (the URL's); 202, status `creating`. */
export async function create(client: ServiceClient, volume: VolumeCreate): Promise<Volume> {
  return (await client.post<{ volume: Volume }>(client.url('volumes'), { volume })).volume;
}

/** Volumes whose metadata holds every key/value given (admin: all projects). */
export function listByMetadata(client: ServiceClient, metadata: Record<string, string>): Pager<Volume> {
  return new Pager<Volume>(client, detailURL(client), { key: 'volumes', style: 'links', query: { all_tenants: 1, metadata: JSON.stringify(metadata) } });
}

/** os-volume_upload_image: Cinder copies the volume into a new Glance image; returns its id. */
export async function uploadToImage(client: ServiceClient, id: string, imageName: string, diskFormat = 'raw'): Promise<string> {
  const res = await client.post<{ 'os-volume_upload_image': { image_id: string } }>(client.url('volumes', id, 'action'), {
    'os-volume_upload_image': { image_name: imageName, disk_format: diskFormat, container_format: 'bare', force: false },
  });
  return res['os-volume_upload_image'].image_id;
}

export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(getURL(client, id), { missingOk: true });
}

/** os-set_bootable: a volume made from an image is bootable; a copy of a data volume must not be. */
export async function setBootable(client: ServiceClient, id: string, bootable: boolean): Promise<void> {
  await client.post(client.url('volumes', id, 'action'), { 'os-set_bootable': { bootable } }, { okCodes: [200, 202], retrySafe: true });
}

/** os-set_image_metadata: keys merged into the image metadata Cinder keeps for the volume. */
export async function setImageMetadata(client: ServiceClient, id: string, metadata: Record<string, string>): Promise<void> {
  await client.post(client.url('volumes', id, 'action'), { 'os-set_image_metadata': { metadata } }, { okCodes: [200], retrySafe: true });
}

/** os-unset_image_metadata: one key less. */
export async function unsetImageMetadata(client: ServiceClient, id: string, key: string): Promise<void> {
  await client.post(client.url('volumes', id, 'action'), { 'os-unset_image_metadata': { key } }, { okCodes: [200], retrySafe: true });
}

/** PUT /volumes/{id}: name and description. */
export async function update(client: ServiceClient, id: string, changes: { name?: string; description?: string | null }): Promise<Volume> {
  return (await client.put<{ volume: Volume }>(getURL(client, id), { volume: changes })).volume;
}

/** PUT /volumes/{id}/metadata: the volume's metadata becomes exactly this (POST would merge). */
export async function replaceMetadata(client: ServiceClient, id: string, metadata: Record<string, string>): Promise<void> {
  await client.put(client.url('volumes', id, 'metadata'), { metadata });
}
