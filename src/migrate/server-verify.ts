import { SOURCE_TAG_PREFIX, VERIFIED_METADATA_KEY } from '../diff/marks.js';
import type { StepContext } from '../executor/runner.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { isNotFound } from '../openstack/index.js';
import type { ServerStepAdapters, ServerView } from './adapters.js';
import type { MigrationContext } from './context.js';
import { verifyReadBack } from './read-back.js';
import { restartSourceIfStopped } from './source-servers.js';
import { waitForStatus } from './wait.js';

/**
 * The server step's checks, apart from its moves (servers.ts): the read-back of the copy and of
 * the floating IPs it re-associated, before the source is handled; and, when the step fails for
 * good after its copy booted, the roll-back: that unverified copy removed and the source running
 * again, so the workload never ends up running on both clouds.
 */

/** The copy carries `sourceId`'s mark: a mapping may be wrong (hand-edited, another plan's state). */
export function isCopyOf(server: Pick<ServerView, 'tags'>, sourceId: string): boolean {
  return (server.tags ?? []).includes(`${SOURCE_TAG_PREFIX}${sourceId}`);
}

/** The source floating IPs on the server's ports: the server step associates their copies. */
function floatingIpsOf(m: MigrationContext, source: InventoryResource): InventoryResource[] {
  const ports = new Set(refList(source, 'ports'));
  return m.sourceLookup.ofKind('floating-ip').filter((fip) => ports.has(refList(fip, 'port')[0] ?? ''));
}

/**
 * Reads the copy and its floating IPs back; throws PH1632/PH1633 unless they hold what the source
 * holds (its status: as before the move, which the copy records; diff/power-state.ts).
 */
export async function verifyServerCopy(m: MigrationContext, a: ServerStepAdapters, source: InventoryResource, copyId: string): Promise<void> {
  await verifyReadBack(m, source, copyId, [], (s, id) => a.readBack(s, id));
  for (const fip of floatingIpsOf(m, source)) {
    const fipId = m.targetIdOf(fip.address);
    if (fipId) await verifyReadBack(m, fip, fipId, [], (s, id) => a.readBack(s, id));
  }
}

/**
 * After the step failed for good, the workload runs where it ran: the copy the step booted is
 * removed, the source started again if Pumphouse stopped it, and then the snapshot taken while it
 * was stopped is dropped with its copy on the target (the restarted server writes on: a later
 * attempt must snapshot afresh, not boot a copy from stale data). Never throws.
 */
export async function rollBackFailedMove(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext): Promise<void> {
  await removeUnverifiedCopy(m, a, ctx);
  if (!(await restartSourceIfStopped(m, a.source.servers, ctx.step.address))) return;
  const snapshotId = ctx.checkpoint?.['snapshotId'];
  if (typeof snapshotId !== 'string') return;
  try {
    const copied = await a.findImageCopy(snapshotId);
    if (copied) await a.target.images.remove(copied.id);
    await a.source.images.remove(snapshotId);
    await m.ledger.removeTemporary(`image:${snapshotId}`);
    await ctx.saveCheckpoint({ snapshotId: undefined });
  } catch {
    // Left as a recorded temporary: `pumphouse cleanup` removes it.
  }
}

/**
 * Removes the copy the step booted unless the move was verified (then
 * the copy is the workload, and the source may be gone), and waits until Nova has deleted it, so
 * the next attempt boots a fresh copy instead of adopting one being deleted. Never throws.
 */
async function removeUnverifiedCopy(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext): Promise<void> {
  const address = ctx.step.address;
  const copyId = m.ledger.mapping(address);
  if (!copyId || m.ledger.downtime(address)?.verifiedAt) return;
  try {
    const servers = a.target.servers;
    const copy = await servers.get(copyId);
    if (!isCopyOf(copy, m.sourceObject(address).id) || copy.metadata[VERIFIED_METADATA_KEY] !== undefined) return;
    await servers.remove(copyId);
    await waitForStatus(() => servers.get(copyId).catch((error: unknown) => {
      if (isNotFound(error)) return { status: 'DELETED' };
      throw error;
    }), { what: `the unverified copy of ${address}`, want: ['DELETED', 'SOFT_DELETED'], pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: ctx.signal });
    m.events.emit({ type: 'step_progress', level: 'warn', message: `${address}: its unverified copy ${copyId} was removed from the target`, data: { step: ctx.step.id, phase: 'removed the unverified copy' } });
  } catch {
    // Gone already, or the target is unreachable: the next plan finds a marked, unverified copy and finishes or replaces it.
  }
}
