import { markMetadata, SOURCE_METADATA_KEY } from '../diff/marks.js';
import { errorMessage } from '../errors.js';
import type { StepContext, StepRunner } from '../executor/runner.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { blockStorage, collectAll, image, isNotFound } from '../openstack/index.js';
import type { MigrationContext } from './context.js';
import { ensureImageCopy, imageRecord } from './images.js';
import { verifyReadBack } from './read-back.js';
import { ensureSourceStopped, restartSourceIfStopped } from './source-servers.js';
import { createTemporary, intendTemporary, recordTemporary, type TemporarySpec } from './temporaries.js';
import { waitForStatus } from './wait.js';

/**
 * A volume moves through Glance, the one path every Cinder backend supports:
 *   source volume ─(an attached one: stop its server, snapshot, volume from snapshot)─►
 *   upload-to-image ─► stream the image to the target's Glance ─► volume from that image,
 *   in the target project, with the source's type (through maps), AZ, metadata and the mark.
 * The temporaries (snapshot, volume, two images) are recorded in the state before they are
 * used and removed once the copy is verified; `pumphouse cleanup` finds any a kill left behind.
 * Each phase saves its result in the step's checkpoint, so a resumed step picks up there.
 */

const TEMP = 'pumphouse-temp';

async function findCopy(m: MigrationContext, source: InventoryResource): Promise<blockStorage.volumes.Volume | undefined> {
  const found = await collectAll(blockStorage.volumes.listByMetadata(await m.target.blockStorage(), { [SOURCE_METADATA_KEY]: source.id }));
  return found.find((v) => v.status !== 'deleting' && v.status !== 'error');
}

/** The servers (moving in this plan or not) the volume is attached to on the source. */
function attachedServers(source: InventoryResource): string[] {
  return refList(source, 'servers').filter((s) => s.startsWith('server:'));
}

