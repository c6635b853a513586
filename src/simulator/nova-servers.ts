/**
 * Nova server boot and delete: `POST /servers` and `DELETE /servers/{id}`, with the asynchronous
 * build that follows (scheduling → networking → spawning → ACTIVE, or ERROR with "No valid host
 * was found") and the cleanup after a delete.
 *
 * Who owns what, as in Nova: the server belongs to the TOKEN's project and user; `key_name` is
 * looked up among the token user's keypairs; quotas are the token project's. Validation happens
 * in the request (400/403/409 with Nova's messages); everything a compute host would do happens
 * in lifecycle transitions (`ctx.lifecycle.later('server', name, …)`), so a `hang` fault on a
 * server holds it in BUILD.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { json, type SimResponse } from './http.js';
import { atLeast } from './microversion.js';
import {
  boolParam, checkName, envelope, intParam, invalidInput, isObject, isRefusal, links, missingProperty, noContent, novaError,
  pyRepr, serverNotFound, unexpectedProperty, visibleServer, type Call, type JsonObject,
} from './nova-common.js';
import {
  activatePorts, availableNetworks, planInterfaces, plugInterfaces, portGroupNames, releaseInterfaces, resolveSecurityGroups,
  type NetworkRequest, type PlannedInterface,
} from './nova-ports.js';
import { attachAll, checkDevices, prepareDevices, releaseDevices, releaseReservations, reserveDevices, validDevicePath, type PlannedDevice } from './nova-volumes.js';
import { POWER_STATE, type CloudStore, type Flavor, type Hypervisor, type Image, type Server } from './store.js';
import type { ServiceContext } from './service.js';

/** Zed's initial allocation ratios and the 512 MB reserved per host (nova/conf/compute.py). */
const CPU_ALLOCATION_RATIO = 16.0;
const RAM_ALLOCATION_RATIO = 1.5;
const RESERVED_HOST_MEMORY_MB = 512;
const MAX_TAGS = 50;

// ---- request parsing --------------------------------------------------------------------------------

/** `/compute/v2.1/flavors/3` or `3`: Nova takes the last path segment of a reference. */
function idFromHref(ref: string): string {
  return ref.replace(/\/+$/, '').split('/').pop() ?? ref;
}

const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** Server keys each microversion's create schema allows (nova/api/openstack/compute/schemas/servers.py). */
function allowedServerKeys(call: Call): string[] {
  const v = call.v;
  return [
    'name', 'imageRef', 'flavorRef', 'adminPass', 'metadata', 'networks', 'OS-DCF:diskConfig', 'accessIPv4', 'accessIPv6',
    'availability_zone', 'block_device_mapping', 'block_device_mapping_v2', 'config_drive', 'key_name', 'min_count', 'max_count',
    'return_reservation_id', 'security_groups', 'user_data',
    ...(atLeast(v, 2, 57) ? [] : ['personality']), ...(atLeast(v, 2, 19) ? ['description'] : []), ...(atLeast(v, 2, 52) ? ['tags'] : []),
    ...(atLeast(v, 2, 63) ? ['trusted_image_certificates'] : []), ...(atLeast(v, 2, 74) ? ['host', 'hypervisor_hostname'] : []),
    ...(atLeast(v, 2, 90) ? ['hostname'] : []),
  ];
}

/** Tags as Nova allows them on a server: 1–60 characters without `/` or `,`, at most 50. */
export function checkTags(field: string, tags: unknown): string[] | SimResponse {
  if (!Array.isArray(tags)) return invalidInput(field, tags, `${pyRepr(tags)} is not of type 'array'`);
  for (const tag of tags) {
    if (typeof tag !== 'string') return invalidInput(`${field}[${tags.indexOf(tag)}]`, tag, `${pyRepr(tag)} is not of type 'string'`);
    if (tag.length < 1 || tag.length > 60 || /[/,]/.test(tag)) return invalidInput(`${field}[${tags.indexOf(tag)}]`, tag, `${pyRepr(tag)} does not match '^[^,/]*$'`);
  }
  if (tags.length > MAX_TAGS) return invalidInput(field, tags, `${pyRepr(tags)} is too long`);
  return [...new Set(tags as string[])];
}

