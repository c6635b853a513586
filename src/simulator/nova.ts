/**
 * Nova (compute API v2.1) under `/compute`: routing, microversion negotiation and the read side
 * (servers, flavors, keypairs, server groups, hypervisors, services, quotas, availability zones,
 * aggregates, limits). Writes live in nova-writes.ts (flavors, keypairs, quotas, server groups),
 * nova-servers.ts (boot, delete) and nova-server-actions.ts (actions, tags, metadata, volumes).
 *
 * Microversions 2.1 … 2.93 (Zed). Every response below `/v2.1` echoes the negotiated version in
 * `OpenStack-API-Version` and `X-OpenStack-Nova-API-Version`, with `Vary` on both; shapes change
 * where Nova's do for the fields rendered here (see SPEC.md, "Nova microversions").
 */
import { createHash } from 'node:crypto';
import { Router, json, webobHtml, queryFlag, queryLimit, linkWith, type SimRequest, type SimResponse } from './http.js';
import { isoMicros, isoSeconds } from './ids.js';
import { atLeast, formatVersion, negotiate, type MicroversionRange } from './microversion.js';
import { callerOf, middlewareUnauthorized, type ServiceApi, type ServiceContext } from './service.js';
import type { Aggregate, CloudStore, ComputeService, Flavor, Hypervisor, Keypair, Server, ServerGroup } from './store.js';
import type { PageResult, Table } from './table.js';
import { forbidden, links, novaError, serverNotFound, visibleServer, type Call, type NovaHandler } from './nova-common.js';
import {
  addTag, attachVolumeToServer, checkTag, deleteAllTags, deleteMetadataItem, deleteTag, detachVolumeFromServer, putMetadataItem, replaceTags,
  serverAction, showMetadataItem, showVolumeAttachment, writeMetadata,
} from './nova-server-actions.js';
import { createServer, deleteServer, updateServer } from './nova-servers.js';
import { addHostRoutes } from './nova-hosts.js';
import {
  createExtraSpecs, createFlavor, createKeypair, createServerGroup, deleteExtraSpec, deleteFlavor, deleteKeypair, deleteServerGroup, flavorAction,
  revertQuotaSet, showExtraSpec, updateExtraSpec, updateFlavor, updateQuotaSet,
} from './nova-writes.js';

/** Cinder borrows Nova's error envelope (cinder.ts imports it from here). */
export { novaError };

export const NOVA_VERSIONS: MicroversionRange = {
  service: 'compute', min: { major: 2, minor: 1 }, max: { major: 2, minor: 93 }, legacyHeader: 'x-openstack-nova-api-version',
};
/** Nova's `[api] max_limit` default: the most items one list page returns. */
export const NOVA_MAX_LIMIT = 1000;

// ---- helpers ---------------------------------------------------------------------------------

/** Nova reads `limit`/`marker`; limit is capped at max_limit. Returns a 400 response on bad input. */
function pageParams(call: Call): { limit: number; marker: string | undefined } | SimResponse {
  const limit = queryLimit(call.req);
  if (limit === null) return novaError(400, "Invalid input for query parameters limit. Value: " + call.req.query.get('limit') + ". '" + call.req.query.get('limit') + "' does not match '^[0-9]*$'");
  return { limit: Math.min(limit ?? NOVA_MAX_LIMIT, NOVA_MAX_LIMIT), marker: call.req.query.get('marker') ?? undefined };
}

/**
 * Nova's collection links: a `next` link whenever the page is exactly `limit` long (even if it is
 * the last one), with the other query parameters kept and `marker` set to the last item.
 */
function collection<T>(call: Call, key: string, page: PageResult<T>, limit: number, render: (row: T) => unknown, idOf: (row: T) => string): SimResponse {
  if (!page.ok) return novaError(400, `marker [${call.req.query.get('marker')}] not found`);
  const body: Record<string, unknown> = { [key]: page.items.map(render) };
  const last = page.items[page.items.length - 1];
  if (last !== undefined && page.items.length === limit) {
    body[`${key}_links`] = [{ rel: 'next', href: linkWith(call.req, { marker: idOf(last), limit: String(limit) }) }];
  }
  return json(200, body);
}

function withPage<T extends { id: string }>(call: Call, table: Table<T>, key: string, source: readonly T[] | undefined, filter: ((row: T) => boolean) | undefined, render: (row: T) => unknown, idOf: (row: T) => string = (r) => r.id): SimResponse {
  const p = pageParams(call);
  if ('status' in p) return p;
  return collection(call, key, table.page({ marker: p.marker, limit: p.limit, filter }, source), p.limit, render, idOf);
}

// ---- servers ---------------------------------------------------------------------------------

function hostId(projectId: string, host: string): string {
  return host ? createHash('sha224').update(projectId + host).digest('hex') : '';
}

