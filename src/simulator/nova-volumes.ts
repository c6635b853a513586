/**
 * What Nova asks of Cinder for a server's block devices (nova/compute/api.py, nova/volume):
 * checking `block_device_mapping_v2` at boot, reserving, creating and attaching volumes,
 * detaching or deleting them when the server goes, and the volume snapshots behind a
 * boot-from-volume `createImage`.
 *
 * Rows are written straight into the store so Cinder's read side shows the same facts:
 * a reserved volume is `reserved`, an attached one `in-use` with an attachment naming the server,
 * host and device, and Nova's own record of it is a `ServerVolumeMapping` on the server.
 */
import { randomUUID } from 'node:crypto';
import type { CloudStore, Server, ServerVolumeMapping, Volume } from './store.js';
import type { Refused } from './nova-ports.js';

/** One `block_device_mapping_v2` entry after validation. */
export interface PlannedDevice {
  source: 'volume' | 'image' | 'blank' | 'snapshot';
  destination: 'volume' | 'local';
  bootIndex: number | null;
  /** The existing volume (source volume), the image or snapshot id (other sources). */
  uuid: string | null;
  sizeGb: number | null;
  deviceName: string | null;
  deleteOnTermination: boolean;
  tag: string | null;
}

/** The part of blobs.ts's BlobStore that Nova uses (`image:<id>`, `volume:<id>` keys). */
interface BlobCopies {
  has(key: string): boolean;
  copy(fromKey: string, toKey: string): void;
  delete(key: string): void;
  info(key: string): Promise<{ size: number; md5: string; sha512: string } | undefined>;
}

/** The cloud's image and volume bytes, when its store keeps them. */
export function blobsOf(store: CloudStore): BlobCopies | undefined {
  return store.blobs;
}

/** Device names Nova's libvirt driver hands out: vda is the root disk. */
export function nextDevice(taken: ReadonlySet<string>): string {
  for (let i = 1; i < 26; i++) {
    const name = `/dev/vd${String.fromCharCode(97 + i)}`;
    if (!taken.has(name)) return name;
  }
  return '/dev/vdz';
}

/** Nova's `block_device.match_device`: `/dev/` + a bus prefix + letters (+ a partition number). */
export function validDevicePath(device: string): boolean {
  return /^\/dev\/x?[a-z]?d?[a-z]+[0-9]*$/.test(device);
}

/** Devices a server already uses: the root disk, flavor ephemeral/swap disks and its volumes. */
export function devicesInUse(store: CloudStore, server: Server): Set<string> {
  const taken = new Set<string>(['/dev/vda']);
  const flavor = store.flavors.get(server.flavorId);
  if (server.imageId !== '' && flavor) {
    if (flavor.ephemeralGb > 0) taken.add(nextDevice(taken));
    if (flavor.swapMb > 0) taken.add(nextDevice(taken));
  }
  for (const m of server.volumeMappings ?? []) taken.add(m.device);
  for (const v of store.serverVolumes(server.id)) for (const a of v.attachments) if (a.serverId === server.id) taken.add(a.device);
  return taken;
}

/** Why a volume cannot be attached now, in Nova's words; undefined when it can. */
export function volumeUnavailable(volume: Volume): string | undefined {
  if (volume.attachments.length > 0 && !volume.multiattach) {
    return `Invalid volume: volume ${volume.id} is already attached to instances: ${volume.attachments.map((a) => a.serverId).join(' ')}`;
  }
  if (volume.status !== 'available') {
    // Cinder refuses the attachment; Nova wraps its message.
    return `Invalid volume: Invalid input received: Invalid volume: Volume ${volume.id} status must be available or downloading to reserve, but the current status is ${volume.status}. (HTTP 400)`;
  }
  return undefined;
}

/** A volume the caller may use: its own project's, or any for an admin. */
export function visibleVolume(store: CloudStore, id: string, projectId: string, admin: boolean): Volume | undefined {
  const v = store.volumes.get(id);
  return v && (admin || v.projectId === projectId) ? v : undefined;
}

/**
 * Checks the mappings as Nova's `_validate_bdm` does and returns 400s with its messages. `imageId`
 * is the request's imageRef ('' when booting from a volume).
 */