export function volumeRunner(m: MigrationContext): StepRunner {
  const wait = <T extends { status: string }>(ctx: StepContext, what: string, get: () => Promise<T>, want: string[]) =>
    waitForStatus(get, { what, want, pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: ctx.signal });

  /** The source volume whose bytes are uploaded: the volume itself, or a copy of an attached one. */
  async function uploadableVolume(ctx: StepContext, source: InventoryResource): Promise<string> {
    const client = await m.source.blockStorage();
    const live = await blockStorage.volumes.get(client, source.id);
    if (live.status === 'available' && live.attachments.length === 0) return source.id;
    // A server moving warm keeps running: its volume is copied from a snapshot taken meanwhile.
    for (const server of attachedServers(source)) if (m.change(server)?.action === 'migrate' && m.change(server)?.move?.cutover !== 'warm') await ensureSourceStopped(m, server, ctx);
    const checkpoint = ctx.checkpoint ?? {};
    let snapshotId = checkpoint['snapshotId'] as string | undefined;
    if (!snapshotId) {
      ctx.progress({ phase: 'snapshotting the attached volume on the source' });
      snapshotId = await createTemporary(m, temporary('source', 'volume-snapshot', source),
        async () => (await blockStorage.snapshots.create(client, { volume_id: source.id, name: `${TEMP}-${source.id}`, force: true, metadata: { [TEMP]: source.id } })).id);
      await ctx.saveCheckpoint({ snapshotId });
    }
    const sid = snapshotId;
    await wait(ctx, `snapshot ${sid} of ${source.address}`, () => blockStorage.snapshots.get(client, sid), ['available']);
    let cloneId = checkpoint['cloneId'] as string | undefined;
    if (!cloneId) {
      cloneId = await createTemporary(m, temporary('source', 'volume', source),
        async () => (await blockStorage.volumes.create(client, { size: live.size, snapshot_id: sid, name: `${TEMP}-${source.id}`, metadata: { [TEMP]: source.id } })).id);
      await ctx.saveCheckpoint({ cloneId });
    }
    const cid = cloneId;
    await wait(ctx, `temporary volume ${cid}`, () => blockStorage.volumes.get(client, cid), ['available']);
    return cid;
  }

  async function cleanup(ctx: StepContext): Promise<void> {
    const c = ctx.checkpoint ?? {};
    const removals: Array<[string, () => Promise<void>]> = [];
    if (typeof c['targetImageId'] === 'string') removals.push([`image:${c['targetImageId']}`, async () => image.images.remove(await m.target.image(), c['targetImageId'] as string)]);
    if (typeof c['uploadImageId'] === 'string') removals.push([`image:${c['uploadImageId']}`, async () => image.images.remove(await m.source.image(), c['uploadImageId'] as string)]);
    if (typeof c['cloneId'] === 'string') {
      const cloneId = c['cloneId'];
      removals.push([`volume:${cloneId}`, async () => {
        const client = await m.source.blockStorage();
        await blockStorage.volumes.remove(client, cloneId);
        // The snapshot it was made from can go only once the clone is gone.
        await wait(ctx, `temporary volume ${cloneId} being deleted`, () => blockStorage.volumes.get(client, cloneId).catch((error: unknown) => {
          if (isNotFound(error)) return { status: 'deleted' };
          throw error;
        }), ['deleted']);
      }]);
    }
    if (typeof c['snapshotId'] === 'string') removals.push([`volume-snapshot:${c['snapshotId']}`, async () => blockStorage.snapshots.remove(await m.source.blockStorage(), c['snapshotId'] as string)]);
    for (const [key, remove] of removals) {
      try {
        await remove();
        await m.ledger.removeTemporary(key);
      } catch {
        // Still in use (a snapshot being deleted with its clone): left for `pumphouse cleanup`.
      }
    }
  }

  return {
    async observe(ctx) {
      const copy = await findCopy(m, m.sourceObject(ctx.step.address));
      if (copy?.status === 'available' || copy?.status === 'in-use') {
        m.ledger.setMapping(ctx.step.address, copy.id);
        return { done: true, targetId: copy.id };
      }
      return { done: false };
    },
    async run(ctx) {
      const source = m.sourceObject(ctx.step.address);
      const a = source.attributes;
      const projectId = m.targetProjectOf(source);
      let copy = await findCopy(m, source);
      if (!copy) {
        const volumeId = await uploadableVolume(ctx, source);
        let uploadImageId = ctx.checkpoint?.['uploadImageId'] as string | undefined;
        if (!uploadImageId) {
          ctx.progress({ phase: 'uploading the volume to an image on the source' });
          // A kill right after this call leaves a full-size image: its intent is on disk first.
          uploadImageId = await createTemporary(m, temporary('source', 'image', source),
            async () => blockStorage.volumes.uploadToImage(await m.source.blockStorage(), volumeId, `${TEMP}-${source.id}`));
          await ctx.saveCheckpoint({ uploadImageId });
        }
        const uid = uploadImageId;
        const sourceImages = await m.source.image();
        const uploaded = await wait(ctx, `image of ${source.address} on the source`, () => image.images.get(sourceImages, uid), ['active']);
        const transfer = temporary('target', 'image', source);
        await intendTemporary(m, transfer);
        const targetImageId = await ensureImageCopy(m, uid, () => imageRecord(m, uid, {
          name: transfer.name, diskFormat: uploaded.disk_format ?? 'raw', containerFormat: uploaded.container_format ?? 'bare', visibility: 'private', owner: projectId,
        }), ctx);
        await recordTemporary(m, transfer, targetImageId);
        await ctx.saveCheckpoint({ targetImageId });
        ctx.progress({ phase: 'creating the volume on the target' });
        const cloud = await m.targetIn(projectId);
        const type = typeof a['volumeType'] === 'string' ? (m.settings.maps.volumeTypes[a['volumeType']] ?? a['volumeType']) : undefined;
        const az = typeof a['availabilityZone'] === 'string' ? (m.settings.maps.availabilityZones[a['availabilityZone']] ?? a['availabilityZone']) : undefined;
        copy = await blockStorage.volumes.create(await cloud.blockStorage(), {
          size: Number(a['sizeGb']),
          name: source.name === source.id ? null : source.name,
          description: typeof a['description'] === 'string' ? a['description'] : null,
          imageRef: targetImageId,
          ...(type ? { volume_type: type } : {}),
          ...(az ? { availability_zone: az } : {}),
          metadata: { ...(a['metadata'] as Record<string, string> | undefined), ...markMetadata(source.id, m.planName) },
        });
        m.ledger.setMapping(source.address, copy.id);
        ctx.progress({ phase: 'waiting for the volume to be available' });
      }
      const client = await m.target.blockStorage();
      const copyId = copy.id;
      const ready = await wait(ctx, `volume ${copyId} on the target`, () => blockStorage.volumes.get(client, copyId), ['available', 'in-use']);
      m.ledger.setMapping(source.address, ready.id);
      // A volume made from an image is bootable; a copy of a data volume must not be.
      if ((ready.bootable === 'true') !== (a['bootable'] === true)) await blockStorage.volumes.setBootable(client, ready.id, a['bootable'] === true);
      await matchImageMetadata(client, ready, imageMetadataOf(m, source)).catch((error: unknown) => {
        // A cloud whose policy keeps this record is no reason to fail a copy whose data is there.
        m.events.emit({ type: 'warning', level: 'warn', message: `${source.address}: the copy keeps Cinder's record of the transfer image: ${errorMessage(error)}`, data: { code: 'PH1628', cloud: m.target.label } });
      });
      await cleanup(ctx);
      return { targetId: ready.id };
    },
    async verify(ctx) {
      const source = m.sourceObject(ctx.step.address);
      const copy = await findCopy(m, source);
      if (!copy || !['available', 'in-use'].includes(copy.status)) throw new Error(`${source.address}: no usable copy on the target after the step`);
      await verifyReadBack(m, source, copy.id);
    },
    async onFailed(ctx) {
      for (const server of attachedServers(m.sourceObject(ctx.step.address))) await restartSourceIfStopped(m, server);
    },
  };
}