function renderAddresses(store: CloudStore, server: Server): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const port of store.serverPorts(server.id)) {
    const net = store.networks.get(port.networkId);
    const list = (out[net?.name ?? port.networkId] ??= []);
    for (const ip of port.fixedIps) {
      list.push({ version: ip.ipAddress.includes(':') ? 6 : 4, addr: ip.ipAddress, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': port.macAddress });
    }
    const fip = store.floatingIpOfPort(port.id);
    if (fip) list.push({ version: 4, addr: fip.floatingIpAddress, 'OS-EXT-IPS:type': 'floating', 'OS-EXT-IPS-MAC:mac_addr': port.macAddress });
  }
  return out;
}

function renderServerFlavor(call: Call, flavorId: string): unknown {
  const f = call.store.flavors.get(flavorId);
  if (!atLeast(call.v, 2, 47)) return { id: flavorId, links: [{ rel: 'bookmark', href: `${call.ctx.origin()}/compute/flavors/${flavorId}` }] };
  // 2.47+: the flavor as it was when the server was built, without its id.
  return {
    vcpus: f?.vcpus ?? 0, ram: f?.ramMb ?? 0, disk: f?.diskGb ?? 0, ephemeral: f?.ephemeralGb ?? 0, swap: f?.swapMb ?? 0,
    original_name: f?.name ?? '', extra_specs: { ...(f?.extraSpecs ?? {}) },
  };
}

export function renderServer(call: Call, s: Server): Record<string, unknown> {
  const { store, v } = call;
  const admin = call.caller.isAdmin;
  const body: Record<string, unknown> = {
    id: s.id, name: s.name, status: s.status, tenant_id: s.projectId, user_id: s.userId, metadata: { ...s.metadata },
    hostId: hostId(s.projectId, s.host),
    image: s.imageId === '' ? '' : { id: s.imageId, links: [{ rel: 'bookmark', href: `${call.ctx.origin()}/compute/images/${s.imageId}` }] },
    flavor: renderServerFlavor(call, s.flavorId),
    created: isoSeconds(s.createdAt), updated: isoSeconds(s.updatedAt),
    addresses: renderAddresses(store, s), accessIPv4: '', accessIPv6: '', links: links(call, `servers/${s.id}`),
    'OS-DCF:diskConfig': 'MANUAL', progress: 0, 'OS-EXT-AZ:availability_zone': s.availabilityZone, config_drive: s.configDrive,
    key_name: s.keyName, 'OS-SRV-USG:launched_at': s.launchedAt === null ? null : isoMicros(s.launchedAt), 'OS-SRV-USG:terminated_at': null,
  };
  if (admin) {
    body['OS-EXT-SRV-ATTR:host'] = s.host || null;
    body['OS-EXT-SRV-ATTR:instance_name'] = `instance-${s.instanceNumber.toString(16).padStart(8, '0')}`;
    body['OS-EXT-SRV-ATTR:hypervisor_hostname'] = s.hypervisorHostname || null;
  }
  body['OS-EXT-STS:task_state'] = s.taskState;
  body['OS-EXT-STS:vm_state'] = s.vmState;
  body['OS-EXT-STS:power_state'] = s.powerState;
  body['os-extended-volumes:volumes_attached'] = volumeDevices(store, s).map((d) => (atLeast(v, 2, 3)
    ? { id: d.volumeId, delete_on_termination: d.deleteOnTermination } : { id: d.volumeId }));
  const groups = [...new Set(s.securityGroupNames)];
  if (groups.length > 0) body['security_groups'] = groups.map((name) => ({ name }));
  if (atLeast(v, 2, 3) && admin) {
    Object.assign(body, {
      'OS-EXT-SRV-ATTR:reservation_id': `r-${s.id.slice(0, 8)}`, 'OS-EXT-SRV-ATTR:launch_index': 0,
      'OS-EXT-SRV-ATTR:kernel_id': s.kernelId ?? '', 'OS-EXT-SRV-ATTR:ramdisk_id': s.ramdiskId ?? '', 'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
      'OS-EXT-SRV-ATTR:user_data': s.userData ?? null,
    });
  }
  if ((atLeast(v, 2, 3) && admin) || atLeast(v, 2, 90)) body['OS-EXT-SRV-ATTR:hostname'] = s.name.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (atLeast(v, 2, 9)) body['locked'] = s.locked;
  if (atLeast(v, 2, 16) && admin) body['host_status'] = s.host ? hostStatus(store, s.host) : '';
  if (atLeast(v, 2, 19)) body['description'] = s.description;
  if (atLeast(v, 2, 26)) body['tags'] = [...s.tags];
  if (atLeast(v, 2, 63)) body['trusted_image_certificates'] = null;
  if (atLeast(v, 2, 73)) body['locked_reason'] = null;
  // Nova shows the instance fault of a server in ERROR; details only to admins (omitted here).
  if (s.status === 'ERROR' && s.fault) body['fault'] = { code: s.fault.code, created: isoSeconds(s.fault.createdAt), message: s.fault.message };
  return body;
}

interface VolumeDevice { volumeId: string; device: string | null; deleteOnTermination: boolean; tag: string | null; bdmId: string | null; attachmentId: string | null }

/**
 * A server's volumes as Nova lists them (from its block device mappings): Nova's own mappings
 * first, then volumes Cinder shows attached that have none (seeded scenario servers).
 */
function volumeDevices(store: CloudStore, s: Server): VolumeDevice[] {
  const attachmentOf = (volumeId: string) => store.volumes.get(volumeId)?.attachments.find((a) => a.serverId === s.id);
  const out = (s.volumeMappings ?? []).map((m): VolumeDevice => ({
    volumeId: m.volumeId, device: m.device || null, deleteOnTermination: m.deleteOnTermination, tag: m.tag, bdmId: m.id, attachmentId: attachmentOf(m.volumeId)?.attachmentId ?? null,
  }));
  for (const vol of store.serverVolumes(s.id)) {
    if (out.some((d) => d.volumeId === vol.id)) continue;
    const a = attachmentOf(vol.id);
    out.push({ volumeId: vol.id, device: a?.device ?? null, deleteOnTermination: false, tag: null, bdmId: a?.attachmentId ?? null, attachmentId: a?.attachmentId ?? null });
  }
  return out;
}

function hostStatus(store: CloudStore, host: string): string {
  const svc = store.computeServices.by('host', host).find((x) => x.binary === 'nova-compute');
  if (!svc) return 'UNKNOWN';
  if (svc.forcedDown || svc.state === 'down') return 'DOWN';
  return svc.status === 'disabled' ? 'MAINTENANCE' : 'UP';
}

function safeRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

function listServers(detail: boolean): NovaHandler {
  return (call) => {
    const { req, store, caller } = call;
    const q = req.query;
    const allTenants = queryFlag(req, 'all_tenants');
    if (allTenants && !caller.isAdmin) return forbidden('os_compute_api:servers:index:get_all_tenants');
    const wantedProject = q.get('project_id') ?? q.get('tenant_id');
    let project: string | undefined;
    if (!caller.isAdmin) project = caller.projectId;
    else if (wantedProject) project = wantedProject;
    else if (!allTenants) project = caller.projectId;
    const host = caller.isAdmin ? q.get('host') : null;
    const source = project !== undefined ? store.servers.by('project', project) : host ? store.servers.by('host', host) : undefined;
    const nameRe = q.get('name') === null ? undefined : safeRegex(q.get('name') ?? '');
    const checks: ((s: Server) => boolean)[] = [];
    if (project !== undefined) checks.push((s) => s.projectId === project);
    if (host) checks.push((s) => s.host === host);
    if (q.get('name') !== null) checks.push((s) => nameRe?.test(s.name) ?? false);
    const status = q.get('status');
    if (status) checks.push((s) => s.status === status.toUpperCase());
    const userId = q.get('user_id');
    if (userId) checks.push((s) => s.userId === userId);
    const flavor = q.get('flavor');
    if (flavor) checks.push((s) => s.flavorId === flavor);
    const image = q.get('image');
    if (image) checks.push((s) => s.imageId === image);
    const az = q.get('availability_zone');
    if (az) checks.push((s) => s.availabilityZone === az);
    const node = caller.isAdmin ? q.get('node') : null;
    if (node) checks.push((s) => s.hypervisorHostname === node);
    if (atLeast(call.v, 2, 26)) {
      const tags = q.get('tags');
      if (tags) checks.push((s) => tags.split(',').every((t) => s.tags.includes(t)));
      const anyTags = q.get('tags-any');
      if (anyTags) checks.push((s) => anyTags.split(',').some((t) => s.tags.includes(t)));
      const notTags = q.get('not-tags');
      if (notTags) checks.push((s) => !notTags.split(',').every((t) => s.tags.includes(t)));
      const notAnyTags = q.get('not-tags-any');
      if (notAnyTags) checks.push((s) => !notAnyTags.split(',').some((t) => s.tags.includes(t)));
    }
    const filter = checks.length === 0 ? undefined : (s: Server): boolean => checks.every((c) => c(s));
    const render = detail ? (s: Server): unknown => renderServer(call, s) : (s: Server): unknown => ({ id: s.id, links: links(call, `servers/${s.id}`), name: s.name });
    return withPage(call, store.servers, 'servers', source, filter, render);
  };
}

function showServer(call: Call): SimResponse {
  const s = visibleServer(call);
  if (!s) return serverNotFound(call);
  const body = renderServer(call, s);
  if (atLeast(call.v, 2, 71)) body['server_groups'] = call.store.serverGroups.by('member', s.id).map((g) => g.id);
  return json(200, { server: body });
}

function serverInterfaces(call: Call): SimResponse {
  const s = visibleServer(call);
  if (!s) return serverNotFound(call);
  return json(200, {
    interfaceAttachments: call.store.serverPorts(s.id).map((p) => ({
      port_state: p.status, fixed_ips: p.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })),
      port_id: p.id, net_id: p.networkId, mac_addr: p.macAddress, ...(atLeast(call.v, 2, 70) ? { tag: null } : {}),
    })),
  });
}

