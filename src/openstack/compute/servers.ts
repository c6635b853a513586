import { PumphouseError } from '../../errors.js';
import { OPENSTACK_CODES } from '../http/codes.js';
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
  /** When the server last finished booting (null while it builds); microseconds, no zone. */
  'OS-SRV-USG:launched_at'?: string | null;
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

// ---- writes ---------------------------------------------------------------------------------

export interface BlockDeviceMapping {
  boot_index: number | null;
  uuid: string;
  source_type: 'volume' | 'image' | 'snapshot' | 'blank';
  destination_type: 'volume' | 'local';
  delete_on_termination?: boolean;
  device_name?: string;
  volume_size?: number;
}

export interface ServerCreate {
  name: string;
  flavorRef: string;
  /** Absent for a server booted from a volume. */
  imageRef?: string;
  key_name?: string;
  /** Pre-created ports keep their MAC and fixed IPs. */
  networks: Array<{ port: string } | { uuid: string; fixed_ip?: string }> | 'none' | 'auto';
  security_groups?: Array<{ name: string }>;
  metadata?: Record<string, string>;
  /** 2.52+. */
  tags?: string[];
  /** Base64. May hold credentials: never logged (the transport logs no bodies). */
  user_data?: string;
  description?: string | null;
  availability_zone?: string;
  config_drive?: boolean;
  block_device_mapping_v2?: BlockDeviceMapping[];
  /** Server group membership. */
  schedulerHints?: { group?: string };
}

/** POST /servers in the token's project; 202 with the new id (the server is BUILDing). */
export async function create(client: ServiceClient, server: ServerCreate): Promise<{ id: string }> {
  const { schedulerHints, ...body } = server;
  if (!client.supports('2.52')) delete body.tags;
  const request: Record<string, unknown> = { server: body };
  if (schedulerHints && Object.keys(schedulerHints).length > 0) request['os:scheduler_hints'] = schedulerHints;
  return (await client.post<{ server: { id: string } }>(client.url('servers'), request)).server;
}

/** Lists servers carrying every tag in `tags` (2.26+), all projects. */
export function listTagged(client: ServiceClient, tags: readonly string[]): Pager<Server> {
  return new Pager<Server>(client, detailURL(client), { key: 'servers', style: 'links', query: { all_tenants: 1, tags: tags.join(',') } });
}

async function action(client: ServiceClient, id: string, body: Record<string, unknown>, okCodes: readonly number[] = [202]): Promise<unknown> {
  return client.post(client.url('servers', id, 'action'), body, { okCodes });
}

/** os-stop; Nova answers 409 when the server is already stopped (or busy). */
export async function stop(client: ServiceClient, id: string): Promise<void> {
  await action(client, id, { 'os-stop': null });
}

export async function start(client: ServiceClient, id: string): Promise<void> {
  await action(client, id, { 'os-start': null });
}

/** lock: only admins may act on the server until it is unlocked (idempotent). */
export async function lock(client: ServiceClient, id: string): Promise<void> {
  await action(client, id, { lock: null });
}

export async function unlock(client: ServiceClient, id: string): Promise<void> {
  await action(client, id, { unlock: null });
}

/** createImage: a snapshot of the server's disk. The image id is in the body from 2.45, in Location before. */
export async function createImage(client: ServiceClient, id: string, name: string, metadata: Record<string, string>): Promise<string> {
  const res = await client.request<{ image_id?: string } | undefined>('POST', client.url('servers', id, 'action'), {
    body: { createImage: { name, metadata } }, okCodes: [202],
  });
  const imageId = res.data?.image_id ?? res.headers['location']?.split('/').pop();
  if (!imageId) throw new PumphouseError(OPENSTACK_CODES.badResponse, `compute createImage of server ${id}: the answer names no image`, { hint: 'Nova answered without a Location header or image_id: look for the request in its logs' });
  return imageId;
}

export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(getURL(client, id), { missingOk: true });
}

// ---- moving a server off its host (admin) ----------------------------------------------------------

export interface LiveMigrateOptions {
  /** Destination compute host; absent lets the scheduler choose (never the current host). */
  host?: string;
  /** "auto" (2.25+) lets Nova decide from the storage; before 2.25 "auto" is sent as false. */
  blockMigration: boolean | 'auto';
}

/**
 * os-migrateLive. From 2.34 Nova checks the destination after answering 202, so a failure (no
 * valid host) shows in the migration record (`error`) with the server still ACTIVE where it was.
 * `force` is never sent: a named host still goes through the scheduler's filters.
 */
export async function liveMigrate(client: ServiceClient, id: string, options: LiveMigrateOptions): Promise<void> {
  const host = options.host ?? null;
  const body = client.supports('2.25')
    ? { host, block_migration: options.blockMigration }
    : { host, block_migration: options.blockMigration === true, disk_over_commit: false };
  await action(client, id, { 'os-migrateLive': body });
}

/**
 * Cold migration (`migrate`): the server goes through RESIZE to VERIFY_RESIZE on the new host and
 * waits for confirmResize. Naming the host needs 2.56.
 */
export async function migrate(client: ServiceClient, id: string, options: { host?: string } = {}): Promise<void> {
  if (options.host !== undefined && !client.supports('2.56')) {
    throw new PumphouseError(OPENSTACK_CODES.microversionUnsupported, `compute migrate of server ${id} to ${options.host}: naming the host needs microversion 2.56, the cloud speaks ${client.microversion ?? 'none'}`);
  }
  await action(client, id, { migrate: options.host !== undefined ? { host: options.host } : null });
}

/** Ends a cold migration (or resize) in VERIFY_RESIZE; Nova answers 409 in any other state. */
export async function confirmResize(client: ServiceClient, id: string): Promise<void> {
  await action(client, id, { confirmResize: null }, [204]);
}

/**
 * Rebuilds the server on another host after its own failed. Nova refuses (400) while the source
 * host's nova-compute is up: force it down first (services.forceDown). 200 with no body from 2.14.
 */
export async function evacuate(client: ServiceClient, id: string, options: { host?: string } = {}): Promise<void> {
  const body: Record<string, unknown> = options.host !== undefined ? { host: options.host } : {};
  // Before 2.14 the caller had to say whether the disks survive; they do not on a failed host.
  if (!client.supports('2.14')) body['onSharedStorage'] = false;
  await action(client, id, { evacuate: body }, [200, 202]);
}