/**
 * Cinder records the image a volume was made from: for the copy, Pumphouse's transfer image. The
 * copy gets the source's record instead (none, for a volume not made from an image).
 */
async function matchImageMetadata(client: Awaited<ReturnType<MigrationContext['target']['blockStorage']>>, copy: blockStorage.volumes.Volume, wanted: Record<string, string>): Promise<void> {
  const recorded = copy.volume_image_metadata ?? {};
  for (const key of Object.keys(recorded)) if (!(key in wanted)) await blockStorage.volumes.unsetImageMetadata(client, copy.id, key);
  const differing = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => recorded[key] !== value));
  if (Object.keys(differing).length > 0) await blockStorage.volumes.setImageMetadata(client, copy.id, differing);
}

/** The source's image record in the target's terms: `image_id` names the image's copy, or goes. */
function imageMetadataOf(m: MigrationContext, source: InventoryResource): Record<string, string> {
  const wanted = { ...((source.attributes['imageMetadata'] ?? {}) as Record<string, string>) };
  const image = refList(source, 'image')[0];
  const copy = image ? m.targetIdOf(image) : undefined;
  if (copy) wanted['image_id'] = copy;
  else delete wanted['image_id'];
  return wanted;
}

/** A temporary of this volume's copy: every one is named after the source volume. */
function temporary(cloud: TemporarySpec['cloud'], kind: TemporarySpec['kind'], source: InventoryResource): TemporarySpec {
  return { cloud, kind, name: `${TEMP}-${source.id}`, purpose: `copy of ${source.address}` };
}