function renderVolumeAttachments(call: Call, s: Server): Record<string, unknown>[] {
  const v = call.v;
  return volumeDevices(call.store, s).map((d) => ({
    ...(atLeast(v, 2, 89) ? {} : { id: d.volumeId }), serverId: s.id, volumeId: d.volumeId, device: d.device,
    ...(atLeast(v, 2, 70) ? { tag: d.tag } : {}), ...(atLeast(v, 2, 79) ? { delete_on_termination: d.deleteOnTermination } : {}),
    ...(atLeast(v, 2, 89) ? { attachment_id: d.attachmentId, bdm_uuid: d.bdmId } : {}),
  }));
}

function serverVolumeAttachments(call: Call): SimResponse {
  const s = visibleServer(call);
  if (!s) return serverNotFound(call);
  return json(200, { volumeAttachments: renderVolumeAttachments(call, s) });
}

// ---- flavors ---------------------------------------------------------------------------------

export function renderFlavor(call: Call, f: Flavor, detail: boolean): unknown {
  if (!detail) {
    return { id: f.id, name: f.name, links: links(call, `flavors/${f.id}`), ...(atLeast(call.v, 2, 55) ? { description: f.description } : {}) };
  }
  return {
    id: f.id, name: f.name, ram: f.ramMb, disk: f.diskGb,
    // Before 2.75 Nova renders a zero swap as "".
    swap: f.swapMb === 0 && !atLeast(call.v, 2, 75) ? '' : f.swapMb,
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeralGb, 'OS-FLV-DISABLED:disabled': f.disabled, vcpus: f.vcpus,
    'os-flavor-access:is_public': f.isPublic, rxtx_factor: f.rxtxFactor, links: links(call, `flavors/${f.id}`),
    ...(atLeast(call.v, 2, 55) ? { description: f.description } : {}),
    ...(atLeast(call.v, 2, 61) ? { extra_specs: { ...f.extraSpecs } } : {}),
  };
}

