import { markMetadata, markTags } from '../diff/marks.js';
import { PumphouseError } from '../errors.js';
import type { StepContext } from '../executor/runner.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import type { compute } from '../openstack/index.js';
import type { ServerStepAdapters, ServerView } from './adapters.js';
import type { MigrationContext } from './context.js';
import { imageReferenceProperties } from './image-parts.js';
import { imageRecord } from './images.js';
import { statusBeforeMove, statusRecord } from './server-power.js';
import { intendTemporary, recordTemporary } from './temporaries.js';
import { waitForStatus } from './wait.js';

/**
 * Step 2 and 3 of the server step (servers.ts): the image the copy boots from (the snapshot of
 * the stopped source streamed to the target, the copy of its original image, or none for a
 * boot-from-volume server) and the boot itself, on the copied ports with the copied volumes.
 */

/** The property a snapshot carries naming its server: finds a snapshot no checkpoint names. */
export const SNAPSHOT_OF = 'pumphouse_snapshot_of';

/** Boots the copy; `live`: the source server as just read (user data is read live, never kept). Returns its id. */
export async function bootCopy(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext, source: InventoryResource, live: ServerView): Promise<string> {
  const projectId = m.targetProjectOf(source);
  const imageRef = await bootImage(m, a, ctx, source, projectId);
  ctx.progress({ phase: 'booting the copy on the target' });
  // As its owner where Pumphouse can, so the copy is theirs (owner-session.ts).
  const id = await a.boot(ctx, source, projectId, bootRequest(m, source, live, imageRef));
  m.ledger.setMapping(source.address, id);
  ctx.progress({ phase: 'waiting for the copy to be ACTIVE' });
  return id;
}

/** What Nova is asked to boot: the source's settings in the target's ids, marked as its copy. */
export function bootRequest(m: MigrationContext, source: InventoryResource, live: ServerView, imageRef: string | undefined): Omit<compute.servers.ServerCreate, 'key_name'> {
  const a = source.attributes;
  const flavorName = (a['flavor'] as { name?: string } | undefined)?.name;
  const flavorRef = refList(source, 'flavor')[0];
  const flavorId = flavorRef ? m.requireTargetId(flavorRef, `the flavor of ${source.address}`) : undefined;
  if (!flavorId) throw new PumphouseError('PH1651', `${source.address}: flavor ${flavorName ?? '?'} has no counterpart on the target`, { hint: 'include the flavor (flavors: referenced) or map it in spec.maps.flavors' });
  const ports = refList(source, 'ports').map((p) => ({ port: m.requireTargetId(p, `a port of ${source.address}`) }));
  const az = typeof a['availabilityZone'] === 'string' ? (m.settings.maps.availabilityZones[a['availabilityZone']] ?? a['availabilityZone']) : undefined;
  const group = refList(source, 'serverGroup')[0];
  const volumes = blockDevices(m, source);
  // With block_device_mapping_v2 Nova wants the image in the mapping too, as boot device 0.
  const bdm = imageRef && volumes.length > 0
    ? [{ boot_index: 0, uuid: imageRef, source_type: 'image' as const, destination_type: 'local' as const, delete_on_termination: true }, ...volumes]
    : volumes;
  return {
    name: source.name,
    flavorRef: flavorId,
    ...(imageRef ? { imageRef } : {}),
    networks: ports.length > 0 ? ports : 'none',
    metadata: { ...(a['metadata'] as Record<string, string> | undefined), ...markMetadata(source.id, m.planName), ...statusRecord(statusBeforeMove(m, source.address)) },
    tags: [...((a['tags'] as string[] | undefined) ?? []), ...markTags(source.id, m.planName)],
    // Read live and passed through: user data may hold credentials, so it is never stored.
    ...(live['OS-EXT-SRV-ATTR:user_data'] ? { user_data: live['OS-EXT-SRV-ATTR:user_data'] } : {}),
    ...(typeof a['description'] === 'string' ? { description: a['description'] } : {}),
    ...(az ? { availability_zone: az } : {}),
    ...(a['configDrive'] === true ? { config_drive: true } : {}),
    ...(bdm.length > 0 ? { block_device_mapping_v2: bdm } : {}),
    ...(group && m.targetIdOf(group) ? { schedulerHints: { group: m.targetIdOf(group) as string } } : {}),
  };
}

