/**
 * Cinder's write side: volumes (blank, from an image, from a snapshot; asynchronous
 * creating → downloading → available), snapshots, upload of a volume to a Glance image,
 * bootable flag, metadata, quotas and deletes, with Cinder's refusals (quota 413, in-use 400).
 * A volume is created in the project of the TOKEN, as in Cinder.
 */
import { randomUUID } from 'node:crypto';
import { json, type Router, type SimRequest, type SimResponse } from './http.js';
import type { ServiceContext } from './service.js';
import type { BlobInfo } from './blobs.js';
import type { CloudStore, Image, Snapshot, Volume } from './store.js';
import type { AuthContext } from './tokens.js';

export interface CinderCall { req: SimRequest; ctx: ServiceContext; caller: AuthContext; store: CloudStore; projectId: string }
/** Any router whose call carries at least what the writes need. */
type WriteRouter = Router<CinderCall>;
export interface CinderRenderers {
  volume(call: CinderCall, v: Volume): unknown;
  snapshot(call: CinderCall, s: Snapshot): unknown;
  error(status: number, message: string): SimResponse;
}
type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
const GIB = 1 << 30;
const stringValues = (b: Body): Record<string, string> => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, String(v)]));

export function addCinderWrites(r: WriteRouter, render: CinderRenderers): void {
  const err = render.error;
  const overQuota = (call: CinderCall, projectId: string, sizeGb: number): SimResponse | undefined => {
    const limits = call.store.quotaFor('volume', projectId);
    const used = call.store.quotaUsage('volume', projectId);
    if ((limits['volumes'] ?? -1) >= 0 && (used['volumes'] ?? 0) + 1 > (limits['volumes'] ?? 0)) {
      return err(413, `VolumeLimitExceeded: Maximum number of volumes allowed (${limits['volumes']}) exceeded for quota 'volumes'.`);
    }
    if ((limits['gigabytes'] ?? -1) >= 0 && (used['gigabytes'] ?? 0) + sizeGb > (limits['gigabytes'] ?? 0)) {
      return err(413, `VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested ${sizeGb}G, quota is ${limits['gigabytes']}G and ${used['gigabytes']}G has been consumed.`);
    }
    return undefined;
  };
  const visible = (call: CinderCall, id: string): Volume | undefined => {
    const v = call.store.volumes.get(id);
    return v && (call.caller.isAdmin || v.projectId === call.caller.projectId) ? v : undefined;
  };

  r.add('POST', '/v3/:project/volumes', (req, call) => {
    const b = isObject(req.body) && isObject(req.body['volume']) ? req.body['volume'] : undefined;
    if (!b) return err(400, "Missing required element 'volume' in request body.");
    const size = Number(b['size']);
    if (!Number.isInteger(size) || size < 1) return err(400, `Invalid input for field/attribute size. Value: ${String(b['size'])}.`);
    const projectId = call.caller.projectId ?? call.projectId;
    const typeRef = typeof b['volume_type'] === 'string' ? b['volume_type'] : '__DEFAULT__';
    const type = call.store.volumeTypes.get(typeRef) ?? call.store.volumeTypes.by('name', typeRef)[0];
    if (!type) return err(404, `Volume type with name ${typeRef} could not be found.`);
    let image: Image | undefined;
    if (typeof b['imageRef'] === 'string') {
      image = call.store.images.get(b['imageRef']);
      if (!image || image.status !== 'active') return err(400, `Invalid image identifier or unable to access requested image.`);
      const needed = Math.max(image.minDiskGb, Math.ceil((image.sizeBytes ?? 0) / GIB));
      if (size < needed) return err(400, `Invalid input received: Volume size ${size}GB cannot be smaller than the image minDisk size ${needed}GB.`);
    }
    let snapshot: Snapshot | undefined;
    if (typeof b['snapshot_id'] === 'string') {
      snapshot = call.store.snapshots.get(b['snapshot_id']);
      if (!snapshot) return err(404, `Snapshot ${b['snapshot_id']} could not be found.`);
      if (snapshot.status !== 'available') return err(400, `Invalid snapshot: Originating snapshot status must be one of 'available' values`);
    }
    const quota = overQuota(call, projectId, size);
    if (quota) return quota;
    const now = Date.now();
    const volume = call.store.volumes.insert({
      id: randomUUID(), name: typeof b['name'] === 'string' ? b['name'] : '', projectId, userId: call.caller.token.userId, sizeGb: size,
      status: 'creating', bootable: image !== undefined || (snapshot !== undefined && call.store.volumes.get(snapshot.volumeId)?.bootable === true),
      volumeTypeId: type.id, availabilityZone: typeof b['availability_zone'] === 'string' ? b['availability_zone'] : 'nova', attachments: [],
      metadata: isObject(b['metadata']) ? Object.fromEntries(Object.entries(b['metadata']).map(([k, v]) => [k, String(v)])) : {},
      description: typeof b['description'] === 'string' ? b['description'] : null, multiattach: b['multiattach'] === true, encrypted: false,
      snapshotId: snapshot?.id ?? null, sourceVolid: null, imageId: image?.id ?? null, backendHost: `${call.store.meta.name}-storage@lvmdriver-1#lvmdriver-1`,
      createdAt: now, updatedAt: now,
    });
    if (image) call.store.blobs.copy(`image:${image.id}`, `volume:${volume.id}`);
    else if (snapshot) call.store.blobs.copy(`snapshot:${snapshot.id}`, `volume:${volume.id}`);
    else call.store.blobs.synthetic(`volume:${volume.id}`, 0, `volume:${volume.id}`);
    const finish = (): void => {
      if (call.store.volumes.get(volume.id)?.status !== 'deleting') volume.status = 'available';
    };
    if (image) {
      call.ctx.lifecycle.later('volume', volume.name, () => {
        volume.status = 'downloading';
        call.ctx.lifecycle.later('volume', volume.name, finish, 1 + (image!.sizeBytes ?? 0) / GIB, image!.sizeBytes ?? 0);
      });
    } else {
      call.ctx.lifecycle.later('volume', volume.name, finish);
    }
    return json(202, { volume: render.volume(call, volume) });
  });

  r.add('POST', '/v3/:project/volumes/:id/action', (req, call) => {
    const volume = visible(call, req.params['id'] ?? '');
    if (!volume) return err(404, `Volume ${req.params['id']} could not be found.`);
    const b = isObject(req.body) ? req.body : {};
    if (isObject(b['os-volume_upload_image'])) {
      const args = b['os-volume_upload_image'];
      if (volume.status !== 'available') {
        return err(400, `Invalid volume: Volume ${volume.id} status must be available to upload it to an image; use --force (and enable_force_upload) for an in-use volume, current status: ${volume.status}.`);
      }
      const previous = volume.status;
      volume.status = 'uploading';
      const now = Date.now();
      const image: Image = {
        id: randomUUID(), name: String(args['image_name'] ?? ''), ownerId: volume.projectId, visibility: args['visibility'] === 'public' ? 'public' : 'private', status: 'queued',
        sizeBytes: null, virtualSizeBytes: null, diskFormat: String(args['disk_format'] ?? 'raw'), containerFormat: String(args['container_format'] ?? 'bare'),
        checksum: null, osHashAlgo: null, osHashValue: null, minRamMb: 0, minDiskGb: volume.sizeGb, protected: args['protected'] === true, hidden: false,
        properties: {}, tags: [], members: [], createdAt: now, updatedAt: now,
      };
      call.store.images.insert(image);
      uploadVolumeImage(call, volume, image, () => (volume.status = previous));
      return json(202, { 'os-volume_upload_image': {
        id: volume.id, updated_at: new Date(now).toISOString(), status: 'uploading', display_description: volume.description, size: volume.sizeGb,
        volume_type: null, image_id: image.id, container_format: image.containerFormat, disk_format: image.diskFormat, image_name: image.name,
      } });
    }
    // os-set_image_metadata merges keys into what Cinder recorded; os-unset_image_metadata drops one.
    if (isObject(b['os-set_image_metadata'])) {
      const meta = isObject(b['os-set_image_metadata']['metadata']) ? b['os-set_image_metadata']['metadata'] : {};
      volume.imageMetadata = { ...volumeImageMetadata(call.store, volume), ...Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, String(v)])) };
      return json(200, { metadata: { ...volume.imageMetadata } });
    }
    if (isObject(b['os-unset_image_metadata'])) {
      const key = String(b['os-unset_image_metadata']['key'] ?? '');
      const current = volumeImageMetadata(call.store, volume);
      if (!(key in current)) return err(404, `Glance metadata for volume ${volume.id} with key ${key} could not be found.`);
      delete current[key];
      volume.imageMetadata = current;
      return { status: 200 };
    }
    if (isObject(b['os-set_bootable'])) {
      volume.bootable = b['os-set_bootable']['bootable'] === true || b['os-set_bootable']['bootable'] === 'true';
      return { status: 200 };
    }
    return err(400, `There is no such action: ${Object.keys(b)[0] ?? ''}`);
  });

  // POST merges into the volume's metadata; PUT replaces all of it; DELETE removes one key.
  for (const method of ['POST', 'PUT'] as const) {
    r.add(method, '/v3/:project/volumes/:id/metadata', (req, call) => {
      const volume = visible(call, req.params['id'] ?? '');
      if (!volume) return err(404, `Volume ${req.params['id']} could not be found.`);
      const meta = isObject(req.body) && isObject(req.body['metadata']) ? stringValues(req.body['metadata']) : {};
      volume.metadata = method === 'PUT' ? meta : { ...volume.metadata, ...meta };
      return json(200, { metadata: { ...volume.metadata } });
    });
  }
  r.add('DELETE', '/v3/:project/volumes/:id/metadata/:key', (req, call) => {
    const volume = visible(call, req.params['id'] ?? '');
    if (!volume) return err(404, `Volume ${req.params['id']} could not be found.`);
    const key = req.params['key'] ?? '';
    if (!(key in volume.metadata)) return err(404, `Metadata item was not found for volume ${volume.id} and key ${key}.`);
    delete volume.metadata[key];
    return { status: 200 };
  });

  // PUT: name, description and (replacing) metadata, as the v3 `volumes.update` schema allows.
  r.add('PUT', '/v3/:project/volumes/:id', (req, call) => {
    const b = isObject(req.body) && isObject(req.body['volume']) ? req.body['volume'] : undefined;
    if (!b) return err(400, "Missing required element 'volume' in request body.");
    const extra = Object.keys(b).filter((k) => !['name', 'description', 'metadata', 'display_name', 'display_description'].includes(k));
    if (extra.length > 0) return err(400, `Invalid input for field/attribute volume. Value: ${JSON.stringify(b)}. Additional properties are not allowed ('${extra[0]}' was unexpected)`);
    const volume = visible(call, req.params['id'] ?? '');
    if (!volume) return err(404, `Volume ${req.params['id']} could not be found.`);
    const text = (v: unknown): string | null | undefined => (typeof v === 'string' || v === null ? v : undefined);
    const name = text(b['name'] ?? b['display_name']);
    const description = text(b['description'] ?? b['display_description']);
    if (name !== undefined) volume.name = name ?? '';
    if (description !== undefined) volume.description = description;
    if (isObject(b['metadata'])) volume.metadata = Object.fromEntries(Object.entries(b['metadata']).map(([k, v]) => [k, String(v)]));
    volume.updatedAt = Date.now();
    return json(200, { volume: render.volume(call, volume) });
  });

  r.add('DELETE', '/v3/:project/volumes/:id', (req, call) => {
    const volume = visible(call, req.params['id'] ?? '');
    if (!volume) return err(404, `Volume ${req.params['id']} could not be found.`);
    if (volume.attachments.length > 0 || !['available', 'error'].includes(volume.status)) {
      return err(400, `Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots or be disassociated from snapshots after volume transfer.`);
    }
    if (call.store.snapshots.by('volume', volume.id).length > 0) return err(400, 'Invalid volume: Volume has snapshots.');
    volume.status = 'deleting';
    call.ctx.lifecycle.later('volume', volume.name, () => {
      call.store.volumes.delete(volume.id);
      call.store.blobs.delete(`volume:${volume.id}`);
    });
    return { status: 202 };
  });

  r.add('POST', '/v3/:project/snapshots', (req, call) => {
    const b = isObject(req.body) && isObject(req.body['snapshot']) ? req.body['snapshot'] : undefined;
    if (!b) return err(400, "Missing required element 'snapshot' in request body.");
    const volume = visible(call, String(b['volume_id'] ?? ''));
    if (!volume) return err(404, `Volume ${String(b['volume_id'])} could not be found.`);
    if (volume.status === 'in-use' && b['force'] !== true && b['force'] !== 'true') return err(400, `Invalid volume: Volume ${volume.id} status must be available, but current status is: in-use.`);
    const now = Date.now();
    // Cinder makes the snapshot in the caller's project (context.project_id), as Nova's snapshots of
    // boot-from-volume servers are: an admin's snapshot of another project's volume is the admin's.
    const snapshot = call.store.snapshots.insert({
      id: randomUUID(), name: String(b['name'] ?? ''), volumeId: volume.id, projectId: call.caller.projectId ?? volume.projectId, userId: call.caller.token.userId, sizeGb: volume.sizeGb,
      status: 'creating', description: typeof b['description'] === 'string' ? b['description'] : null,
      metadata: isObject(b['metadata']) ? Object.fromEntries(Object.entries(b['metadata']).map(([k, v]) => [k, String(v)])) : {}, createdAt: now, updatedAt: now,
    });
    call.store.blobs.copy(`volume:${volume.id}`, `snapshot:${snapshot.id}`);
    call.ctx.lifecycle.later('snapshot', snapshot.name, () => (snapshot.status = 'available'));
    return json(202, { snapshot: render.snapshot(call, snapshot) });
  });

  r.add('DELETE', '/v3/:project/snapshots/:id', (req, call) => {
    const snapshot = call.store.snapshots.get(req.params['id'] ?? '');
    if (!snapshot || (!call.caller.isAdmin && snapshot.projectId !== call.caller.projectId)) return err(404, `Snapshot ${req.params['id']} could not be found.`);
    snapshot.status = 'deleting';
    call.ctx.lifecycle.later('snapshot', snapshot.name, () => {
      call.store.snapshots.delete(snapshot.id);
      call.store.blobs.delete(`snapshot:${snapshot.id}`);
    });
    return { status: 202 };
  });

  r.add('PUT', '/v3/:project/os-quota-sets/:target', (req, call) => {
    if (!call.caller.isAdmin) return err(403, "Policy doesn't allow volume_extension:quotas:update to be performed.");
    const b = isObject(req.body) && isObject(req.body['quota_set']) ? req.body['quota_set'] : {};
    const projectId = req.params['target'] ?? '';
    const current = call.store.quotas.get(projectId) ?? {};
    const volume = { ...(current.volume ?? {}) };
    for (const [k, v] of Object.entries(b)) if (typeof v === 'number') volume[k] = v;
    call.store.quotas.set(projectId, { ...current, volume });
    return json(200, { quota_set: call.store.quotaFor('volume', projectId) });
  });
}

