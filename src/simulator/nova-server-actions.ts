/**
 * Writes on an existing server: `POST /servers/{id}/action` (os-stop, os-start, lock, unlock,
 * reboot, createImage, addSecurityGroup, removeSecurityGroup), tags (2.26+), metadata and volume
 * attachments. State checks and their 409s follow nova/compute/api.py's `check_instance_state`;
 * the work a compute host does is a lifecycle transition ('server' kind, or 'image' for a
 * snapshot upload), so `hang` faults hold it.
 */
import { randomUUID } from 'node:crypto';
import { json, webobHtml, type SimResponse } from './http.js';
import { atLeast } from './microversion.js';
import {
  checkName, envelope, forbidden, invalidInput, isObject, isRefusal, missingProperty, noContent, novaError, pyRepr, serverNotFound,
  unexpectedProperty, visibleServer, type Call, type JsonObject,
} from './nova-common.js';
import { checkMetadata, checkTags, metadataOverQuota } from './nova-servers.js';
import { activatePorts, portGroupNames } from './nova-ports.js';
import {
  attachVolume, blobsOf, detachVolume, devicesInUse, nextDevice, snapshotVolumes, validDevicePath, visibleVolume, volumeUnavailable,
} from './nova-volumes.js';
import { POWER_STATE, type CloudStore, type Image, type Server } from './store.js';

/** Nova's wording when an action meets the wrong state (common.raise_http_conflict_for_instance_invalid_state). */
export function invalidState(server: Server, action: string, attr: 'vm_state' | 'task_state' = 'vm_state'): SimResponse {
  const state = attr === 'vm_state' ? server.vmState : server.taskState;
  return novaError(409, `Cannot '${action}' instance ${server.id} while it is in ${attr} ${state ?? 'None'}`);
}

/** `check_instance_state(vm_state=allowed, task_state=[None])`. */
export function requireState(server: Server, action: string, allowed: readonly string[]): SimResponse | undefined {
  if (!allowed.includes(server.vmState)) return invalidState(server, action);
  if (server.taskState !== null) return invalidState(server, action, 'task_state');
  return undefined;
}

function touch(server: Server, change: Partial<Server>): void {
  Object.assign(server, change, { updatedAt: Date.now() });
}

function live(store: CloudStore, server: Server): boolean {
  return store.servers.get(server.id) === server;
}

// ---- power actions --------------------------------------------------------------------------------

function stop(call: Call, server: Server): SimResponse {
  const refused = requireState(server, 'stop', ['active', 'error']);
  if (refused) return refused;
  touch(server, { taskState: 'powering-off' });
  call.ctx.lifecycle.later('server', server.name, () => {
    if (!live(call.store, server) || server.taskState !== 'powering-off') return;
    touch(server, { status: 'SHUTOFF', vmState: 'stopped', taskState: null, powerState: POWER_STATE.SHUTDOWN });
  });
  return noContent(202);
}

function start(call: Call, server: Server): SimResponse {
  const refused = requireState(server, 'start', ['stopped']);
  if (refused) return refused;
  touch(server, { taskState: 'powering-on' });
  call.ctx.lifecycle.later('server', server.name, () => {
    if (!live(call.store, server) || server.taskState !== 'powering-on') return;
    activatePorts(call.store, server);
    touch(server, { status: 'ACTIVE', vmState: 'active', taskState: null, powerState: POWER_STATE.RUNNING });
  });
  return noContent(202);
}

/**
 * lock / unlock (lock_server.py): no state check; a lock set by an admin can be lifted only by an
 * admin (the `unlock_override` policy: 403).
 */
function setLock(call: Call, server: Server, locked: boolean): SimResponse {
  if (!locked && server.locked && server.lockedByAdmin && !call.caller.isAdmin) {
    return forbidden('os_compute_api:os-lock-server:unlock:unlock_override');
  }
  touch(server, { locked, lockedByAdmin: locked && call.caller.isAdmin });
  return noContent(202);
}