/** The copies of the volumes moving with the server, at their source devices. */
function blockDevices(m: MigrationContext, source: InventoryResource): compute.servers.BlockDeviceMapping[] {
  const policy = m.change(source.address)?.move?.volumes ?? 'attached';
  if (policy === 'none' && source.attributes['bootFromVolume'] !== true) return [];
  const attached = (source.attributes['volumesAttached'] ?? []) as Array<{ id: string; deleteOnTermination: boolean }>;
  const rootDevice = source.attributes['rootDeviceName'];
  return attached.flatMap((v) => {
    const volume = m.sourceLookup.byId('volume', v.id);
    if (!volume) return [];
    const targetId = m.targetIdOf(volume.address);
    if (!targetId) return [];
    const device = ((volume.attributes['attachments'] ?? []) as Array<{ server: string; device: string | null }>).find((x) => x.server === source.address)?.device ?? undefined;
    const isRoot = source.attributes['bootFromVolume'] === true && (device === rootDevice || attached.length === 1);
    return [{
      boot_index: isRoot ? 0 : null, uuid: targetId, source_type: 'volume' as const, destination_type: 'volume' as const,
      delete_on_termination: v.deleteOnTermination, ...(device ? { device_name: device } : {}),
    }];
  });
}

/** The target image to boot from, or undefined for a boot-from-volume server. */
async function bootImage(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext, source: InventoryResource, projectId: string): Promise<string | undefined> {
  if (source.attributes['bootFromVolume'] === true) return undefined;
  if (m.change(source.address)?.move?.strategy === 'rebuild') {
    const original = refList(source, 'image')[0];
    if (!original) throw new PumphouseError('PH1650', `${source.address}: its image is gone from the source, so it cannot be rebuilt`, { hint: 'use strategy: snapshot for this server' });
    return m.requireTargetId(original, `the image of ${source.address}`);
  }
  const snapshotId = await snapshotOnSource(m, a, ctx, source);
  const snapshot = await waitForStatus(() => a.source.images.get(snapshotId), {
    what: `snapshot of ${source.address} on the source`, want: ['active'], pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: ctx.signal,
  });
  const originalAddress = refList(source, 'image')[0];
  const original = originalAddress ? m.sourceLookup.get(originalAddress) : undefined;
  // An AMI's snapshot boots with its kernel and ramdisk: their copies' ids, never the source's.
  const references = original ? imageReferenceProperties(m, original) : {};
  const copyId = await a.copyImage(ctx, snapshotId, () => imageRecord(m, snapshotId, {
    name: `pumphouse-snapshot-${source.name}`, diskFormat: snapshot.disk_format ?? 'raw', containerFormat: snapshot.container_format ?? 'bare',
    visibility: 'private', owner: projectId, minDiskGb: snapshot.min_disk, minRamMb: snapshot.min_ram,
    properties: { ...((original?.attributes['properties'] as Record<string, unknown> | undefined) ?? {}), ...references },
  }));
  await correctImageReferences(a, copyId, references);
  return copyId;
}

/** The snapshot of the (stopped) source: the one an earlier attempt took, else a new one, recorded as a temporary. */
async function snapshotOnSource(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext, source: InventoryResource): Promise<string> {
  let snapshotId = ctx.checkpoint?.['snapshotId'] as string | undefined;
  if (!snapshotId) {
    // A kill right after createImage leaves a snapshot no checkpoint names: find it by its property.
    const earlier = await a.source.images.listByProperty(SNAPSHOT_OF, source.id);
    snapshotId = earlier.find((i) => i.status !== 'killed' && i.status !== 'deleted')?.id;
  }
  // Named by id: two servers of one name (in two projects) must not share a temporary.
  const temporary = { cloud: 'source', kind: 'image', name: `pumphouse-snapshot-${source.id}`, purpose: `snapshot of ${source.address}` } as const;
  if (!snapshotId) {
    ctx.progress({ phase: 'snapshotting the server on the source' });
    await intendTemporary(m, temporary);
    snapshotId = await a.source.servers.snapshot(source.id, temporary.name, { [SNAPSHOT_OF]: source.id });
  }
  await recordTemporary(m, temporary, snapshotId);
  await ctx.saveCheckpoint({ snapshotId });
  return snapshotId;
}

/** A copy an earlier run made (found by its mark) may name other images: set them right. */
async function correctImageReferences(a: ServerStepAdapters, copyId: string, references: Record<string, string>): Promise<void> {
  if (Object.keys(references).length === 0) return;
  const copy = await a.target.images.get(copyId);
  if (Object.entries(references).some(([key, id]) => copy.properties[key] !== id)) await a.target.images.setProperties(copyId, references);
}
