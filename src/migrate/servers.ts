import { VERIFIED_METADATA_KEY } from '../diff/marks.js';
import { PumphouseError } from '../errors.js';
import type { StepContext, StepRunner } from '../executor/runner.js';
import type { InventoryResource } from '../inventory/model.js';
import { isNotFound } from '../openstack/index.js';
import type { ServerStepAdapters, ServerView } from './adapters.js';
import type { MigrationContext } from './context.js';
import { serverStepAdapters } from './openstack-adapters.js';
import { bootCopy } from './server-boot.js';
import { associateFloatingIps, handleSource, markVerified, recordDowntime } from './server-finish.js';
import { copyStateOf, settleServer, statusBeforeMove } from './server-power.js';
import { isCopyOf, rollBackFailedMove, verifyServerCopy } from './server-verify.js';
import { ensureSourceStopped } from './source-servers.js';
import { waitForStatus } from './wait.js';
import { cutOver, isWarm, rollBackCutover } from './warm-cutover.js';

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
 * finds it instead of booting a second one. The boot: server-boot.ts; the read-back and the
 * roll-back: server-verify.ts; what follows the read-back: server-finish.ts. The clouds are
 * reached only through `a` (ServerStepAdapters, adapters.ts): fakes in the unit tests.
 */

export function serverRunner(m: MigrationContext, a: ServerStepAdapters = serverStepAdapters(m)): StepRunner {
  /** What observe found, so run does not ask again in the same attempt. */
  const observed = new WeakMap<StepContext, ServerView | undefined>();
  /** Attempts whose run read the copy back already: verify has nothing left to check. */
  const readBack = new WeakSet<StepContext>();
  return {
    async observe(ctx) {
      const source = m.sourceObject(ctx.step.address);
      const copy = await findCopy(m, a, source);
      observed.set(ctx, copy);
      // Done only when verified AND the source handled (the copy says so): a kill in between must finish the job.
      if (copy && copy.status === statusBeforeMove(m, source.address, copy) && copy.metadata[VERIFIED_METADATA_KEY] !== undefined) {
        return { done: true, targetId: copy.id };
      }
      return { done: false };
    },
    async run(ctx) {
      const source = m.sourceObject(ctx.step.address);
      const copy = observed.has(ctx) ? observed.get(ctx) : await findCopy(m, a, source);
      observed.delete(ctx);
      const copyId = await moveServer(m, a, ctx, source, copy);
      readBack.add(ctx);
      await finishMove(m, a, ctx, source, copyId);
      return { targetId: copyId };
    },
    async verify(ctx) {
      // run read the copy back before handling the source; a move observed done is read back here.
      if (!readBack.has(ctx)) await verifyFinishedMove(m, a, ctx);
    },
    async onFailed(ctx) {
      await rollBackCutover(m, a, ctx);
      await rollBackFailedMove(m, a, ctx);
    },
  };
}

/** The copy: by the recorded id when there is one (a GET), else by its mark (a listing). */
export async function findCopy(m: MigrationContext, a: ServerStepAdapters, source: InventoryResource): Promise<ServerView | undefined> {
  const live = (s: ServerView): boolean => s.status !== 'DELETED' && s.status !== 'SOFT_DELETED';
  const mapped = m.ledger.mapping(source.address);
  if (mapped) {
    try {
      const server = await a.target.servers.get(mapped);
      if (live(server) && isCopyOf(server, source.id)) return server;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return (await a.target.servers.listMarked(source.id)).find(live);
}

/**
 * Steps 1 to 4: the source stopped, the copy booted (or the one an earlier attempt booted taken
 * on), ACTIVE or SHUTOFF, its floating IPs and power state set, and read back. Returns its id.
 */
async function moveServer(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext, source: InventoryResource, copy: ServerView | undefined): Promise<string> {
  if (copy?.status === 'ERROR') {
    await a.target.servers.remove(copy.id);
    throw new PumphouseError('PH1652', `${source.address}: its copy went to ERROR on the target (${copy.id}): removed, the boot starts again`);
  }
  let copyId = copy?.id;
  // Warm: the copy was built by the pre-copy; only the cutover is left (warm-cutover.ts).
  if (isWarm(m, source.address)) copyId = await cutOver(m, a, ctx, source, copy);
  else if (!copyId) {
    const stopped = await ensureSourceStopped(m, a.source.servers, source.address, ctx);
    copyId = await bootCopy(m, a, ctx, source, stopped);
  }
  m.ledger.setMapping(source.address, copyId);
  const id = copyId;
  // SHUTOFF too: a resumed attempt may find the copy already stopped as its source was.
  const booted = await waitForStatus(() => a.target.servers.get(id), {
    what: `copy of ${source.address} on the target`, want: ['ACTIVE', 'SHUTOFF'], pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: ctx.signal,
  });
  await associateFloatingIps(m, a, source);
  await settleServer(m, a.target.servers, ctx, id, copyStateOf(m, source, booted), `the copy of ${source.address}`, booted);
  // The copy holds what the source holds before the source is touched: else onFailed removes it.
  await verifyServerCopy(m, a, source, id);
  return id;
}

/** Step 5, after the read-back: the downtime recorded, the source handled, the move marked done. */
async function finishMove(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext, source: InventoryResource, copyId: string): Promise<void> {
  await recordDowntime(m, source);
  await handleSource(m, a, ctx, source);
  await markVerified(a, copyId);
  await ctx.saveCheckpoint({ sourceHandled: true });
}

/** A move observed done (a resumed apply): its copy is as the source was, and holds what it holds. */
async function verifyFinishedMove(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext): Promise<void> {
  const source = m.sourceObject(ctx.step.address);
  const copy = await findCopy(m, a, source);
  const want = copy ? statusBeforeMove(m, source.address, copy) : 'ACTIVE';
  if (copy?.status !== want) {
    throw new PumphouseError('PH1684', `${source.address}: its copy is ${copy?.status ?? 'missing'} on the target, not ${want} as the source was`, {
      hint: `bring the copy to ${want} on the target (openstack server ${want === 'ACTIVE' ? 'start' : 'stop'}), then apply again`,
    });
  }
  await verifyServerCopy(m, a, source, copy.id);
}