function flavorVisible(call: Call, f: Flavor): boolean {
  return f.isPublic || call.caller.isAdmin || (call.caller.projectId !== undefined && f.accessProjectIds.includes(call.caller.projectId));
}

function listFlavors(detail: boolean): NovaHandler {
  return (call) => {
    const raw = call.req.query.get('is_public');
    // Admins: is_public=None/none → all; default or true → public only; false → private only.
    // Others always see public flavors plus the private ones granted to their project.
    let isPublic: boolean | undefined = true;
    if (call.caller.isAdmin && raw !== null) isPublic = raw.toLowerCase() === 'none' ? undefined : !['false', '0', 'no'].includes(raw.toLowerCase());
    const minRam = Number(call.req.query.get('minRam') ?? 0);
    const minDisk = Number(call.req.query.get('minDisk') ?? 0);
    const filter = (f: Flavor): boolean => (call.caller.isAdmin ? isPublic === undefined || f.isPublic === isPublic : flavorVisible(call, f))
      && f.ramMb >= minRam && f.diskGb >= minDisk;
    return withPage(call, call.store.flavors, 'flavors', undefined, filter, (f) => renderFlavor(call, f, detail));
  };
}

function findFlavor(call: Call): Flavor | undefined {
  const f = call.store.flavors.get(call.req.params['id'] ?? '');
  return f && flavorVisible(call, f) ? f : undefined;
}

const flavorNotFound = (call: Call): SimResponse => novaError(404, `Flavor ${call.req.params['id']} could not be found.`);

// ---- keypairs ----------------------------------------------------------------------------------

function keypairOwner(call: Call): string | SimResponse {
  const wanted = atLeast(call.v, 2, 10) ? call.req.query.get('user_id') : null;
  if (wanted && wanted !== call.caller.token.userId && !call.caller.isAdmin) return forbidden('os_compute_api:os-keypairs:index');
  return wanted ?? call.caller.token.userId;
}

function renderKeypair(call: Call, k: Keypair, full: boolean): unknown {
  const base = { name: k.name, public_key: k.publicKey, fingerprint: k.fingerprint, ...(atLeast(call.v, 2, 2) ? { type: k.type } : {}) };
  if (!full) return { keypair: base };
  return {
    keypair: { ...base, user_id: k.userId, created_at: isoMicros(k.createdAt), deleted: false, deleted_at: null, updated_at: null, id: Number.parseInt(k.fingerprint.replace(/:/g, '').slice(0, 6), 16) },
  };
}

function listKeypairs(call: Call): SimResponse {
  const owner = keypairOwner(call);
  if (typeof owner !== 'string') return owner;
  const rows = call.store.keypairs.by('user', owner);
  if (!atLeast(call.v, 2, 35)) return json(200, { keypairs: rows.map((k) => renderKeypair(call, k, false)) });
  const p = pageParams(call);
  if ('status' in p) return p;
  // Keypair markers are names, not ids.
  const markerRow = p.marker === undefined ? undefined : rows.find((k) => k.name === p.marker);
  if (p.marker !== undefined && !markerRow) return novaError(400, `marker [${p.marker}] not found`);
  const page = call.store.keypairs.page({ marker: markerRow?.id, limit: p.limit }, rows);
  return collection(call, 'keypairs', page, p.limit, (k) => renderKeypair(call, k, false), (k) => k.name);
}

function showKeypair(call: Call): SimResponse {
  const owner = keypairOwner(call);
  if (typeof owner !== 'string') return owner;
  const k = call.store.keypairs.by('user', owner).find((x) => x.name === call.req.params['name']);
  return k ? json(200, renderKeypair(call, k, true)) : novaError(404, `Keypair ${call.req.params['name']} not found for user ${owner}`);
}

// ---- server groups -----------------------------------------------------------------------------

export function renderServerGroup(call: Call, g: ServerGroup): unknown {
  const v = call.v;
  if (atLeast(v, 2, 64)) return { id: g.id, name: g.name, policy: g.policy, rules: {}, members: [...g.members], project_id: g.projectId, user_id: g.userId };
  return { id: g.id, name: g.name, policies: [g.policy], members: [...g.members], metadata: {}, ...(atLeast(v, 2, 13) ? { project_id: g.projectId, user_id: g.userId } : {}) };
}

