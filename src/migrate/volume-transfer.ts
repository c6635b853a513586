import type { StepContext } from '../executor/runner.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { isNotFound } from '../openstack/index.js';
import type { VolumeStepAdapters } from './adapters.js';
import type { MigrationContext } from './context.js';
import { imageRecord } from './images.js';
import { ensureSourceStopped } from './source-servers.js';
import { createTemporary, intendTemporary, recordTemporary, type TemporarySpec } from './temporaries.js';
import { waitForStatus } from './wait.js';

/**
 * The volume step's transfer (volumes.ts): the source volume's bytes carried to an image on the
 * target through the temporaries (a snapshot and a clone of an attached volume, the upload image
 * on the source, the transfer image on the target), each phase's result saved in the step's
 * checkpoint so a resumed step picks up there; and the removal of those temporaries.
 */

const TEMP = 'pumphouse-temp';

/** A temporary of this volume's copy: every one is named after the source volume. */
function temporary(cloud: TemporarySpec['cloud'], kind: TemporarySpec['kind'], source: InventoryResource): TemporarySpec {
  return { cloud, kind, name: `${TEMP}-${source.id}`, purpose: `copy of ${source.address}` };
}

/** The servers (moving in this plan or not) the volume is attached to on the source. */
export function attachedServers(source: InventoryResource): string[] {
  return refList(source, 'servers').filter((s) => s.startsWith('server:'));
}

type Wait = <T extends { status: string }>(what: string, get: () => Promise<T>, want: string[]) => Promise<T>;

function waiter(m: MigrationContext, ctx: StepContext): Wait {
  return (what, get, want) => waitForStatus(get, { what, want, pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: ctx.signal });
}

/** The source volume's data as an image on the target, owned by `projectId`: the transfer image's id. */
export async function transferToTarget(m: MigrationContext, a: VolumeStepAdapters, ctx: StepContext, source: InventoryResource, projectId: string): Promise<string> {
  const wait = waiter(m, ctx);
  const volumeId = await uploadableVolume(m, a, ctx, source);
  let uploadImageId = ctx.checkpoint?.['uploadImageId'] as string | undefined;
  if (!uploadImageId) {
    ctx.progress({ phase: 'uploading the volume to an image on the source' });
    // A kill right after this call leaves a full-size image: its intent is on disk first.
    uploadImageId = await createTemporary(m, temporary('source', 'image', source), () => a.source.volumes.uploadToImage(volumeId, `${TEMP}-${source.id}`), (spec) => a.temporaries(spec));
    await ctx.saveCheckpoint({ uploadImageId });
  }
  const uid = uploadImageId;
  const uploaded = await wait(`image of ${source.address} on the source`, () => a.source.images.get(uid), ['active']);
  const transfer = temporary('target', 'image', source);
  await intendTemporary(m, transfer);
  const targetImageId = await a.copyImage(ctx, uid, () => imageRecord(m, uid, {
    name: transfer.name, diskFormat: uploaded.disk_format ?? 'raw', containerFormat: uploaded.container_format ?? 'bare', visibility: 'private', owner: projectId,
  }));
  await recordTemporary(m, transfer, targetImageId);
  await ctx.saveCheckpoint({ targetImageId });
  return targetImageId;
}

/** The source volume whose bytes are uploaded: the volume itself, or a copy of an attached one. */
async function uploadableVolume(m: MigrationContext, a: VolumeStepAdapters, ctx: StepContext, source: InventoryResource): Promise<string> {
  const wait = waiter(m, ctx);
  const { volumes, snapshots } = a.source;
  const live = await volumes.get(source.id);
  if (live.status === 'available' && live.attachments.length === 0) return source.id;
  // A server moving warm keeps running: its volume is copied from a snapshot taken meanwhile.
  for (const server of attachedServers(source)) if (m.change(server)?.action === 'migrate' && m.change(server)?.move?.cutover !== 'warm') await ensureSourceStopped(m, a.source.servers, server, ctx);
  const checkpoint = ctx.checkpoint ?? {};
  let snapshotId = checkpoint['snapshotId'] as string | undefined;
  if (!snapshotId) {
    ctx.progress({ phase: 'snapshotting the attached volume on the source' });
    snapshotId = await createTemporary(m, temporary('source', 'volume-snapshot', source),
      async () => (await snapshots.create({ volume_id: source.id, name: `${TEMP}-${source.id}`, force: true, metadata: { [TEMP]: source.id } })).id, (spec) => a.temporaries(spec));
    await ctx.saveCheckpoint({ snapshotId });
  }
  const sid = snapshotId;
  await wait(`snapshot ${sid} of ${source.address}`, () => snapshots.get(sid), ['available']);
  let cloneId = checkpoint['cloneId'] as string | undefined;
  if (!cloneId) {
    cloneId = await createTemporary(m, temporary('source', 'volume', source),
      async () => (await volumes.create({ size: live.size, snapshot_id: sid, name: `${TEMP}-${source.id}`, metadata: { [TEMP]: source.id } })).id, (spec) => a.temporaries(spec));
    await ctx.saveCheckpoint({ cloneId });
  }
  const cid = cloneId;
  await wait(`temporary volume ${cid}`, () => volumes.get(cid), ['available']);
  return cid;
}

/**
 * Removes the temporaries the checkpoint names, newest first; one still in use is left for
 * `pumphouse cleanup`. Cinder deletes in the background, so a volume or snapshot is forgotten
 * only once it is gone: one that fails to go (error_deleting) stays on record for cleanup.
 */
export async function removeTemporaries(m: MigrationContext, a: VolumeStepAdapters, ctx: StepContext): Promise<void> {
  const c = ctx.checkpoint ?? {};
  const wait = waiter(m, ctx);
  const removals: Array<[string, () => Promise<void>]> = [];
  if (typeof c['targetImageId'] === 'string') removals.push([`image:${c['targetImageId']}`, () => a.target.images.remove(c['targetImageId'] as string)]);
  if (typeof c['uploadImageId'] === 'string') removals.push([`image:${c['uploadImageId']}`, () => a.source.images.remove(c['uploadImageId'] as string)]);
  if (typeof c['cloneId'] === 'string') {
    const cloneId = c['cloneId'];
    // The snapshot it was made from can go only once the clone is gone.
    removals.push([`volume:${cloneId}`, () => removeUntilGone(wait, `temporary volume ${cloneId}`, () => a.source.volumes.remove(cloneId), () => a.source.volumes.get(cloneId))]);
  }
  if (typeof c['snapshotId'] === 'string') {
    const snapshotId = c['snapshotId'];
    removals.push([`volume-snapshot:${snapshotId}`, () => removeUntilGone(wait, `temporary snapshot ${snapshotId}`, () => a.source.snapshots.remove(snapshotId), () => a.source.snapshots.get(snapshotId))]);
  }
  for (const [key, remove] of removals) {
    try {
      await remove();
      await m.ledger.removeTemporary(key);
    } catch {
      // Still in use (a snapshot being deleted with its clone), or not gone: left for `pumphouse cleanup`.
    }
  }
}

async function removeUntilGone(wait: Wait, what: string, remove: () => Promise<void>, get: () => Promise<{ status: string }>): Promise<void> {
  await remove();
  await wait(`${what} being deleted`, () => get().catch((error: unknown) => {
    if (isNotFound(error)) return { status: 'deleted' };
    throw error;
  }), ['deleted']);
}