/**
 * The image's bytes, as Cinder's upload makes them: raw, the whole block device (what was
 * written on the volume, then zeros up to its size), as LVM, Ceph and NFS backends stream it;
 * another format (qcow2, …) is converted and holds only what was written. The transfer takes
 * the cloud's bandwidth for those bytes; their hashes are taken meanwhile, without blocking,
 * and the image goes active once both are done. `done` gives the volume its status back.
 */
function uploadVolumeImage(call: CinderCall, volume: Volume, image: Image, done: () => void): void {
  const blobs = call.store.blobs;
  const key = `image:${image.id}`;
  // (Padding to 0 bytes pads nothing: a copy of the written bytes.)
  blobs.padded(`volume:${volume.id}`, key, image.diskFormat === 'raw' ? volume.sizeGb * GIB : 0);
  const bytes = blobs.size(key) ?? 0;
  // Starts hashing now, alongside the simulated transfer; a failure (the store closed) kills the image.
  const hashed = blobs.info(key).catch(() => undefined);
  const activate = (info: BlobInfo | undefined): void => {
    done();
    if (call.store.images.get(image.id) !== image || image.status !== 'saving') return;
    if (!info) image.status = 'killed';
    else Object.assign(image, { status: 'active', sizeBytes: info.size, virtualSizeBytes: image.diskFormat === 'raw' ? info.size : volume.sizeGb * GIB, checksum: info.md5, osHashAlgo: 'sha512', osHashValue: info.sha512 });
    image.updatedAt = Date.now();
  };
  call.ctx.lifecycle.later('image', image.name, () => {
    image.status = 'saving';
    call.ctx.lifecycle.later('image', image.name, () => void hashed.then(activate), 1 + bytes / GIB, bytes);
  });
}

/** What Cinder records of the image a volume was made from (or what actions set since). */
export function volumeImageMetadata(store: CloudStore, v: Volume): Record<string, string> {
  if (v.imageMetadata) return { ...v.imageMetadata };
  if (!v.imageId) return {};
  const img = store.images.get(v.imageId);
  return { image_id: v.imageId, image_name: img?.name ?? '', checksum: img?.checksum ?? '', container_format: img?.containerFormat ?? 'bare', disk_format: img?.diskFormat ?? 'raw', min_disk: '0', min_ram: '0', size: String(img?.sizeBytes ?? 0) };
}
