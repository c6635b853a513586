import { PRECOPIED_METADATA_KEY } from '../diff/marks.js';
import { PumphouseError } from '../errors.js';
import type { StepContext } from '../executor/runner.js';
import type { InventoryResource } from '../inventory/model.js';
import type { ServerStepAdapters, ServerView } from './adapters.js';
import type { MigrationContext } from './context.js';
import { ensureSourceStopped } from './source-servers.js';
import { moveFloatingIps, restoreFloatingIps } from './warm-floating-ips.js';
import { disableCopyPortsAfterFailure, restoreCopyPorts } from './warm-ports.js';

/**
 * The cutover of a server moving warm: its copy was built and stopped by its pre-copy
 * (warm-precopy.ts), so the downtime holds no copying at all. This part stops the source (its
 * power state recorded first, as for a cold move: source-servers.ts) and moves its floating IPs
 * (warm-floating-ips.ts), gives the copy's ports the source's admin state (warm-ports.ts); the server step then finishes as a cold move does: starts the copy,
 * reads it and its floating IPs back, records the downtime, handles the source.
 */

export function isWarm(m: MigrationContext, address: string): boolean {
  return m.change(address)?.move?.cutover === 'warm';
}

/** Returns the copy to start; throws PH1470 when there is no built pre-copy to cut over to. */
export async function cutOver(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext, source: InventoryResource, copy: ServerView | undefined): Promise<string> {
  if (!copy || copy.metadata[PRECOPIED_METADATA_KEY] === undefined) {
    throw new PumphouseError('PH1470', `${source.address}: no pre-copy of it on the target to cut over to (${copy ? `copy ${copy.id} was not built by a pre-copy` : 'none found'}); the source was not touched`, {
      hint: `run apply again: its precopy-server step builds the copy first (or move it with cutover: cold)`,
    });
  }
  await ensureSourceStopped(m, a.source.servers, source.address, ctx);
  await moveFloatingIps(m, a, ctx, source);
  await restoreCopyPorts(m, a, ctx, source);
  ctx.progress({ phase: 'starting the copy on the target' });
  return copy.id;
}

/** After a failed cutover (before the copy was verified): the copy's ports down, the floating IPs back to the source. */
export async function rollBackCutover(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext): Promise<void> {
  if (m.ledger.downtime(ctx.step.address)?.verifiedAt) return;
  if (isWarm(m, ctx.step.address)) await disableCopyPortsAfterFailure(m, a, m.sourceObject(ctx.step.address));
  await restoreFloatingIps(m, a, ctx);
}