function reboot(call: Call, server: Server, args: unknown): SimResponse {
  if (!isObject(args)) return invalidInput('reboot', args, `${pyRepr(args)} is not of type 'object'`);
  const type = String(args['type'] ?? '').toUpperCase();
  if (type !== 'SOFT' && type !== 'HARD') return invalidInput('type', args['type'], `${pyRepr(args['type'])} is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']`);
  const hard = type === 'HARD';
  const refused = hard ? (['active', 'stopped', 'paused', 'suspended', 'error'].includes(server.vmState) ? undefined : invalidState(server, 'reboot'))
    : requireState(server, 'reboot', ['active']);
  if (refused) return refused;
  const task = hard ? 'reboot_started_hard' : 'reboot_started';
  touch(server, { status: hard ? 'HARD_REBOOT' : 'REBOOT', taskState: task });
  call.ctx.lifecycle.later('server', server.name, () => {
    if (!live(call.store, server) || server.taskState !== task) return;
    touch(server, { status: 'ACTIVE', vmState: 'active', taskState: null, powerState: POWER_STATE.RUNNING });
  });
  return noContent(202);
}

// ---- createImage ------------------------------------------------------------------------------------

/**
 * Properties Nova gives a snapshot (compute/utils.py create_image): the base image's properties
 * (minus Glance-reserved ones), where it came from, and the request's metadata on top.
 */
function snapshotProperties(call: Call, server: Server, base: Image | undefined, metadata: Record<string, string>): Record<string, string> {
  const user = call.store.users.get(call.caller.token.userId);
  const project = call.store.projects.get(call.caller.projectId ?? '');
  const props: Record<string, string> = {
    ...(base?.properties ?? {}),
    ...(base ? { base_image_ref: base.id } : {}),
    owner_user_name: user?.name ?? '', owner_project_name: project?.name ?? '', boot_roles: call.caller.roleNames.join(','),
    instance_uuid: server.id, user_id: call.caller.token.userId, image_type: 'snapshot',
  };
  // Nova shares a snapshot taken by another project with the server's owner.
  if (server.projectId !== call.caller.projectId) props['instance_owner'] = server.projectId;
  return { ...props, ...metadata };
}

function newImage(call: Call, server: Server, name: string, spec: Partial<Image> & { properties: Record<string, string> }): Image {
  const now = Date.now();
  const ownerId = call.caller.projectId ?? server.projectId;
  const shared = ownerId !== server.projectId;
  return call.store.images.insert({
    id: randomUUID(), name, ownerId, visibility: shared ? 'shared' : 'private', status: 'queued', sizeBytes: null, virtualSizeBytes: null,
    diskFormat: 'qcow2', containerFormat: 'bare', checksum: null, osHashAlgo: null, osHashValue: null, minRamMb: 0, minDiskGb: 0,
    protected: false, hidden: false, tags: [], createdAt: now, updatedAt: now,
    members: shared ? [{ memberId: server.projectId, status: 'pending', createdAt: now, updatedAt: now }] : [],
    ...spec,
  });
}

/** Image-backed: the disk is uploaded (queued → saving → active) while the server shows `image_snapshot`. */
function snapshotLocalDisk(call: Call, server: Server, name: string, metadata: Record<string, string>): Image {
  const store = call.store;
  const base = store.images.get(server.imageId);
  const flavor = store.flavors.get(server.flavorId);
  const image = newImage(call, server, name, {
    properties: snapshotProperties(call, server, base, metadata), diskFormat: base?.diskFormat ?? 'qcow2', containerFormat: base?.containerFormat ?? 'bare',
    minRamMb: base?.minRamMb ?? 0, minDiskGb: Math.max(base?.minDiskGb ?? 0, flavor?.diskGb ?? 0),
  });
  touch(server, { taskState: 'image_snapshot' });
  call.ctx.lifecycle.later('image', image.name, () => {
    if (!store.images.get(image.id)) return;
    image.status = 'saving';
    image.updatedAt = Date.now();
    // The compute host uploads the whole disk to Glance: that takes the cloud's bandwidth.
    call.ctx.lifecycle.later('image', image.name, () => {
      finishUpload(store, server, image, base).catch(() => {
        // Glance marks an image whose upload failed `killed`; the server's task ends either way.
        image.status = 'killed';
        if (live(store, server) && server.taskState === 'image_snapshot') touch(server, { taskState: null });
      });
    }, 1, base?.sizeBytes ?? 0);
  });
  return image;
}