function listServerGroups(call: Call): SimResponse {
  const all = queryFlag(call.req, 'all_projects');
  if (all && !call.caller.isAdmin) return forbidden('os_compute_api:os-server-groups:index:all_projects');
  const rows = all ? call.store.serverGroups.all() : [...call.store.serverGroups.by('project', call.caller.projectId ?? '')];
  // Server groups page by offset, not marker.
  const limit = Math.min(Number(call.req.query.get('limit') ?? NOVA_MAX_LIMIT) || NOVA_MAX_LIMIT, NOVA_MAX_LIMIT);
  const offset = Number(call.req.query.get('offset') ?? 0) || 0;
  return json(200, { server_groups: rows.slice(offset, offset + limit).map((g) => renderServerGroup(call, g)) });
}

// ---- hypervisors and services ------------------------------------------------------------------

function computeServiceOf(store: CloudStore, h: Hypervisor): ComputeService | undefined {
  return store.computeServices.by('host', h.host).find((s) => s.binary === 'nova-compute');
}

function renderHypervisor(call: Call, h: Hypervisor, detail: boolean): Record<string, unknown> {
  const uuids = atLeast(call.v, 2, 53);
  const base: Record<string, unknown> = { id: uuids ? h.id : h.legacyId, hypervisor_hostname: h.hostname, state: h.state, status: h.status };
  if (!detail) return base;
  const svc = computeServiceOf(call.store, h);
  Object.assign(base, {
    hypervisor_type: h.hypervisorType, hypervisor_version: h.hypervisorVersion, host_ip: h.hostIp,
    service: { id: uuids ? svc?.id : svc?.legacyId, host: h.host, disabled_reason: svc?.disabledReason ?? null },
  });
  if (atLeast(call.v, 2, 88)) {
    // 2.88 dropped the resource counters (placement is the source of truth) and added uptime.
    base['uptime'] = null;
    return base;
  }
  const used = call.store.hostUsage(h.host);
  return Object.assign(base, {
    vcpus: h.vcpus, memory_mb: h.memoryMb, local_gb: h.localGb, vcpus_used: used.vcpus,
    // Nova counts the host's reserved 512 MB as used, as the testbed shows.
    memory_mb_used: used.memoryMb + 512, local_gb_used: used.localGb,
    free_ram_mb: h.memoryMb - used.memoryMb - 512, free_disk_gb: h.localGb - used.localGb,
    current_workload: 0, running_vms: used.runningVms, disk_available_least: h.localGb - used.localGb, cpu_info: h.cpuInfo,
  });
}

function listHypervisors(detail: boolean): NovaHandler {
  return (call) => {
    if (!call.caller.isAdmin) return forbidden('os_compute_api:os-hypervisors:list');
    const uuids = atLeast(call.v, 2, 53);
    const pattern = uuids ? call.req.query.get('hypervisor_hostname_pattern') : null;
    const filter = pattern ? (h: Hypervisor): boolean => h.hostname.includes(pattern) : undefined;
    const render = (h: Hypervisor): unknown => renderHypervisor(call, h, detail);
    if (!atLeast(call.v, 2, 33)) {
      return json(200, { hypervisors: call.store.hypervisors.all().filter(filter ?? (() => true)).map(render) });
    }
    const p = pageParams(call);
    if ('status' in p) return p;
    // Before 2.53 the marker is the integer id.
    const marker = p.marker === undefined || uuids ? p.marker : call.store.hypervisors.by('legacy', p.marker)[0]?.id ?? `missing:${p.marker}`;
    const page = call.store.hypervisors.page({ marker, limit: p.limit, filter });
    if (!page.ok) return novaError(400, `marker [${p.marker}] not found`);
    return collection(call, 'hypervisors', page, p.limit, render, (h) => (uuids ? h.id : String(h.legacyId)));
  };
}

function showHypervisor(call: Call): SimResponse {
  if (!call.caller.isAdmin) return forbidden('os_compute_api:os-hypervisors:show');
  const id = call.req.params['id'] ?? '';
  const h = atLeast(call.v, 2, 53) ? call.store.hypervisors.get(id) : call.store.hypervisors.by('legacy', id)[0];
  return h ? json(200, { hypervisor: renderHypervisor(call, h, true) }) : novaError(404, `Hypervisor with ID ${id} could not be found.`);
}

function renderService(call: Call, s: ComputeService): unknown {
  return {
    binary: s.binary, host: s.host, id: atLeast(call.v, 2, 53) ? s.id : s.legacyId, zone: s.zone, status: s.status, state: s.state,
    updated_at: isoMicros(s.updatedAt), disabled_reason: s.disabledReason, ...(atLeast(call.v, 2, 11) ? { forced_down: s.forcedDown } : {}),
  };
}

function listServices(call: Call): SimResponse {
  if (!call.caller.isAdmin) return forbidden('os_compute_api:os-services:list');
  const host = call.req.query.get('host');
  const binary = call.req.query.get('binary');
  const rows = call.store.computeServices.all().filter((s) => (host === null || s.host === host) && (binary === null || s.binary === binary));
  return json(200, { services: rows.map((s) => renderService(call, s)) });
}

