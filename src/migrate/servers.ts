import { markMetadata, markTags, SOURCE_TAG_PREFIX, VERIFIED_METADATA_KEY } from '../diff/marks.js';
import type { StepContext, StepRunner } from '../executor/runner.js';
import { PumphouseError } from '../errors.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { collectAll, compute, image, isNotFound, network } from '../openstack/index.js';
import type { MigrationContext } from './context.js';
import { ensureImageCopy, imageRecord } from './images.js';
import { bootSession } from './owner-session.js';
import { copyStateOf, settleServer, statusBeforeMove, statusRecord } from './server-power.js';
import { imageReferenceProperties } from './image-parts.js';
import { isCopyOf, rollBackFailedMove, verifyServerCopy } from './server-verify.js';
import { ensureSourceStopped } from './source-servers.js';
import { intendTemporary, recordTemporary } from './temporaries.js';
import { waitForStatus } from './wait.js';
import { cutOver, isWarm, rollBackCutover } from './warm-cutover.js';
import type { ServerCopyParts } from './warm-precopy.js';

/**
 * The downtime step. Everything the server needs (project, flavor, image, keypair, ports,
 * security groups, server group, floating IPs, and its attached volumes) was copied by earlier
 * steps; this one:
 *   1. stops the source server (recording first that it ran: see source-servers.ts);
 *   2. strategy `snapshot`: snapshots it (createImage) and streams the snapshot to the target;
 *      `rebuild`: uses the copy of its original image; boot-from-volume: its root volume's copy;
 *   3. boots the copy in the target project on the copied ports (so MACs and IPs stay), with the
 *      same flavor, key, metadata, tags, user data, AZ, server group and volumes at the same
 *      devices, marked with tags and metadata;
 *   4. re-associates the floating IPs, stops the copy if the source was stopped before the move
 *      and locks it if the source is locked (server-power.ts), reads the copy and its floating
 *      IPs back and checks they hold what the source holds, records the downtime;
 *   5. only then handles the source as the plan says (delete | keep-stopped | keep).
 * A failure between 1 and 4 that outlasts the attempts removes the unverified copy and starts the
 * source server again (onFailed); until then a partial copy keeps its mark, so the next attempt
 * finds it instead of booting a second one. The read-back and the roll-back: server-verify.ts.
 */

const SNAPSHOT_OF = 'pumphouse_snapshot_of';