/** The uploaded bytes are the server's disk: here, a copy of the image it booted from. */
async function finishUpload(store: CloudStore, server: Server, image: Image, base: Image | undefined): Promise<void> {
  if (!store.images.get(image.id)) return;
  const blobs = blobsOf(store);
  const from = `image:${base?.id ?? ''}`;
  let info: { size: number; md5: string; sha512: string } | undefined;
  if (blobs && base && blobs.has(from)) {
    blobs.copy(from, `image:${image.id}`);
    info = await blobs.info(`image:${image.id}`);
  }
  Object.assign(image, {
    status: 'active', sizeBytes: info?.size ?? base?.sizeBytes ?? 0, virtualSizeBytes: base?.virtualSizeBytes ?? info?.size ?? null,
    checksum: info?.md5 ?? base?.checksum ?? null, osHashAlgo: 'sha512', osHashValue: info?.sha512 ?? base?.osHashValue ?? null, updatedAt: Date.now(),
  });
  if (live(store, server) && server.taskState === 'image_snapshot') touch(server, { taskState: null });
}

/**
 * Boot-from-volume: no disk upload. Nova snapshots each volume in Cinder and creates an active,
 * zero-size image whose `block_device_mapping` property points at those snapshots.
 */
function snapshotVolumeBacked(call: Call, server: Server, name: string, metadata: Record<string, string>): Image {
  const store = call.store;
  const { snapshotIds, mapping } = snapshotVolumes(store, server, name, { projectId: call.caller.projectId ?? server.projectId, userId: call.caller.token.userId });
  for (const id of snapshotIds) {
    const snapshot = store.snapshots.get(id);
    if (!snapshot) continue;
    call.ctx.lifecycle.later('snapshot', snapshot.name, () => {
      snapshot.status = 'available';
      snapshot.updatedAt = Date.now();
    });
  }
  const root = (server.volumeMappings ?? []).find((m) => m.bootIndex === 0);
  const rootVolume = root ? store.volumes.get(root.volumeId) : undefined;
  const imageProps = rootVolume?.imageId ? store.images.get(rootVolume.imageId)?.properties ?? {} : {};
  const properties = {
    ...snapshotProperties(call, server, undefined, {}), ...imageProps, root_device_name: '/dev/vda',
    ...(mapping.length > 0 ? { block_device_mapping: JSON.stringify(mapping), bdm_v2: 'True' } : {}), ...metadata,
  };
  // An empty upload activates it: size 0 and the md5/sha512 of no bytes.
  return newImage(call, server, name, {
    properties, status: 'active', sizeBytes: 0, virtualSizeBytes: 0, checksum: 'd41d8cd98f00b204e9800998ecf8427e', osHashAlgo: 'sha512',
    osHashValue: 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  });
}

function createImage(call: Call, server: Server, args: unknown): SimResponse {
  if (!isObject(args)) return invalidInput('createImage', args, `${pyRepr(args)} is not of type 'object'`);
  const shapeError = missingProperty('createImage', args, ['name']) ?? unexpectedProperty('createImage', args, ['name', 'metadata']) ?? checkName('name', args['name']);
  if (shapeError) return shapeError;
  const metadata = args['metadata'] === undefined ? {} : checkMetadata('metadata', args['metadata']);
  if (isRefusal(metadata)) return metadata;
  const refused = requireState(server, 'createImage', ['active', 'stopped', 'paused', 'suspended']);
  if (refused) return refused;
  const name = (args['name'] as string).trim();
  const volumeBacked = server.imageId === '';
  const image = volumeBacked ? snapshotVolumeBacked(call, server, name, metadata) : snapshotLocalDisk(call, server, name, metadata);
  if (atLeast(call.v, 2, 45)) return json(202, { image_id: image.id });
  return { status: 202, headers: { location: `${call.ctx.origin()}/image/v2/images/${image.id}` } };
}

// ---- security groups --------------------------------------------------------------------------------

