import { PRECOPIED_METADATA_KEY, VERIFIED_METADATA_KEY } from '../diff/marks.js';
import { PumphouseError } from '../errors.js';
import type { StepContext, StepRunner } from '../executor/runner.js';
import type { InventoryResource } from '../inventory/model.js';
import { isNotFound } from '../openstack/index.js';
import type { ServerStepAdapters, ServerView } from './adapters.js';
import type { MigrationContext } from './context.js';
import { serverStepAdapters } from './openstack-adapters.js';
import { bootCopy } from './server-boot.js';
import { settleServer } from './server-power.js';
import { rollBackFailedMove } from './server-verify.js';
import { findCopy } from './servers.js';
import { waitForStatus } from './wait.js';
import { disableCopyPorts } from './warm-ports.js';

/**
 * The pre-copy of a server moving warm (`cutover: warm`), before any downtime: the RUNNING source
 * is snapshotted (its attached volumes were copied by their own steps from Cinder snapshots, taken
 * while it runs too), the snapshot streamed, and the copy booted on the target with its ports
 * (same MACs and fixed IPs, set admin-down first: warm-ports.ts), volumes, server group and metadata, then stopped: it waits for the
 * cutover (the server's migrate-server step), which stops the source, moves its floating IPs and
 * starts it. When the snapshot was taken goes into the step's checkpoint before it is, and onto
 * the copy once it is built (PRECOPIED_METADATA_KEY): writes after it are what warm loses.
 */

/**
 * The copy is built: stopped and waiting for its cutover, or started by a cutover under way (its
 * downtime record says the source was stopped), or the move is done.
 */
export function isBuilt(m: MigrationContext, address: string, copy: ServerView | undefined): boolean {
  if (!copy) return false;
  if (copy.metadata[VERIFIED_METADATA_KEY] !== undefined) return true;
  if (copy.metadata[PRECOPIED_METADATA_KEY] === undefined) return false;
  return copy.status === 'SHUTOFF' || (m.ledger.downtime(address)?.stoppedAt !== undefined && copy.status === 'ACTIVE');
}

export function precopyRunner(m: MigrationContext, a: ServerStepAdapters = serverStepAdapters(m)): StepRunner {
  return {
    async observe(ctx) {
      const copy = await findCopy(m, a, m.sourceObject(ctx.step.address));
      return copy && isBuilt(m, ctx.step.address, copy) ? { done: true, targetId: copy.id } : { done: false };
    },
    async run(ctx) {
      const source = m.sourceObject(ctx.step.address);
      const copyId = await builtCopy(m, a, ctx, source);
      return { targetId: copyId };
    },
    async verify(ctx) {
      const source = m.sourceObject(ctx.step.address);
      const copy = await findCopy(m, a, source);
      if (!isBuilt(m, source.address, copy)) throw new PumphouseError('PH1471', `${source.address}: its pre-copy is not built and stopped on the target (${copy ? copy.status : 'missing'})`, { hint: 'run apply again: the pre-copy step builds it again' });
    },
    async onFailed(ctx) {
      // Nothing is down yet: only the half-built copy goes, so the next apply starts afresh.
      await rollBackFailedMove(m, a, ctx);
    },
  };
}

async function builtCopy(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext, source: InventoryResource): Promise<string> {
  const copy = await findCopy(m, a, source);
  if (copy?.status === 'ERROR') {
    await a.target.servers.remove(copy.id);
    throw Object.assign(new PumphouseError('PH1472', `${source.address}: its pre-copy went to ERROR on the target (${copy.id}): removed, the pre-copy starts again`), { retryable: true });
  }
  if (copy && isBuilt(m, source.address, copy)) return copy.id;
  // Also when taking on a copy a killed attempt booted: it may be running on enabled ports.
  await disableCopyPorts(m, a, ctx, source);
  let copyId = copy?.id;
  if (!copyId) {
    const live = await a.source.servers.get(source.id);
    if (live.status !== 'ACTIVE' && live.status !== 'SHUTOFF') {
      throw Object.assign(new PumphouseError('PH1474', `source server ${source.address} is ${live.status}: it must be ACTIVE or SHUTOFF to be pre-copied`), { retryable: live.status !== 'ERROR' });
    }
    // Before the snapshot: writes after this moment are not in the copy.
    if (typeof ctx.checkpoint?.['snapshotAt'] !== 'string') await ctx.saveCheckpoint({ snapshotAt: new Date().toISOString() });
    copyId = await bootCopy(m, a, ctx, source, live);
  }
  const id = copyId;
  const booted = await waitForStatus(() => a.target.servers.get(id), {
    what: `pre-copy of ${source.address} on the target`, want: ['ACTIVE', 'SHUTOFF'], pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: ctx.signal,
  });
  // Left stopped: the source still serves; the cutover starts the copy.
  await settleServer(m, a.target.servers, ctx, id, { status: 'SHUTOFF' }, `the pre-copy of ${source.address}`, booted);
  const snapshotAt = String(ctx.checkpoint?.['snapshotAt'] ?? new Date().toISOString());
  await a.target.servers.addMetadata(id, { [PRECOPIED_METADATA_KEY]: snapshotAt });
  await dropSnapshot(m, a, ctx);
  ctx.progress({ phase: 'pre-copy built and stopped on the target (the source runs on)' });
  return id;
}

/** The source snapshot is no longer needed once the copy is built (its target copy is the boot image). */
async function dropSnapshot(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext): Promise<void> {
  const snapshotId = ctx.checkpoint?.['snapshotId'];
  if (typeof snapshotId !== 'string') return;
  await a.source.images.remove(snapshotId).catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
  });
  await m.ledger.removeTemporary(`image:${snapshotId}`);
  await ctx.saveCheckpoint({ snapshotId: undefined });
}