/** `expose` receives what the warm pre-copy shares with this step (warm-precopy.ts). */
export function serverRunner(m: MigrationContext, expose?: (parts: ServerCopyParts) => void): StepRunner {
  const wait = <T extends { status: string }>(ctx: StepContext, what: string, get: () => Promise<T>, want: string[]) =>
    waitForStatus(get, { what, want, pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: ctx.signal });

  /** The copy: by the recorded id when there is one (a GET), else by its mark (a listing). */
  async function findCopy(source: InventoryResource): Promise<compute.servers.Server | undefined> {
    const client = await m.target.compute();
    const mapped = m.ledger.mapping(source.address);
    if (mapped) {
      try {
        const server = await compute.servers.get(client, mapped);
        if (server.status !== 'DELETED' && server.status !== 'SOFT_DELETED' && isCopyOf(server, source.id)) return server;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    const servers = await collectAll(compute.servers.listTagged(client, [`${SOURCE_TAG_PREFIX}${source.id}`]));
    return servers.find((s) => s.status !== 'DELETED' && s.status !== 'SOFT_DELETED');
  }

  /** What observe found, so run does not ask again in the same attempt. */
  const observed = new WeakMap<StepContext, compute.servers.Server | undefined>();
  /** Attempts whose run read the copy back already: verify has nothing left to check. */
  const readBack = new WeakSet<StepContext>();

  /** The target image to boot from, or undefined for a boot-from-volume server. */
  async function bootImage(ctx: StepContext, source: InventoryResource, projectId: string): Promise<string | undefined> {
    if (source.attributes['bootFromVolume'] === true) return undefined;
    const move = m.change(source.address)?.move;
    if (move?.strategy === 'rebuild') {
      const original = refList(source, 'image')[0];
      if (!original) throw new PumphouseError('PH1650', `${source.address}: its image is gone from the source, so it cannot be rebuilt`, { hint: 'use strategy: snapshot for this server' });
      return m.requireTargetId(original, `the image of ${source.address}`);
    }
    const sourceImages = await m.source.image();
    let snapshotId = ctx.checkpoint?.['snapshotId'] as string | undefined;
    if (!snapshotId) {
      // A kill right after createImage leaves a snapshot no checkpoint names: find it by its property.
      const earlier = await collectAll(image.images.listByProperty(sourceImages, SNAPSHOT_OF, source.id));
      snapshotId = earlier.find((i) => i.status !== 'killed' && i.status !== 'deleted')?.id;
    }
    // Named by id: two servers of one name (in two projects) must not share a temporary.
    const temporary = { cloud: 'source', kind: 'image', name: `pumphouse-snapshot-${source.id}`, purpose: `snapshot of ${source.address}` } as const;
    if (!snapshotId) {
      ctx.progress({ phase: 'snapshotting the server on the source' });
      await intendTemporary(m, temporary);
      snapshotId = await compute.servers.createImage(await m.source.compute(), source.id, temporary.name, { [SNAPSHOT_OF]: source.id });
    }
    await recordTemporary(m, temporary, snapshotId);
    await ctx.saveCheckpoint({ snapshotId });
    const sid = snapshotId;
    const snapshot = await wait(ctx, `snapshot of ${source.address} on the source`, () => image.images.get(sourceImages, sid), ['active']);
    const original = refList(source, 'image')[0] ? m.sourceLookup.get(refList(source, 'image')[0] as string) : undefined;
    // An AMI's snapshot boots with its kernel and ramdisk: their copies' ids, never the source's.
    const references = original ? imageReferenceProperties(m, original) : {};
    const copyId = await ensureImageCopy(m, sid, () => imageRecord(m, sid, {
      name: `pumphouse-snapshot-${source.name}`, diskFormat: snapshot.disk_format ?? 'raw', containerFormat: snapshot.container_format ?? 'bare',
      visibility: 'private', owner: projectId, minDiskGb: snapshot.min_disk, minRamMb: snapshot.min_ram,
      properties: { ...((original?.attributes['properties'] as Record<string, unknown> | undefined) ?? {}), ...references },
    }), ctx);
    await correctImageReferences(copyId, references);
    return copyId;
  }

  /** A copy an earlier run made (found by its mark) may name other images: set them right. */
  async function correctImageReferences(copyId: string, references: Record<string, string>): Promise<void> {
    if (Object.keys(references).length === 0) return;
    const client = await m.target.image();
    const copy = await image.images.get(client, copyId);
    if (Object.entries(references).some(([key, id]) => copy.properties[key] !== id)) await image.images.setProperties(client, copyId, references);
  }

  /** `live`: the source server as just read (user data is read live, never kept). */
  async function boot(ctx: StepContext, source: InventoryResource, live: compute.servers.Server): Promise<string> {
    const a = source.attributes;
    const projectId = m.targetProjectOf(source);
    const imageRef = await bootImage(ctx, source, projectId);
    ctx.progress({ phase: 'booting the copy on the target' });
    const flavorName = (a['flavor'] as { name?: string } | undefined)?.name;
    const flavorRef = refList(source, 'flavor')[0];
    const flavorId = flavorRef ? m.requireTargetId(flavorRef, `the flavor of ${source.address}`) : undefined;
    if (!flavorId) throw new PumphouseError('PH1651', `${source.address}: flavor ${flavorName ?? '?'} has no counterpart on the target`, { hint: 'include the flavor (flavors: referenced) or map it in spec.maps.flavors' });
    const ports = refList(source, 'ports').map((p) => ({ port: m.requireTargetId(p, `a port of ${source.address}`) }));
    const az = typeof a['availabilityZone'] === 'string' ? (m.settings.maps.availabilityZones[a['availabilityZone']] ?? a['availabilityZone']) : undefined;
    const group = refList(source, 'serverGroup')[0];
    const volumes = blockDevices(source);
    // With block_device_mapping_v2 Nova wants the image in the mapping too, as boot device 0.
    const bdm = imageRef && volumes.length > 0
      ? [{ boot_index: 0, uuid: imageRef, source_type: 'image' as const, destination_type: 'local' as const, delete_on_termination: true }, ...volumes]
      : volumes;
    // As its owner where Pumphouse can, so the copy is theirs (owner-session.ts).
    const session = await bootSession(m, ctx, source, projectId);
    const created = await session.cloud.compute().then((client) => compute.servers.create(client, {
      name: source.name,
      flavorRef: flavorId,
      ...(imageRef ? { imageRef } : {}),
      networks: ports.length > 0 ? ports : 'none',
      ...(session.keyName ? { key_name: session.keyName } : {}),
      metadata: { ...(a['metadata'] as Record<string, string> | undefined), ...markMetadata(source.id, m.planName), ...statusRecord(statusBeforeMove(m, source.address)) },
      tags: [...((a['tags'] as string[] | undefined) ?? []), ...markTags(source.id, m.planName)],
      // Read live and passed through: user data may hold credentials, so it is never stored.
      ...(live['OS-EXT-SRV-ATTR:user_data'] ? { user_data: live['OS-EXT-SRV-ATTR:user_data'] } : {}),
      ...(typeof a['description'] === 'string' ? { description: a['description'] } : {}),
      ...(az ? { availability_zone: az } : {}),
      ...(a['configDrive'] === true ? { config_drive: true } : {}),
      ...(bdm.length > 0 ? { block_device_mapping_v2: bdm } : {}),
      ...(group && m.targetIdOf(group) ? { schedulerHints: { group: m.targetIdOf(group) as string } } : {}),
    })).finally(() => session.release());
    m.ledger.setMapping(source.address, created.id);
    ctx.progress({ phase: 'waiting for the copy to be ACTIVE' });
    return created.id;
  }

  /** The copies of the volumes moving with the server, at their source devices. */
  function blockDevices(source: InventoryResource): compute.servers.BlockDeviceMapping[] {
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

  async function associateFloatingIps(source: InventoryResource): Promise<void> {
    const client = await m.target.network();
    for (const fip of m.sourceLookup.ofKind('floating-ip')) {
      const port = refList(fip, 'port')[0];
      if (!port || !refList(source, 'ports').includes(port)) continue;
      const fipId = m.targetIdOf(fip.address);
      const portId = m.targetIdOf(port);
      if (!fipId || !portId) continue;
      const current = await network.floatingIps.get(client, fipId);
      if (current.port_id !== portId) await network.floatingIps.update(client, fipId, { port_id: portId });
    }
  }

  async function handleSource(ctx: StepContext, source: InventoryResource): Promise<void> {
    const disposition = m.change(source.address)?.move?.source ?? 'keep-stopped';
    const client = await m.source.compute();
    if (disposition === 'delete') {
      ctx.progress({ phase: 'deleting the source server (its copy is verified)' });
      await compute.servers.remove(client, source.id);
      // Done means gone: a step that ends while Nova still deletes would leave its volumes attached.
      await waitForStatus(() => compute.servers.get(client, source.id).catch((error: unknown) => {
        if (isNotFound(error)) return { status: 'DELETED' };
        throw error;
      }), { what: `${source.address} being deleted from the source`, want: ['DELETED'], pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: ctx.signal });
    } else if (disposition === 'keep' && m.ledger.downtime(source.address)?.wasActive) {
      const live = await compute.servers.get(client, source.id);
      if (live.status === 'SHUTOFF') await compute.servers.start(client, source.id);
    }
    const snapshotId = ctx.checkpoint?.['snapshotId'];
    if (typeof snapshotId === 'string') {
      await image.images.remove(await m.source.image(), snapshotId);
      await m.ledger.removeTemporary(`image:${snapshotId}`);
    }
  }

  async function recordDowntime(source: InventoryResource): Promise<void> {
    const record = m.ledger.downtime(source.address) ?? {};
    if (record.verifiedAt) return;
    const now = new Date();
    const seconds = record.stoppedAt ? (now.getTime() - Date.parse(record.stoppedAt)) / 1000 : 0;
    await m.ledger.setDowntime(source.address, { ...record, verifiedAt: now.toISOString(), seconds });
    m.events.emit({ type: 'server_downtime', level: 'info', message: `${source.address}: copy verified on the target after ${seconds.toFixed(1)} s of downtime`, data: { server: source.address, seconds, outcome: 'migrated' } });
  }

  expose?.({ findCopy, boot });
  return {
    async observe(ctx) {
      const source = m.sourceObject(ctx.step.address);
      const copy = await findCopy(source);
      observed.set(ctx, copy);
      // Done only when verified AND the source handled (the copy says so): a kill in between must finish the job.
      if (copy && copy.status === statusBeforeMove(m, source.address, copy) && copy.metadata[VERIFIED_METADATA_KEY] !== undefined) {
        return { done: true, targetId: copy.id };
      }
      return { done: false };
    },
    async run(ctx) {
      const source = m.sourceObject(ctx.step.address);
      const copy = observed.has(ctx) ? observed.get(ctx) : await findCopy(source);
      observed.delete(ctx);
      if (copy?.status === 'ERROR') {
        await compute.servers.remove(await m.target.compute(), copy.id);
        throw Object.assign(new PumphouseError('PH1652', `${source.address}: its copy went to ERROR on the target (${copy.id}): removed, the boot starts again`), { retryable: true });
      }
      let copyId = copy?.id;
      // Warm: the copy was built by the pre-copy; only the cutover is left (warm-cutover.ts).
      if (isWarm(m, source.address)) copyId = await cutOver(m, ctx, source, copy);
      else if (!copyId) {
        const stopped = await ensureSourceStopped(m, source.address, ctx);
        copyId = await boot(ctx, source, stopped);
      }
      m.ledger.setMapping(source.address, copyId);
      const targetCompute = await m.target.compute();
      // SHUTOFF too: a resumed attempt may find the copy already stopped as its source was.
      const booted = await wait(ctx, `copy of ${source.address} on the target`, () => compute.servers.get(targetCompute, copyId), ['ACTIVE', 'SHUTOFF']);
      await associateFloatingIps(source);
      await settleServer(m, ctx, copyId, copyStateOf(m, source, booted), `the copy of ${source.address}`, booted);
      // The copy holds what the source holds before the source is touched: else onFailed removes it.
      await verifyServerCopy(m, source, copyId);
      readBack.add(ctx);
      await recordDowntime(source);
      await handleSource(ctx, source);
      // The durable "done" on the target itself: a re-plan (even without this state file) sees the move complete.
      await targetCompute.post(targetCompute.url('servers', copyId, 'metadata'), { metadata: { [VERIFIED_METADATA_KEY]: new Date().toISOString() } }, { retrySafe: true });
      await ctx.saveCheckpoint({ sourceHandled: true });
      return { targetId: copyId };
    },
    async verify(ctx) {
      // run read the copy back before handling the source; a move observed done is read back here.
      if (readBack.has(ctx)) return;
      const source = m.sourceObject(ctx.step.address);
      const copy = await findCopy(source);
      const want = copy ? statusBeforeMove(m, source.address, copy) : 'ACTIVE';
      if (copy?.status !== want) throw new Error(`${source.address}: its copy is ${copy?.status ?? 'missing'} on the target, not ${want} as the source was`);
      await verifyServerCopy(m, source, copy.id);
    },
    async onFailed(ctx) {
      await rollBackCutover(m, ctx);
      await rollBackFailedMove(m, ctx);
    },
  };
}