export function checkDevices(store: CloudStore, devices: readonly PlannedDevice[], imageId: string, projectId: string, admin: boolean): Refused | undefined {
  const bad = (message: string): Refused => ({ status: 400, message });
  const boot = devices.find((d) => d.bootIndex === 0);
  if (imageId === '' && !boot) {
    return bad('Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.');
  }
  for (const d of devices) {
    if (d.source === 'volume') {
      const volume = d.uuid === null ? undefined : visibleVolume(store, d.uuid, projectId, admin);
      if (!volume) return bad(`Volume ${d.uuid} could not be found.`);
      const why = volumeUnavailable(volume);
      if (why) return bad(why);
      if (d.bootIndex === 0 && !volume.bootable) return bad(`Block Device ${volume.id} is not bootable.`);
    } else if (d.source === 'image') {
      if (d.uuid === null || !store.images.get(d.uuid)) return bad(`Block Device Mapping is Invalid: failed to get image ${d.uuid}.`);
      if (d.destination === 'volume' && !d.sizeGb) return bad("Images with destination_type 'volume' need to have a non-zero size specified");
    } else if (d.source === 'snapshot') {
      if (d.uuid === null || !store.snapshots.get(d.uuid)) return bad(`Block Device Mapping is Invalid: failed to get snapshot ${d.uuid}.`);
    } else if (d.destination === 'volume' && !d.sizeGb) {
      return bad("Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size");
    }
  }
  return undefined;
}

function setStatus(volume: Volume, status: Volume['status']): void {
  volume.status = status;
  volume.updatedAt = Date.now();
}

/** At boot request: existing volumes become `reserved` and Nova records its mappings. */
export function reserveDevices(store: CloudStore, server: Server, devices: readonly PlannedDevice[]): void {
  const mappings: ServerVolumeMapping[] = [];
  for (const d of devices) {
    if (d.source !== 'volume' || d.uuid === null) continue;
    const volume = store.volumes.get(d.uuid);
    if (!volume) continue;
    setStatus(volume, 'reserved');
    mappings.push({ id: randomUUID(), volumeId: volume.id, device: d.deviceName ?? '', bootIndex: d.bootIndex, deleteOnTermination: d.deleteOnTermination, tag: d.tag });
  }
  server.volumeMappings = mappings;
}

function newVolume(store: CloudStore, server: Server, spec: { name: string; sizeGb: number; imageId: string | null; snapshotId: string | null; bootable: boolean }): Volume {
  const type = store.volumeTypes.by('name', '__DEFAULT__')[0] ?? store.volumeTypes.all()[0];
  const now = Date.now();
  return store.volumes.insert({
    id: randomUUID(), name: spec.name, projectId: server.projectId, userId: server.userId, sizeGb: spec.sizeGb, status: 'attaching',
    bootable: spec.bootable, volumeTypeId: type?.id ?? '', availabilityZone: server.availabilityZone || 'nova', attachments: [],
    metadata: {}, description: null, multiattach: false, encrypted: false, snapshotId: spec.snapshotId, sourceVolid: null, imageId: spec.imageId,
    backendHost: store.volumes.all()[0]?.backendHost ?? `${store.meta.name}-storage@lvmdriver-1#lvmdriver-1`, createdAt: now, updatedAt: now,
  });
}

/**
 * The compute host's block-device step: volumes Nova must create (from an image, a snapshot, or
 * blank) are created, every volume goes `attaching`, and each mapping gets its device name
 * (root `/dev/vda`, then `/dev/vdb`… unless the request named one). Returns the bytes Cinder
 * copies from Glance into the new volumes (the build waits for them at the cloud's bandwidth).
 */
export function prepareDevices(store: CloudStore, server: Server, devices: readonly PlannedDevice[]): number {
  let copied = 0;
  const mappings = server.volumeMappings ?? [];
  const taken = devicesInUse(store, server);
  for (const d of devices) {
    if (d.destination !== 'volume') continue;
    let mapping = d.source === 'volume' ? mappings.find((m) => m.volumeId === d.uuid) : undefined;
    if (!mapping) {
      const snapshot = d.source === 'snapshot' && d.uuid ? store.snapshots.get(d.uuid) : undefined;
      const volume = newVolume(store, server, {
        name: '', sizeGb: d.sizeGb ?? snapshot?.sizeGb ?? 1, imageId: d.source === 'image' ? d.uuid : null,
        snapshotId: snapshot?.id ?? null, bootable: d.source === 'image' || (snapshot ? store.volumes.get(snapshot.volumeId)?.bootable ?? false : false),
      });
      const blobs = blobsOf(store);
      if (d.source === 'image' && blobs?.has(`image:${d.uuid}`)) blobs.copy(`image:${d.uuid}`, `volume:${volume.id}`);
      if (d.source === 'image') copied += store.images.get(d.uuid ?? '')?.sizeBytes ?? 0;
      mapping = { id: randomUUID(), volumeId: volume.id, device: d.deviceName ?? '', bootIndex: d.bootIndex, deleteOnTermination: d.deleteOnTermination, tag: d.tag };
      mappings.push(mapping);
    }
    const volume = store.volumes.get(mapping.volumeId);
    if (volume) setStatus(volume, 'attaching');
    if (mapping.device === '') {
      mapping.device = mapping.bootIndex === 0 ? '/dev/vda' : nextDevice(taken);
    }
    taken.add(mapping.device);
  }
  server.volumeMappings = mappings;
  return copied;
}