/** Server metadata: string keys of 1–255 characters and string values of at most 255. */
export function checkMetadata(field: string, metadata: unknown): Record<string, string> | SimResponse {
  if (!isObject(metadata)) return invalidInput(field, metadata, `${pyRepr(metadata)} is not of type 'object'`);
  for (const [key, value] of Object.entries(metadata)) {
    if (key.length < 1 || key.length > 255) return invalidInput(field, metadata, `${pyRepr(key)} does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
    if (typeof value !== 'string') return invalidInput(key, value, `${pyRepr(value)} is not of type 'string'`);
    if (value.length > 255) return invalidInput(key, value, `${pyRepr(value)} is too long`);
  }
  return { ...(metadata as Record<string, string>) };
}

/** The metadata_items quota, as Nova checks it on boot and on metadata writes (403). */
export function metadataOverQuota(store: CloudStore, projectId: string, metadata: Record<string, string>): SimResponse | undefined {
  const allowed = store.quotaFor('compute', projectId)['metadata_items'] ?? -1;
  return allowed >= 0 && Object.keys(metadata).length > allowed ? novaError(403, `Maximum number of metadata items exceeds ${allowed}`) : undefined;
}

function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

function parseNetworks(call: Call, raw: unknown): NetworkRequest[] | 'auto' | 'none' | undefined | SimResponse {
  if (raw === undefined) return undefined;
  const strict = atLeast(call.v, 2, 37);
  if (strict && (raw === 'auto' || raw === 'none')) return raw;
  if (!Array.isArray(raw)) return invalidInput('networks', raw, `${pyRepr(raw)} is not valid under any of the given schemas`);
  const out: NetworkRequest[] = [];
  const seenPorts = new Set<string>();
  for (const item of raw) {
    if (!isObject(item)) return novaError(400, 'Bad networks format');
    const extra = unexpectedProperty('networks', item, ['fixed_ip', 'port', 'uuid', ...(atLeast(call.v, 2, 32) ? ['tag'] : [])]);
    if (extra) return extra;
    const port = item['port'];
    const fixedIp = typeof item['fixed_ip'] === 'string' ? item['fixed_ip'] : undefined;
    if (typeof port === 'string' && port !== '') {
      if (!UUID.test(port)) return invalidInput('port', port, `${pyRepr(port)} is not a 'uuid'`);
      if (seenPorts.has(port)) return novaError(400, `Port ID '${port}' was specified twice: you cannot attach a port multiple times.`);
      if (fixedIp !== undefined) return novaError(400, `Specified Fixed IP '${fixedIp}' cannot be used with port '${port}': the two cannot be specified together.`);
      seenPorts.add(port);
      out.push({ kind: 'port', portId: port });
      continue;
    }
    const uuid = item['uuid'];
    if (typeof uuid !== 'string') return novaError(400, "Bad network format: missing 'uuid'");
    if (!UUID.test(uuid)) {
      return strict ? invalidInput('uuid', uuid, `${pyRepr(uuid)} is not a 'uuid'`) : novaError(400, `Bad networks format: network uuid is not in proper format (${uuid})`);
    }
    out.push({ kind: 'network', networkId: uuid, fixedIp });
  }
  return out;
}

function parseDevices(raw: unknown): PlannedDevice[] | SimResponse {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return invalidInput('block_device_mapping_v2', raw, `${pyRepr(raw)} is not of type 'array'`);
  const out: PlannedDevice[] = [];
  for (const item of raw) {
    if (!isObject(item)) return invalidInput('block_device_mapping_v2', item, `${pyRepr(item)} is not of type 'object'`);
    const source = item['source_type'] ?? (item['volume_id'] ? 'volume' : item['image_id'] ? 'image' : undefined);
    if (!['volume', 'image', 'snapshot', 'blank'].includes(String(source))) return invalidInput('source_type', source, `${pyRepr(source)} is not one of ['volume', 'image', 'snapshot', 'blank']`);
    const destination = item['destination_type'] ?? (source === 'volume' ? 'volume' : 'local');
    if (destination !== 'volume' && destination !== 'local') return invalidInput('destination_type', destination, `${pyRepr(destination)} is not one of ['local', 'volume']`);
    const uuid = item['uuid'] ?? item['volume_id'] ?? item['image_id'] ?? item['snapshot_id'] ?? null;
    if (source !== 'blank' && (typeof uuid !== 'string' || uuid === '')) return novaError(400, 'Block Device Mapping is Invalid: Missing device UUID.');
    const rawBoot = item['boot_index'];
    const bootIndex = rawBoot === undefined || rawBoot === null ? null : Number(rawBoot);
    if (bootIndex !== null && !Number.isInteger(bootIndex)) return invalidInput('boot_index', rawBoot, `${pyRepr(rawBoot)} does not match '^-?[0-9]+$'`);
    const size = item['volume_size'] === undefined || item['volume_size'] === null ? null : intParam('volume_size', item['volume_size'], 0);
    if (isRefusal(size)) return size;
    const device = item['device_name'];
    if (device !== undefined && (typeof device !== 'string' || !validDevicePath(device.startsWith('/dev/') ? device : `/dev/${device}`))) {
      return invalidInput('device_name', device, `${pyRepr(device)} does not match '^[a-zA-Z0-9._-r/]*$'`);
    }
    const deleteOnTermination = item['delete_on_termination'] === undefined ? false : boolParam('delete_on_termination', item['delete_on_termination']);
    if (isRefusal(deleteOnTermination)) return deleteOnTermination;
    out.push({
      source: source as PlannedDevice['source'], destination, bootIndex: bootIndex !== null && bootIndex < 0 ? null : bootIndex, uuid: (uuid as string | null) ?? null,
      sizeGb: size, deviceName: typeof device === 'string' ? (device.startsWith('/dev/') ? device : `/dev/${device}`) : null,
      deleteOnTermination, tag: typeof item['tag'] === 'string' ? item['tag'] : null,
    });
  }
  return out;
}

// ---- lookups ----------------------------------------------------------------------------------------

/**
 * An AMI-style image boots with the kernel and ramdisk its `kernel_id`/`ramdisk_id` properties
 * name (compute/api.py `_handle_kernel_and_ramdisk`): `nokernel` means none; a named image that
 * the caller cannot find refuses the boot like a missing image.
 */
function kernelAndRamdisk(store: CloudStore, image: Image, projectId: string, admin: boolean): { kernelId: string; ramdiskId: string } | SimResponse {
  const kernel = image.properties['kernel_id'];
  if (kernel === undefined || kernel === 'nokernel') return { kernelId: '', ramdiskId: '' };
  const found = (id: string | undefined): boolean => {
    const referenced = id === undefined ? undefined : store.images.get(id);
    return referenced !== undefined && imageVisible(referenced, projectId, admin);
  };
  const ramdisk = image.properties['ramdisk_id'];
  if (!found(kernel) || (ramdisk !== undefined && !found(ramdisk))) return novaError(400, 'Can not find requested image');
  return { kernelId: kernel, ramdiskId: ramdisk ?? '' };
}

function imageVisible(image: Image, projectId: string, admin: boolean): boolean {
  return admin || image.visibility === 'public' || image.visibility === 'community' || image.ownerId === projectId
    || image.members.some((m) => m.memberId === projectId);
}

function flavorUsable(f: Flavor, projectId: string, admin: boolean): boolean {
  return f.isPublic || admin || f.accessProjectIds.includes(projectId);
}

/** Nova's instance quota check (cores, instances, ram; sorted as Nova sorts the overs). */
function instanceQuotaRefusal(store: CloudStore, projectId: string, flavor: Flavor): SimResponse | undefined {
  const limits = store.quotaFor('compute', projectId);
  const used = store.quotaUsage('compute', projectId);
  const wanted: Record<string, number> = { cores: flavor.vcpus, instances: 1, ram: flavor.ramMb };
  const overs = Object.keys(wanted).filter((k) => (limits[k] ?? -1) >= 0 && (used[k] ?? 0) + (wanted[k] ?? 0) > (limits[k] ?? 0));
  if (overs.length === 0) return undefined;
  const list = (f: (k: string) => number): string => overs.map((k) => String(f(k))).join(', ');
  const names = overs.join(', ');
  return novaError(403, `Quota exceeded for ${names}: Requested ${list((k) => wanted[k] ?? 0)}, but already used ${list((k) => used[k] ?? 0)} of ${list((k) => limits[k] ?? 0)} ${names}`);
}

/** Ports that servers still building have asked for (they are bound only at the networking step). */
const claimedPorts = new WeakMap<CloudStore, Map<string, Set<string>>>();

function claims(store: CloudStore): Map<string, Set<string>> {
  let m = claimedPorts.get(store);
  if (!m) claimedPorts.set(store, (m = new Map()));
  return m;
}

function allClaimed(store: CloudStore): Set<string> {
  return new Set([...claims(store).values()].flatMap((s) => [...s]));
}

function nextInstanceNumber(store: CloudStore): number {
  let max = 0;
  for (const s of store.servers.all()) max = Math.max(max, s.instanceNumber);
  return max + 1;
}

function adminPassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return Array.from({ length: 12 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

// ---- POST /servers ---------------------------------------------------------------------------------

/** Everything the build steps need, fixed at request time. */
interface Build { interfaces: PlannedInterface[]; devices: PlannedDevice[]; groupNames: string[]; groupId: string | undefined; requestedZone: string | undefined }

export function createServer(call: Call): SimResponse {
  const { store, caller } = call;
  const root = call.req.body;
  if (isObject(root)) {
    const extra = unexpectedProperty('root', root, ['server', 'os:scheduler_hints', 'OS-SCH-HNT:scheduler_hints']);
    if (extra) return extra;
  }
  const body = envelope(call, 'server');
  if (isRefusal(body)) return body;
  const required = ['name', 'flavorRef', ...(atLeast(call.v, 2, 37) ? ['networks'] : [])];
  const shapeError = missingProperty('server', body, required) ?? unexpectedProperty('server', body, allowedServerKeys(call)) ?? checkName('name', body['name']);
  if (shapeError) return shapeError;
  const projectId = caller.projectId ?? '';
  const admin = caller.isAdmin;

  const count = [body['min_count'], body['max_count']].map((c) => (c === undefined ? 1 : Number(c)));
  if (count.some((c) => c !== 1)) return novaError(400, 'The simulator boots one server per request (min_count/max_count other than 1).');

  const userData = body['user_data'];
  if (userData !== undefined && userData !== null) {
    if (typeof userData !== 'string' || !isBase64(userData)) return invalidInput('user_data', userData, `${pyRepr(userData)} is not a 'base64'`);
    if (userData.length > 65535) return invalidInput('user_data', userData, `${pyRepr(userData.slice(0, 20))}... is too long`);
  }
  const metadata = body['metadata'] === undefined ? {} : checkMetadata('metadata', body['metadata']);
  if (isRefusal(metadata)) return metadata;
  const tags = body['tags'] === undefined ? [] : checkTags('tags', body['tags']);
  if (isRefusal(tags)) return tags;
  const configDrive = body['config_drive'] === undefined ? false : boolParam('config_drive', body['config_drive']);
  if (isRefusal(configDrive)) return configDrive;
  const description = atLeast(call.v, 2, 19) ? body['description'] ?? null : body['name'];
  if (description !== null && typeof description !== 'string') return invalidInput('description', description, `${pyRepr(description)} is not of type 'string', 'null'`);
  const securityGroups = body['security_groups'];
  if (securityGroups !== undefined && (!Array.isArray(securityGroups) || !securityGroups.every((g) => isObject(g) && typeof g['name'] === 'string'))) {
    return invalidInput('security_groups', securityGroups, `${pyRepr(securityGroups)} is not valid under any of the given schemas`);
  }
  const groupNames = securityGroups === undefined ? ['default'] : [...new Set((securityGroups as JsonObject[]).map((g) => g['name'] as string))];
  const networks = parseNetworks(call, body['networks']);
  if (isRefusal(networks)) return networks;
  const devices = parseDevices(body['block_device_mapping_v2']);
  if (isRefusal(devices)) return devices;
  const hints = isObject(root) ? root['os:scheduler_hints'] ?? root['OS-SCH-HNT:scheduler_hints'] : undefined;
  const groupId = isObject(hints) && typeof hints['group'] === 'string' ? hints['group'] : undefined;

  // Availability zone (zone:host forms are not simulated).
  const requestedZone = typeof body['availability_zone'] === 'string' && body['availability_zone'] !== '' ? body['availability_zone'] : undefined;
  if (requestedZone !== undefined && !store.computeServices.all().some((s) => s.binary === 'nova-compute' && s.zone === requestedZone)) {
    return novaError(400, 'The requested availability zone is not available');
  }

  // Image: imageRef, or a boot-index-0 image mapping; '' only with a block device mapping.
  const imageRef = typeof body['imageRef'] === 'string' ? idFromHref(body['imageRef']) : '';
  const localImage = devices.find((d) => d.bootIndex === 0 && d.source === 'image' && d.destination === 'local');
  const imageId = imageRef || localImage?.uuid || '';
  const volumeDevices = devices.filter((d) => d.destination === 'volume');
  if (imageId === '' && volumeDevices.length === 0) return novaError(400, 'Missing imageRef attribute');
  let image: Image | undefined;
  if (imageId !== '') {
    image = store.images.get(imageId);
    if (!image || !imageVisible(image, projectId, admin)) return novaError(400, 'Can not find requested image');
    if (image.status !== 'active') return novaError(400, `Image ${image.id} is not active.`);
  }
  const bootFiles = image ? kernelAndRamdisk(store, image, projectId, admin) : { kernelId: '', ramdiskId: '' };
  if (isRefusal(bootFiles)) return bootFiles;
  const deviceError = checkDevices(store, devices, imageId, projectId, admin);
  if (deviceError) return novaError(deviceError.status, deviceError.message);

  const flavorId = idFromHref(String(body['flavorRef']));
  const flavor = store.flavors.get(flavorId);
  if (!flavor || !flavorUsable(flavor, projectId, admin)) return novaError(400, `Flavor ${flavorId} could not be found.`);
  if (image && image.minRamMb > flavor.ramMb) return novaError(400, "Flavor's memory is too small for requested image.");
  if (image && image.minDiskGb > flavor.diskGb && flavor.diskGb > 0) {
    return novaError(400, `Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${flavor.diskGb * 1024 ** 3} bytes, minimum size is ${image.minDiskGb * 1024 ** 3} bytes.`);
  }

  const keyName = body['key_name'];
  if (keyName !== undefined && keyName !== null) {
    if (typeof keyName !== 'string' || !store.keypairs.by('user', caller.token.userId).some((k) => k.name === keyName)) {
      return novaError(400, 'Invalid key_name provided.');
    }
  }
  const groups = resolveSecurityGroups(store, projectId, groupNames);
  if ('status' in groups) return novaError(groups.status, groups.message);

  // Networks: explicit list, none, auto, or (before 2.37) the project's only network.
  let requests: NetworkRequest[] = [];
  if (Array.isArray(networks)) requests = networks;
  else if (networks !== 'none') {
    const nets = availableNetworks(store, projectId);
    if (nets.length > 1) return novaError(409, 'Multiple possible networks found, use a Network ID to be more specific.');
    if (nets.length === 1 && nets[0]) requests = [{ kind: 'network', networkId: nets[0].id, fixedIp: undefined }];
    else if (networks === 'auto') return novaError(400, `Unable to automatically allocate a network for project ${projectId}`);
  }
  const interfaces = planInterfaces(store, requests, projectId, admin, allClaimed(store));
  if ('status' in interfaces) return novaError(interfaces.status, interfaces.message);

  const overQuota = instanceQuotaRefusal(store, projectId, flavor) ?? metadataOverQuota(store, projectId, metadata);
  if (overQuota) return overQuota;
  let group = undefined;
  if (groupId !== undefined) {
    group = store.serverGroups.get(groupId);
    if (!group || (!admin && group.projectId !== projectId)) return novaError(400, `Instance group ${groupId} could not be found.`);
    const limit = store.quotaFor('compute', projectId)['server_group_members'] ?? -1;
    if (limit >= 0 && group.members.length >= limit) return novaError(403, 'Quota exceeded, too many servers in group');
  }

  const now = Date.now();
  const server: Server = store.servers.insert({
    id: randomUUID(), name: body['name'] as string, projectId, userId: caller.token.userId, flavorId: flavor.id, imageId: image?.id ?? '',
    keyName: typeof keyName === 'string' ? keyName : null,
    securityGroupNames: [], metadata, tags, host: '', hypervisorHostname: '', availabilityZone: requestedZone ?? '',
    status: 'BUILD', vmState: 'building', taskState: 'scheduling', powerState: POWER_STATE.NOSTATE, instanceNumber: nextInstanceNumber(store),
    description: description as string | null, locked: false, configDrive: configDrive ? 'True' : '', createdAt: now, updatedAt: now, launchedAt: null,
    userData: typeof userData === 'string' ? userData : null, volumeMappings: [], novaPortIds: [], fault: null, ...bootFiles,
  });
  if (group) store.serverGroups.update(group, (g) => { g.members = [...g.members, server.id]; });
  reserveDevices(store, server, devices);
  const portIds = interfaces.flatMap((i) => (i.kind === 'port' ? [i.port.id] : []));
  if (portIds.length > 0) claims(store).set(server.id, new Set(portIds));
  const build: Build = { interfaces, devices, groupNames: groups.names, groupId: group?.id, requestedZone };
  call.ctx.lifecycle.later('server', server.name, () => schedule(call.ctx, server, build));

  const password = typeof body['adminPass'] === 'string' ? body['adminPass'] : adminPassword();
  const location = links(call, `servers/${server.id}`)[0]?.href ?? '';
  return json(202, {
    server: {
      id: server.id, links: links(call, `servers/${server.id}`), 'OS-DCF:diskConfig': body['OS-DCF:diskConfig'] === 'AUTO' ? 'AUTO' : 'MANUAL',
      security_groups: securityGroups ?? [{ name: 'default' }], adminPass: password,
    },
  }, { location });
}

// ---- the build ------------------------------------------------------------------------------------

/** True while `server` is still the live row and in the task state a build step expects. */
function stillBuilding(store: CloudStore, server: Server, taskState: string): boolean {
  return store.servers.get(server.id) === server && server.vmState === 'building' && server.taskState === taskState;
}

function touch(server: Server, change: Partial<Server>): void {
  Object.assign(server, change, { updatedAt: Date.now() });
}

/** What one hypervisor still has room for, with Zed's allocation ratios. */
function fits(store: CloudStore, h: Hypervisor, flavor: Flavor, bootFromVolume: boolean): { ok: boolean; freeRamMb: number } {
  const used = store.hostUsage(h.host);
  const freeRamMb = (h.memoryMb - RESERVED_HOST_MEMORY_MB) * RAM_ALLOCATION_RATIO - used.memoryMb;
  const freeVcpus = h.vcpus * CPU_ALLOCATION_RATIO - used.vcpus;
  const freeDiskGb = h.localGb - used.localGb;
  const disk = (bootFromVolume ? 0 : flavor.diskGb) + flavor.ephemeralGb;
  return { ok: freeRamMb >= flavor.ramMb && freeVcpus >= flavor.vcpus && freeDiskGb >= disk, freeRamMb };
}

/**
 * Nova's scheduler, reduced to what matters here: an enabled, up nova-compute in the zone with room
 * for the flavor, honouring (anti-)affinity groups; among those, the host with the most free RAM
 * (the default RAM weigher spreads).
 */
function pickHost(store: CloudStore, server: Server, flavor: Flavor, build: Build): { host: Hypervisor; zone: string } | undefined {
  const group = build.groupId ? store.serverGroups.get(build.groupId) : undefined;
  const peerHosts = new Set((group?.members ?? []).filter((id) => id !== server.id).map((id) => store.servers.get(id)?.host).filter((h): h is string => !!h));
  let best: { host: Hypervisor; zone: string; freeRamMb: number } | undefined;
  for (const h of store.hypervisors.all()) {
    const service = store.computeServices.by('host', h.host).find((s) => s.binary === 'nova-compute');
    if (!service || service.status !== 'enabled' || service.state !== 'up' || service.forcedDown || h.state !== 'up') continue;
    if (build.requestedZone !== undefined && service.zone !== build.requestedZone) continue;
    if (group?.policy === 'anti-affinity' && peerHosts.has(h.host)) continue;
    if (group?.policy === 'affinity' && peerHosts.size > 0 && !peerHosts.has(h.host)) continue;
    const room = fits(store, h, flavor, server.imageId === '');
    if (!room.ok) continue;
    if (!best || room.freeRamMb > best.freeRamMb) best = { host: h, zone: service.zone, freeRamMb: room.freeRamMb };
  }
  return best;
}

function failBuild(store: CloudStore, server: Server, message: string): void {
  claims(store).delete(server.id);
  releaseReservations(store, server);
  touch(server, { status: 'ERROR', vmState: 'error', taskState: null, powerState: POWER_STATE.NOSTATE, fault: { code: 500, message, createdAt: Date.now() } });
}

/** scheduling → networking: a host is chosen (or the build fails) and the ports are bound to it. */
function schedule(ctx: ServiceContext, server: Server, build: Build): void {
  const store = ctx.store;
  if (!stillBuilding(store, server, 'scheduling')) return;
  const flavor = store.flavors.get(server.flavorId);
  const placement = flavor ? pickHost(store, server, flavor, build) : undefined;
  if (!placement) {
    failBuild(store, server, 'No valid host was found. There are not enough hosts available.');
    return;
  }
  store.servers.update(server, (s) => {
    s.host = placement.host.host;
    s.hypervisorHostname = placement.host.hostname;
    s.availabilityZone = placement.zone;
  });
  touch(server, { taskState: 'networking' });
  const exhausted = plugInterfaces(store, server, build.interfaces, build.groupNames);
  claims(store).delete(server.id);
  if (exhausted) {
    failBuild(store, server, `Build of instance ${server.id} aborted: ${exhausted}`);
    return;
  }
  server.securityGroupNames = portGroupNames(store, store.serverPorts(server.id));
  ctx.lifecycle.later('server', server.name, () => spawn(ctx, server, build));
}

/** networking → spawning: block devices are created and attaching. */
function spawn(ctx: ServiceContext, server: Server, build: Build): void {
  const store = ctx.store;
  if (!stillBuilding(store, server, 'networking')) return;
  const copied = prepareDevices(store, server, build.devices);
  touch(server, { taskState: 'spawning' });
  ctx.lifecycle.later('server', server.name, () => activate(ctx, server), 1, copied);
}

/** spawning → ACTIVE: running, ports ACTIVE, volumes in-use. */
function activate(ctx: ServiceContext, server: Server): void {
  const store = ctx.store;
  if (!stillBuilding(store, server, 'spawning')) return;
  activatePorts(store, server);
  attachAll(store, server);
  const now = Date.now();
  touch(server, { status: 'ACTIVE', vmState: 'active', taskState: null, powerState: POWER_STATE.RUNNING, launchedAt: now });
}

// ---- PUT /servers/{id} ----------------------------------------------------------------------------

/** Keys of the server update schema (servers.py `update`, by microversion). */
function updatableKeys(call: Call): string[] {
  return ['name', 'accessIPv4', 'accessIPv6', 'OS-DCF:diskConfig', ...(atLeast(call.v, 2, 19) ? ['description'] : []), ...(atLeast(call.v, 2, 90) ? ['hostname'] : [])];
}

/** Fields Nova leaves out of the update answer (servers.py `update` builds a reduced view). */
const NOT_IN_UPDATE_VIEW = /^(OS-EXT-|OS-SRV-USG:|os-extended-volumes:|security_groups$|key_name$|config_drive$|host_status$|server_groups$)/;

/** PUT /servers/{id} {server: {name?, description? (2.19+)}} → 200 with the server. */
export function updateServer(call: Call, render: (s: Server) => Record<string, unknown>): SimResponse {
  const server = visibleServer(call);
  if (!server) return serverNotFound(call);
  const body = envelope(call, 'server');
  if (isRefusal(body)) return body;
  const shapeError = unexpectedProperty('server', body, updatableKeys(call)) ?? (body['name'] === undefined ? undefined : checkName('name', body['name']));
  if (shapeError) return shapeError;
  const description = body['description'];
  if (description !== undefined && description !== null && (typeof description !== 'string' || description.length > 255)) {
    return invalidInput('description', description, `${pyRepr(description)} is not of type 'string', 'null'`);
  }
  if (server.locked && !call.caller.isAdmin) return novaError(409, `Instance ${server.id} is locked`);
  const name = typeof body['name'] === 'string' ? body['name'] : server.name;
  call.store.servers.update(server, (s) => {
    s.name = name;
    if (description !== undefined) s.description = description as string | null;
  });
  touch(server, {});
  const view = Object.fromEntries(Object.entries(render(server)).filter(([k]) => !NOT_IN_UPDATE_VIEW.test(k)));
  return json(200, { server: view });
}

// ---- DELETE /servers/{id} -------------------------------------------------------------------------

/** DELETE /servers/{id} → 204; the server shows task `deleting`, then is gone and its resources released. */
export function deleteServer(call: Call): SimResponse {
  const server = visibleServer(call);
  if (!server) return serverNotFound(call);
  if (server.locked && !call.caller.isAdmin) return novaError(409, `Instance ${server.id} is locked`);
  touch(server, { taskState: 'deleting' });
  call.ctx.lifecycle.later('server', server.name, () => destroy(call.ctx.store, server));
  return noContent(204);
}

function destroy(store: CloudStore, server: Server): void {
  if (store.servers.get(server.id) !== server) return;
  claims(store).delete(server.id);
  releaseInterfaces(store, server);
  releaseDevices(store, server);
  for (const g of [...store.serverGroups.by('member', server.id)]) store.serverGroups.update(g, (x) => { x.members = x.members.filter((m) => m !== server.id); });
  store.servers.delete(server.id);
}
