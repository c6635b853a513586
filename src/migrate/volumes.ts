import { markMetadata } from '../diff/marks.js';
import { errorMessage, PumphouseError } from '../errors.js';
import type { StepContext, StepRunner } from '../executor/runner.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import type { VolumeOps, VolumeStepAdapters, VolumeView } from './adapters.js';
import type { MigrationContext } from './context.js';
import { volumeStepAdapters } from './openstack-adapters.js';
import { verifyReadBack } from './read-back.js';
import { restartSourceIfStopped } from './source-servers.js';
import { attachedServers, removeTemporaries, transferToTarget } from './volume-transfer.js';
import { waitForStatus } from './wait.js';

/**
 * A volume moves through Glance, the one path every Cinder backend supports:
 *   source volume ─(an attached one: stop its server, snapshot, volume from snapshot)─►
 *   upload-to-image ─► stream the image to the target's Glance ─► volume from that image,
 *   in the target project, with the source's type (through maps), AZ, metadata and the mark.
 * The temporaries (snapshot, volume, two images) are recorded in the state before they are
 * used and removed once the copy is verified; `pumphouse cleanup` finds any a kill left behind.
 * Each phase saves its result in the step's checkpoint, so a resumed step picks up there
 * (volume-transfer.ts). The clouds are reached only through `a` (VolumeStepAdapters, adapters.ts).
 */

const USABLE = ['available', 'in-use'];

async function findCopy(a: VolumeStepAdapters, source: InventoryResource): Promise<VolumeView | undefined> {
  const found = await a.target.volumes.listMarked(source.id);
  return found.find((v) => v.status !== 'deleting' && v.status !== 'error');
}

export function volumeRunner(m: MigrationContext, a: VolumeStepAdapters = volumeStepAdapters(m)): StepRunner {
  return {
    async observe(ctx) {
      const copy = await findCopy(a, m.sourceObject(ctx.step.address));
      if (copy && USABLE.includes(copy.status)) {
        m.ledger.setMapping(ctx.step.address, copy.id);
        return { done: true, targetId: copy.id };
      }
      return { done: false };
    },
    async run(ctx) {
      const source = m.sourceObject(ctx.step.address);
      const copy = (await findCopy(a, source)) ?? (await createCopy(m, a, ctx, source));
      const ready = await waitForStatus(() => a.target.volumes.get(copy.id), {
        what: `volume ${copy.id} on the target`, want: USABLE, pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: ctx.signal,
      });
      m.ledger.setMapping(source.address, ready.id);
      await settleCopy(m, a.target.volumes, source, ready);
      await removeTemporaries(m, a, ctx);
      return { targetId: ready.id };
    },
    async verify(ctx) {
      const source = m.sourceObject(ctx.step.address);
      const copy = await findCopy(a, source);
      if (!copy || !USABLE.includes(copy.status)) throw new PumphouseError('PH1684', `${source.address}: no usable copy on the target after the step (${copy ? `status ${copy.status}` : 'none found'})`, { hint: 'a copy in error is removed by the next attempt: apply again; look in Cinder\'s logs if it fails again' });
      await verifyReadBack(m, source, copy.id, [], (s, id) => a.readBack(s, id));
    },
    async onFailed(ctx) {
      for (const server of attachedServers(m.sourceObject(ctx.step.address))) await restartSourceIfStopped(m, a.source.servers, server);
    },
  };
}

/** The copy, made from the transfer image in the target project with the source's type (through maps), AZ, metadata and the mark. */
async function createCopy(m: MigrationContext, a: VolumeStepAdapters, ctx: StepContext, source: InventoryResource): Promise<VolumeView> {
  const attributes = source.attributes;
  const projectId = m.targetProjectOf(source);
  const imageRef = await transferToTarget(m, a, ctx, source, projectId);
  ctx.progress({ phase: 'creating the volume on the target' });
  const maps = m.settings.maps;
  const type = typeof attributes['volumeType'] === 'string' ? (maps.volumeTypes[attributes['volumeType']] ?? attributes['volumeType']) : undefined;
  const az = typeof attributes['availabilityZone'] === 'string' ? (maps.availabilityZones[attributes['availabilityZone']] ?? attributes['availabilityZone']) : undefined;
  const copy = await a.createVolumeIn(projectId, {
    size: Number(attributes['sizeGb']),
    name: source.name === source.id ? null : source.name,
    description: typeof attributes['description'] === 'string' ? attributes['description'] : null,
    imageRef,
    ...(type ? { volume_type: type } : {}),
    ...(az ? { availability_zone: az } : {}),
    metadata: { ...(attributes['metadata'] as Record<string, string> | undefined), ...markMetadata(source.id, m.planName) },
  });
  m.ledger.setMapping(source.address, copy.id);
  ctx.progress({ phase: 'waiting for the volume to be available' });
  return copy;
}

/** What a volume made from an image has that the source may not: bootable, and Cinder's record of that image. */
async function settleCopy(m: MigrationContext, volumes: VolumeOps, source: InventoryResource, ready: VolumeView): Promise<void> {
  // A volume made from an image is bootable; a copy of a data volume must not be.
  const bootable = source.attributes['bootable'] === true;
  if ((ready.bootable === 'true') !== bootable) await volumes.setBootable(ready.id, bootable);
  await matchImageMetadata(volumes, ready, imageMetadataOf(m, source)).catch((error: unknown) => {
    // A cloud whose policy keeps this record is no reason to fail a copy whose data is there.
    m.events.emit({ type: 'warning', level: 'warn', message: `${source.address}: the copy keeps Cinder's record of the transfer image: ${errorMessage(error)}`, data: { code: 'PH1628', cloud: m.target.label } });
  });
}

/**
 * Cinder records the image a volume was made from: for the copy, Pumphouse's transfer image. The
 * copy gets the source's record instead (none, for a volume not made from an image).
 */
async function matchImageMetadata(volumes: VolumeOps, copy: VolumeView, wanted: Record<string, string>): Promise<void> {
  const recorded = copy.volume_image_metadata ?? {};
  for (const key of Object.keys(recorded)) if (!(key in wanted)) await volumes.unsetImageMetadata(copy.id, key);
  const differing = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => recorded[key] !== value));
  if (Object.keys(differing).length > 0) await volumes.setImageMetadata(copy.id, differing);
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