function changeSecurityGroup(call: Call, server: Server, args: unknown, add: boolean): SimResponse {
  const action = add ? 'addSecurityGroup' : 'removeSecurityGroup';
  if (!isObject(args) || typeof args['name'] !== 'string' || args['name'] === '') return invalidInput(action, args, `'name' is a required property`);
  const name = args['name'];
  const store = call.store;
  const group = store.securityGroups.by('project', server.projectId).find((g) => g.id === name || g.name === name);
  if (!group) return novaError(404, `Security group ${name} not found for project ${server.projectId}.`);
  const ports = store.serverPorts(server.id);
  const member = ports.some((p) => p.securityGroupIds.includes(group.id));
  if (add && member) return novaError(400, `Security group ${name} is already associated with the instance ${server.id}`);
  if (!add && !member) return novaError(400, `Security group ${name} not associated with the instance ${server.id}`);
  for (const p of ports) {
    p.securityGroupIds = add ? [...new Set([...p.securityGroupIds, group.id])] : p.securityGroupIds.filter((id) => id !== group.id);
  }
  server.securityGroupNames = portGroupNames(store, ports);
  return noContent(202);
}

/** POST /servers/{id}/action: exactly one action key. */
export function serverAction(call: Call): SimResponse {
  const server = visibleServer(call);
  if (!server) return serverNotFound(call);
  const body = call.req.body;
  const keys = isObject(body) ? Object.keys(body) : [];
  const action = keys[0];
  if (action === undefined || keys.length !== 1) return novaError(400, 'Malformed request body');
  const args = (body as JsonObject)[action];
  switch (action) {
    case 'os-stop': return stop(call, server);
    case 'os-start': return start(call, server);
    case 'lock': return setLock(call, server, true);
    case 'unlock': return setLock(call, server, false);
    case 'reboot': return reboot(call, server, args);
    case 'createImage': return createImage(call, server, args);
    case 'addSecurityGroup': return changeSecurityGroup(call, server, args, true);
    case 'removeSecurityGroup': return changeSecurityGroup(call, server, args, false);
    default: return novaError(400, `There is no such action: ${action}`);
  }
}

// ---- tags (2.26+) -------------------------------------------------------------------------------------

/** vm_states in which Nova lets tags and metadata change (server_tags.py, compute/api.py). */
const EDITABLE_STATES = ['active', 'paused', 'suspended', 'stopped'];

/** Tags only look at the vm_state; metadata writes also need no task in progress. */
function editable(server: Server, action: string): SimResponse | undefined {
  if (!EDITABLE_STATES.includes(server.vmState)) return invalidState(server, action);
  if (action.endsWith('metadata') && server.taskState !== null) return invalidState(server, action, 'task_state');
  return undefined;
}

function taggedServer(call: Call): Server | SimResponse {
  if (!atLeast(call.v, 2, 26)) return webobHtml(404, 'Not Found', 'The resource could not be found.');
  return visibleServer(call) ?? serverNotFound(call);
}

/** PUT /servers/{id}/tags {tags} → 200 with the new list (replaces). */
export function replaceTags(call: Call): SimResponse {
  const server = taggedServer(call);
  if (!('id' in server)) return server;
  const body = call.req.body;
  if (!isObject(body) || body['tags'] === undefined) return invalidInput('root', body ?? {}, "'tags' is a required property");
  const tags = checkTags('tags', body['tags']);
  if (isRefusal(tags)) return tags;
  const refused = editable(server, 'update tags');
  if (refused) return refused;
  touch(server, { tags });
  return json(200, { tags: [...tags] });
}

/** DELETE /servers/{id}/tags → 204. */
export function deleteAllTags(call: Call): SimResponse {
  const server = taggedServer(call);
  if (!('id' in server)) return server;
  const refused = editable(server, 'delete tags');
  if (refused) return refused;
  touch(server, { tags: [] });
  return noContent(204);
}

/** GET /servers/{id}/tags/{tag} → 204 or 404. */
export function checkTag(call: Call): SimResponse {
  const server = taggedServer(call);
  if (!('id' in server)) return server;
  const tag = call.req.params['tag'] ?? '';
  return server.tags.includes(tag) ? noContent(204) : novaError(404, `Server ${server.id} has no tag '${tag}'`);
}

/** PUT /servers/{id}/tags/{tag} → 201 with Location when added, 204 when already there. */
export function addTag(call: Call): SimResponse {
  const server = taggedServer(call);
  if (!('id' in server)) return server;
  const tag = call.req.params['tag'] ?? '';
  const checked = checkTags('tag', [tag]);
  if (isRefusal(checked)) return invalidInput('tag', tag, `${pyRepr(tag)} does not match '^[^,/]*$'`);
  const refused = editable(server, 'update tag');
  if (refused) return refused;
  if (server.tags.includes(tag)) return noContent(204);
  if (server.tags.length >= 50) return novaError(400, `The number of tags exceeded the per-server limit 50`);
  touch(server, { tags: [...server.tags, tag] });
  const location = `${call.ctx.origin()}/compute/v2.1/servers/${server.id}/tags/${encodeURIComponent(tag)}`;
  return { status: 201, headers: { location } };
}