/** Attaches one mapped volume: `in-use`, with an attachment Cinder and Nova both show. */
export function attachVolume(store: CloudStore, server: Server, mapping: ServerVolumeMapping): void {
  const volume = store.volumes.get(mapping.volumeId);
  if (!volume || volume.attachments.some((a) => a.serverId === server.id)) return;
  store.volumes.update(volume, (v) => {
    v.attachments = [...v.attachments, { attachmentId: randomUUID(), serverId: server.id, device: mapping.device, hostName: server.host, attachedAt: Date.now() }];
    v.status = 'in-use';
    v.updatedAt = Date.now();
  });
}

/** When the server runs: every mapped volume is attached. */
export function attachAll(store: CloudStore, server: Server): void {
  for (const m of server.volumeMappings ?? []) attachVolume(store, server, m);
}

/** Detaches a volume from a server: the attachment goes, and the volume is `available` again when no other remains. */
export function detachVolume(store: CloudStore, server: Server, volumeId: string): void {
  const volume = store.volumes.get(volumeId);
  if (volume) {
    store.volumes.update(volume, (v) => {
      v.attachments = v.attachments.filter((a) => a.serverId !== server.id);
      if (v.attachments.length === 0) v.status = 'available';
      v.updatedAt = Date.now();
    });
  }
  server.volumeMappings = (server.volumeMappings ?? []).filter((m) => m.volumeId !== volumeId);
}

/** A failed build: reserved or attaching volumes are released; the mappings stay (as Nova's BDMs do). */
export function releaseReservations(store: CloudStore, server: Server): void {
  for (const m of server.volumeMappings ?? []) {
    const volume = store.volumes.get(m.volumeId);
    if (volume && (volume.status === 'reserved' || volume.status === 'attaching') && volume.attachments.length === 0) setStatus(volume, 'available');
  }
}

/**
 * Server delete: volumes mapped with `delete_on_termination` are deleted (unless Cinder would
 * refuse because they have snapshots), the others are detached; attached volumes Nova has no
 * mapping for (seeded scenario servers) are detached too.
 */
export function releaseDevices(store: CloudStore, server: Server): void {
  const mapped = new Map((server.volumeMappings ?? []).map((m) => [m.volumeId, m]));
  const volumeIds = new Set([...mapped.keys(), ...store.serverVolumes(server.id).map((v) => v.id)]);
  for (const id of volumeIds) {
    detachVolume(store, server, id);
    const volume = store.volumes.get(id);
    if (!volume) continue;
    if (volume.status === 'reserved' || volume.status === 'attaching') setStatus(volume, 'available');
    if (mapped.get(id)?.deleteOnTermination && volume.attachments.length === 0 && store.snapshots.by('volume', id).length === 0) {
      store.volumes.delete(id);
      blobsOf(store)?.delete(`volume:${id}`);
    }
  }
  server.volumeMappings = [];
}

/**
 * The volume snapshots behind a boot-from-volume `createImage`: one Cinder snapshot per mapped
 * volume (`snapshot for <image name>`, created with force while attached), and the image's
 * `block_device_mapping` property entries that point at them.
 */
export function snapshotVolumes(
  store: CloudStore, server: Server, imageName: string, caller: { projectId: string; userId: string },
): { snapshotIds: string[]; mapping: Record<string, unknown>[] } {
  const snapshotIds: string[] = [];
  const mapping: Record<string, unknown>[] = [];
  for (const m of server.volumeMappings ?? []) {
    const volume = store.volumes.get(m.volumeId);
    if (!volume) continue;
    const now = Date.now();
    const snapshot = store.snapshots.insert({
      id: randomUUID(), name: `snapshot for ${imageName}`, volumeId: volume.id, projectId: caller.projectId, userId: caller.userId,
      sizeGb: volume.sizeGb, status: 'creating', description: volume.description, metadata: {}, createdAt: now, updatedAt: now,
    });
    snapshotIds.push(snapshot.id);
    mapping.push({
      boot_index: m.bootIndex, delete_on_termination: m.deleteOnTermination, destination_type: 'volume', device_name: m.device,
      device_type: 'disk', disk_bus: 'virtio', guest_format: null, image_id: null, no_device: null, snapshot_id: snapshot.id,
      source_type: 'snapshot', tag: m.tag, volume_id: null, volume_size: volume.sizeGb, volume_type: null,
    });
  }
  return { snapshotIds, mapping };
}