// ---- quotas, limits, zones, aggregates ---------------------------------------------------------

/** Quota keys Nova stopped reporting at 2.36 (proxied to Neutron) and 2.57 (personality files). */
const DROPPED_AT_2_36 = ['fixed_ips', 'floating_ips', 'security_group_rules', 'security_groups', 'networks'];
const DROPPED_AT_2_57 = ['injected_file_content_bytes', 'injected_file_path_bytes', 'injected_files'];

export function quotaKeys(call: Call, limits: Record<string, number>): string[] {
  return Object.keys(limits).filter((k) => !(atLeast(call.v, 2, 36) && DROPPED_AT_2_36.includes(k)) && !(atLeast(call.v, 2, 57) && DROPPED_AT_2_57.includes(k)));
}

function quotaSet(kind: 'show' | 'defaults' | 'detail'): NovaHandler {
  return (call) => {
    const projectId = call.req.params['project'] ?? '';
    if (kind !== 'defaults' && !call.caller.isAdmin && projectId !== call.caller.projectId) return forbidden('os_compute_api:os-quota-sets:show');
    const limits = kind === 'defaults' ? call.store.quotaDefaults.compute : call.store.quotaFor('compute', projectId);
    const detail = kind === 'detail' || (kind === 'show' && queryFlag(call.req, 'usage'));
    const usage = detail ? call.store.quotaUsage('compute', projectId) : {};
    const body: Record<string, unknown> = { id: projectId };
    for (const k of quotaKeys(call, limits)) {
      body[k] = detail ? { in_use: usage[k] ?? 0, limit: limits[k], reserved: 0 } : limits[k];
    }
    return json(200, { quota_set: body });
  };
}

function limitsOf(call: Call): SimResponse {
  const projectId = (call.caller.isAdmin ? call.req.query.get('tenant_id') : null) ?? call.caller.projectId ?? '';
  const q = call.store.quotaFor('compute', projectId);
  const u = call.store.quotaUsage('compute', projectId);
  const absolute: Record<string, number | undefined> = {
    maxTotalInstances: q['instances'], maxTotalCores: q['cores'], maxTotalRAMSize: q['ram'], maxServerMeta: q['metadata_items'],
    maxImageMeta: q['metadata_items'], maxPersonality: q['injected_files'], maxPersonalitySize: q['injected_file_content_bytes'],
    maxTotalKeypairs: q['key_pairs'], maxServerGroups: q['server_groups'], maxServerGroupMembers: q['server_group_members'],
    maxTotalFloatingIps: q['floating_ips'], maxSecurityGroups: q['security_groups'], maxSecurityGroupRules: q['security_group_rules'],
    totalRAMUsed: u['ram'], totalCoresUsed: u['cores'], totalInstancesUsed: u['instances'], totalFloatingIpsUsed: 0,
    totalSecurityGroupsUsed: 0, totalServerGroupsUsed: u['server_groups'],
  };
  if (atLeast(call.v, 2, 36)) for (const k of ['maxTotalFloatingIps', 'maxSecurityGroups', 'maxSecurityGroupRules', 'totalFloatingIpsUsed', 'totalSecurityGroupsUsed']) delete absolute[k];
  if (atLeast(call.v, 2, 57)) for (const k of ['maxPersonality', 'maxPersonalitySize']) delete absolute[k];
  return json(200, { limits: { rate: [], absolute } });
}

function availabilityZones(detail: boolean): NovaHandler {
  return (call) => {
    if (detail && !call.caller.isAdmin) return forbidden('os_compute_api:os-availability-zone:detail');
    const zones = new Map<string, ComputeService[]>();
    for (const s of call.store.computeServices.all()) {
      if (!detail && s.binary !== 'nova-compute') continue;
      (zones.get(s.zone) ?? zones.set(s.zone, []).get(s.zone))?.push(s);
    }
    const info = [...zones.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([zone, services]) => {
      const available = services.some((s) => s.status === 'enabled' && s.state === 'up');
      if (!detail) return { zoneName: zone, zoneState: { available }, hosts: null };
      const hosts: Record<string, Record<string, unknown>> = {};
      for (const s of services) {
        (hosts[s.host] ??= {})[s.binary] = { available: s.status === 'enabled' && s.state === 'up', active: s.status === 'enabled', updated_at: isoMicros(s.updatedAt) };
      }
      return { zoneName: zone, zoneState: { available }, hosts };
    });
    return json(200, { availabilityZoneInfo: info });
  };
}

function renderAggregate(call: Call, a: Aggregate): unknown {
  return {
    availability_zone: a.availabilityZone, created_at: isoMicros(a.createdAt), deleted: false, deleted_at: null, hosts: [...a.hosts],
    id: a.legacyId, metadata: { ...a.metadata, ...(a.availabilityZone ? { availability_zone: a.availabilityZone } : {}) },
    name: a.name, updated_at: null, ...(atLeast(call.v, 2, 41) ? { uuid: a.id } : {}),
  };
}

// ---- routing -------------------------------------------------------------------------------------