/** DELETE /servers/{id}/tags/{tag} → 204 or 404. */
export function deleteTag(call: Call): SimResponse {
  const server = taggedServer(call);
  if (!('id' in server)) return server;
  const tag = call.req.params['tag'] ?? '';
  const refused = editable(server, 'delete tag');
  if (refused) return refused;
  if (!server.tags.includes(tag)) return novaError(404, `Instance ${server.id} has no tag '${tag}'`);
  touch(server, { tags: server.tags.filter((t) => t !== tag) });
  return noContent(204);
}

// ---- metadata -------------------------------------------------------------------------------------------

const noMetadataItem = (): SimResponse => novaError(404, 'Metadata item was not found');

/** POST (merge) or PUT (replace) /servers/{id}/metadata {metadata} → 200 with all metadata. */
export function writeMetadata(replace: boolean) {
  return (call: Call): SimResponse => {
    const server = visibleServer(call);
    if (!server) return serverNotFound(call);
    const body = envelope(call, 'metadata');
    if (isRefusal(body)) return body;
    const metadata = checkMetadata('metadata', body);
    if (isRefusal(metadata)) return metadata;
    const refused = editable(server, 'update metadata');
    if (refused) return refused;
    const next = replace ? metadata : { ...server.metadata, ...metadata };
    const overQuota = metadataOverQuota(call.store, server.projectId, next);
    if (overQuota) return overQuota;
    touch(server, { metadata: next });
    return json(200, { metadata: { ...next } });
  };
}

/** GET /servers/{id}/metadata/{key} → {meta: {key: value}}. */
export function showMetadataItem(call: Call): SimResponse {
  const server = visibleServer(call);
  if (!server) return serverNotFound(call);
  const key = call.req.params['key'] ?? '';
  return key in server.metadata ? json(200, { meta: { [key]: server.metadata[key] } }) : noMetadataItem();
}

/** PUT /servers/{id}/metadata/{key} {meta: {key: value}} → 200. */
export function putMetadataItem(call: Call): SimResponse {
  const server = visibleServer(call);
  if (!server) return serverNotFound(call);
  const meta = envelope(call, 'meta');
  if (isRefusal(meta)) return meta;
  const checked = checkMetadata('meta', meta);
  if (isRefusal(checked)) return checked;
  const key = call.req.params['key'] ?? '';
  if (!(key in checked)) return novaError(400, 'Request body and URI mismatch');
  if (Object.keys(checked).length > 1) return novaError(400, 'Request body contains too many items');
  const refused = editable(server, 'update metadata');
  if (refused) return refused;
  const next = { ...server.metadata, [key]: checked[key] ?? '' };
  const overQuota = metadataOverQuota(call.store, server.projectId, next);
  if (overQuota) return overQuota;
  touch(server, { metadata: next });
  return json(200, { meta: { [key]: checked[key] } });
}

/** DELETE /servers/{id}/metadata/{key} → 204. */
export function deleteMetadataItem(call: Call): SimResponse {
  const server = visibleServer(call);
  if (!server) return serverNotFound(call);
  const key = call.req.params['key'] ?? '';
  if (!(key in server.metadata)) return noMetadataItem();
  const refused = editable(server, 'delete metadata');
  if (refused) return refused;
  const { [key]: _gone, ...rest } = server.metadata;
  touch(server, { metadata: rest });
  return noContent(204);
}

// ---- volume attachments ------------------------------------------------------------------------------

/** vm_states Nova attaches and detaches volumes in. */
const ATTACH_STATES = ['active', 'paused', 'stopped', 'resized', 'soft-delete', 'shelved', 'shelved_offloaded'];

/** POST /servers/{id}/os-volume_attachments {volumeAttachment} → 200; the volume is `attaching`, then `in-use`. */
export function attachVolumeToServer(call: Call): SimResponse {
  const server = visibleServer(call);
  if (!server) return serverNotFound(call);
  const body = envelope(call, 'volumeAttachment');
  if (isRefusal(body)) return body;
  const v = call.v;
  const allowed = ['volumeId', 'device', ...(atLeast(v, 2, 49) ? ['tag'] : []), ...(atLeast(v, 2, 79) ? ['delete_on_termination'] : [])];
  const shapeError = missingProperty('volumeAttachment', body, ['volumeId']) ?? unexpectedProperty('volumeAttachment', body, allowed);
  if (shapeError) return shapeError;
  const volumeId = String(body['volumeId']);
  const device = body['device'] === undefined || body['device'] === null ? undefined : String(body['device']);
  if (device !== undefined && !validDevicePath(device)) return novaError(400, `The supplied device path (${device}) is invalid.`);
  const volume = visibleVolume(call.store, volumeId, call.caller.projectId ?? '', call.caller.isAdmin);
  if (!volume) return novaError(404, `Volume ${volumeId} could not be found.`);
  if (!ATTACH_STATES.includes(server.vmState) || server.taskState !== null) return invalidState(server, 'attach_volume');
  if ((server.volumeMappings ?? []).some((m) => m.volumeId === volumeId)) return novaError(400, `Invalid volume: volume ${volumeId} already attached`);
  const why = volumeUnavailable(volume);
  if (why) return novaError(400, why);
  const taken = devicesInUse(call.store, server);
  if (device !== undefined && taken.has(device)) return novaError(409, `The supplied device path (${device}) is in use.`);
  const deleteOnTermination = body['delete_on_termination'] === true;
  const tag = typeof body['tag'] === 'string' ? body['tag'] : null;
  const mapping = { id: randomUUID(), volumeId, device: device ?? nextDevice(taken), bootIndex: null, deleteOnTermination, tag };
  server.volumeMappings = [...(server.volumeMappings ?? []), mapping];
  volume.status = 'attaching';
  call.ctx.lifecycle.later('volume', volume.name, () => {
    if (live(call.store, server) && (server.volumeMappings ?? []).includes(mapping)) attachVolume(call.store, server, mapping);
  });
  return json(200, {
    volumeAttachment: {
      id: volumeId, serverId: server.id, volumeId, device: mapping.device,
      ...(atLeast(v, 2, 70) ? { tag } : {}), ...(atLeast(v, 2, 79) ? { delete_on_termination: deleteOnTermination } : {}),
    },
  });
}

/** DELETE /servers/{id}/os-volume_attachments/{volumeId} → 202; `detaching`, then `available`. */
export function detachVolumeFromServer(call: Call): SimResponse {
  const server = visibleServer(call);
  if (!server) return serverNotFound(call);
  const volumeId = call.req.params['volume'] ?? '';
  const volume = visibleVolume(call.store, volumeId, call.caller.projectId ?? '', call.caller.isAdmin);
  if (!volume) return novaError(404, `Volume ${volumeId} could not be found.`);
  const mapping = (server.volumeMappings ?? []).find((m) => m.volumeId === volumeId);
  const attached = volume.attachments.some((a) => a.serverId === server.id);
  if (!mapping && !attached) return novaError(404, `Instance ${server.id} is not attached to volume ${volumeId}`);
  if (mapping?.bootIndex === 0 || (server.imageId === '' && volume.attachments.find((a) => a.serverId === server.id)?.device === '/dev/vda')) {
    return novaError(400, 'Cannot detach a root device volume');
  }
  if (!ATTACH_STATES.includes(server.vmState) || server.taskState !== null) return invalidState(server, 'detach_volume');
  volume.status = 'detaching';
  call.ctx.lifecycle.later('volume', volume.name, () => {
    if (live(call.store, server)) detachVolume(call.store, server, volumeId);
  });
  return noContent(202);
}

/** GET /servers/{id}/os-volume_attachments/{volumeId}. */
export function showVolumeAttachment(call: Call, render: (server: Server) => unknown[]): SimResponse {
  const server = visibleServer(call);
  if (!server) return serverNotFound(call);
  const volumeId = call.req.params['volume'] ?? '';
  const found = render(server).find((a) => isObject(a) && a['volumeId'] === volumeId);
  return found ? json(200, { volumeAttachment: found }) : novaError(404, `Instance ${server.id} is not attached to volume ${volumeId}`);
}