function versionEntry(ctx: ServiceContext, full: boolean): Record<string, unknown> {
  const o = ctx.origin();
  const entry: Record<string, unknown> = {
    id: 'v2.1', status: 'CURRENT', version: formatVersion(NOVA_VERSIONS.max), min_version: formatVersion(NOVA_VERSIONS.min), updated: '2013-07-23T11:33:21Z',
    links: [{ rel: 'self', href: `${o}/compute/v2.1/` }],
  };
  if (full) {
    (entry['links'] as unknown[]).push({ rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' });
    entry['media-types'] = [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }];
  }
  return entry;
}

function buildRouter(): Router<Call> {
  const r = new Router<Call>();
  const h = (fn: NovaHandler) => (_req: SimRequest, call: Call): SimResponse => fn(call);
  r.get('/v2.1/servers', h(listServers(false)));
  r.get('/v2.1/servers/detail', h(listServers(true)));
  r.get('/v2.1/servers/:id', h(showServer));
  r.get('/v2.1/servers/:id/os-interface', h(serverInterfaces));
  r.get('/v2.1/servers/:id/os-volume_attachments', h(serverVolumeAttachments));
  r.get('/v2.1/servers/:id/metadata', h((c) => { const s = visibleServer(c); return s ? json(200, { metadata: { ...s.metadata } }) : serverNotFound(c); }));
  r.get('/v2.1/servers/:id/tags', h((c) => {
    if (!atLeast(c.v, 2, 26)) return webobHtml(404, 'Not Found', 'The resource could not be found.');
    const s = visibleServer(c);
    return s ? json(200, { tags: [...s.tags] }) : serverNotFound(c);
  }));
  r.get('/v2.1/flavors', h(listFlavors(false)));
  r.get('/v2.1/flavors/detail', h(listFlavors(true)));
  r.get('/v2.1/flavors/:id', h((c) => { const f = findFlavor(c); return f ? json(200, { flavor: renderFlavor(c, f, true) }) : flavorNotFound(c); }));
  r.get('/v2.1/flavors/:id/os-extra_specs', h((c) => { const f = findFlavor(c); return f ? json(200, { extra_specs: { ...f.extraSpecs } }) : flavorNotFound(c); }));
  r.get('/v2.1/flavors/:id/os-flavor-access', h((c) => {
    if (!c.caller.isAdmin) return forbidden('os_compute_api:os-flavor-access');
    const f = findFlavor(c);
    if (!f) return flavorNotFound(c);
    if (f.isPublic) return novaError(404, 'Access list not available for public flavors.');
    return json(200, { flavor_access: f.accessProjectIds.map((p) => ({ flavor_id: f.id, tenant_id: p })) });
  }));
  r.get('/v2.1/os-keypairs', h(listKeypairs));
  r.get('/v2.1/os-keypairs/:name', h(showKeypair));
  r.get('/v2.1/os-server-groups', h(listServerGroups));
  r.get('/v2.1/os-server-groups/:id', h((c) => {
    const g = c.store.serverGroups.get(c.req.params['id'] ?? '');
    if (!g || (!c.caller.isAdmin && g.projectId !== c.caller.projectId)) return novaError(404, `Instance group ${c.req.params['id']} could not be found.`);
    return json(200, { server_group: renderServerGroup(c, g) });
  }));
  r.get('/v2.1/os-hypervisors', h(listHypervisors(false)));
  r.get('/v2.1/os-hypervisors/detail', h(listHypervisors(true)));
  r.get('/v2.1/os-hypervisors/:id', h(showHypervisor));
  r.get('/v2.1/os-services', h(listServices));
  r.get('/v2.1/os-quota-sets/:project', h(quotaSet('show')));
  r.get('/v2.1/os-quota-sets/:project/defaults', h(quotaSet('defaults')));
  r.get('/v2.1/os-quota-sets/:project/detail', h(quotaSet('detail')));
  r.get('/v2.1/os-availability-zone', h(availabilityZones(false)));
  r.get('/v2.1/os-availability-zone/detail', h(availabilityZones(true)));
  r.get('/v2.1/os-aggregates', h((c) => (c.caller.isAdmin
    ? json(200, { aggregates: c.store.aggregates.all().map((a) => renderAggregate(c, a)) }) : forbidden('os_compute_api:os-aggregates:index'))));
  r.get('/v2.1/os-aggregates/:id', h((c) => {
    if (!c.caller.isAdmin) return forbidden('os_compute_api:os-aggregates:show');
    const a = c.store.aggregates.by('legacy', c.req.params['id'] ?? '')[0] ?? c.store.aggregates.get(c.req.params['id'] ?? '');
    return a ? json(200, { aggregate: renderAggregate(c, a) }) : novaError(404, `Aggregate ${c.req.params['id']} could not be found.`);
  }));
  r.get('/v2.1/limits', h(limitsOf));
  // Before the write routes: it answers the host-moving server actions and hands on the others.
  addHostRoutes(r, h);
  addWriteRoutes(r, h);
  return r;
}

/** The write side (nova-writes.ts, nova-servers.ts, nova-server-actions.ts). */
function addWriteRoutes(r: Router<Call>, h: (fn: NovaHandler) => (req: SimRequest, call: Call) => SimResponse): void {
  r.add('POST', '/v2.1/servers', h(createServer));
  r.add('DELETE', '/v2.1/servers/:id', h(deleteServer));
  r.add('PUT', '/v2.1/servers/:id', h((c) => updateServer(c, (s) => renderServer(c, s))));
  r.add('POST', '/v2.1/servers/:id/action', h(serverAction));
  r.add('PUT', '/v2.1/servers/:id/tags', h(replaceTags));
  r.add('DELETE', '/v2.1/servers/:id/tags', h(deleteAllTags));
  r.get('/v2.1/servers/:id/tags/:tag', h(checkTag));
  r.add('PUT', '/v2.1/servers/:id/tags/:tag', h(addTag));
  r.add('DELETE', '/v2.1/servers/:id/tags/:tag', h(deleteTag));
  r.add('POST', '/v2.1/servers/:id/metadata', h(writeMetadata(false)));
  r.add('PUT', '/v2.1/servers/:id/metadata', h(writeMetadata(true)));
  r.get('/v2.1/servers/:id/metadata/:key', h(showMetadataItem));
  r.add('PUT', '/v2.1/servers/:id/metadata/:key', h(putMetadataItem));
  r.add('DELETE', '/v2.1/servers/:id/metadata/:key', h(deleteMetadataItem));
  r.add('POST', '/v2.1/servers/:id/os-volume_attachments', h(attachVolumeToServer));
  r.get('/v2.1/servers/:id/os-volume_attachments/:volume', h((c) => showVolumeAttachment(c, (s) => renderVolumeAttachments(c, s))));
  r.add('DELETE', '/v2.1/servers/:id/os-volume_attachments/:volume', h(detachVolumeFromServer));
  r.add('POST', '/v2.1/flavors', h(createFlavor));
  r.add('PUT', '/v2.1/flavors/:id', h((c) => (atLeast(c.v, 2, 55) ? updateFlavor(c) : webobHtml(404, 'Not Found', 'The resource could not be found.'))));
  r.add('DELETE', '/v2.1/flavors/:id', h(deleteFlavor));
  r.add('POST', '/v2.1/flavors/:id/action', h(flavorAction));
  r.add('POST', '/v2.1/flavors/:id/os-extra_specs', h(createExtraSpecs));
  r.get('/v2.1/flavors/:id/os-extra_specs/:key', h(showExtraSpec));
  r.add('PUT', '/v2.1/flavors/:id/os-extra_specs/:key', h(updateExtraSpec));
  r.add('DELETE', '/v2.1/flavors/:id/os-extra_specs/:key', h(deleteExtraSpec));
  r.add('POST', '/v2.1/os-keypairs', h(createKeypair));
  r.add('DELETE', '/v2.1/os-keypairs/:name', h(deleteKeypair));
  r.add('PUT', '/v2.1/os-quota-sets/:project', h(updateQuotaSet));
  r.add('DELETE', '/v2.1/os-quota-sets/:project', h(revertQuotaSet));
  r.add('POST', '/v2.1/os-server-groups', h(createServerGroup));
  r.add('DELETE', '/v2.1/os-server-groups/:id', h(deleteServerGroup));
}

const router = buildRouter();

function versionHeaders(echoed: string): Record<string, string | string[]> {
  return { 'openstack-api-version': `compute ${echoed}`, 'x-openstack-nova-api-version': echoed, vary: ['OpenStack-API-Version', 'X-OpenStack-Nova-API-Version'] };
}

export const nova: ServiceApi = {
  name: 'compute',
  prefix: '/compute',
  async handle(req, ctx) {
    if (req.path === '/' || req.path === '') {
      return json(200, { versions: [{ id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '', updated: '2011-01-21T11:33:21Z', links: [{ rel: 'self', href: `${ctx.origin()}/compute/v2/` }] }, versionEntry(ctx, false)] });
    }
    const isVersionDoc = req.path.replace(/\/+$/, '') === '/v2.1';
    const m = router.match(req.method, req.path);
    if (m.kind === 'not-found' && !isVersionDoc) return webobHtml(404, 'Not Found', 'The resource could not be found.');
    const negotiated = negotiate(req, NOVA_VERSIONS);
    if (!negotiated.ok) return withHeaders(novaError(negotiated.status, negotiated.message), versionHeaders(negotiated.echoed));
    const headers = versionHeaders(formatVersion(negotiated.version));
    // The version document needs no token.
    if (isVersionDoc) return withHeaders(json(200, { version: versionEntry(ctx, true) }), headers);
    const caller = callerOf(req, ctx);
    if (!caller) return withHeaders(middlewareUnauthorized(ctx), headers);
    if (m.kind !== 'found') return withHeaders(novaError(405, 'The method is not allowed for the requested URL.'), headers);
    if (!caller.projectId) return withHeaders(novaError(403, 'Nova requires a project-scoped token.'), headers);
    const call: Call = { req: { ...req, params: m.params }, ctx, caller, v: negotiated.version, store: ctx.store };
    return withHeaders(await m.handler(call.req, call), headers);
  },
  error: (_req, status, message) => novaError(status, message),
  requestIdHeaders: (id) => ({ 'x-openstack-request-id': id, 'x-compute-request-id': id }),
};

function withHeaders(res: SimResponse, headers: Record<string, string | string[]>): SimResponse {
  return { ...res, headers: { ...headers, ...(res.headers ?? {}) } };
}
