import { SOURCE_STATUS_METADATA_KEY } from '../diff/marks.js';
import { isPowerState, type PowerState } from '../diff/power-state.js';
import type { StepContext } from '../executor/runner.js';
import type { InventoryResource } from '../inventory/model.js';
import type { ServerOps, ServerView } from './adapters.js';
import type { MigrationContext } from './context.js';
import { waitForStatus } from './wait.js';

/**
 * A server copy's power state and lock. Nova boots every server ACTIVE; a copy must end the way
 * its source was BEFORE apply stopped it, which only the downtime record knows once the source is
 * stopped (it is written before the stop, so it survives a kill; reading the source's live status
 * on a resumed attempt would see the SHUTOFF apply itself caused). The copy carries that status in
 * its metadata from boot, for a resume without the state file and for the diff
 * (diff/power-state.ts).
 */

/** The status the source had before this apply stopped it; `copy` is the copy as last read, if any. */
export function statusBeforeMove(m: MigrationContext, sourceAddress: string, copy?: ServerView): PowerState {
  const record = m.ledger.downtime(sourceAddress);
  if (record?.wasActive !== undefined) return record.wasActive ? 'ACTIVE' : 'SHUTOFF';
  const recorded = copy?.metadata[SOURCE_STATUS_METADATA_KEY];
  if (isPowerState(recorded)) return recorded;
  return m.sourceLookup.get(sourceAddress)?.attributes['status'] === 'SHUTOFF' ? 'SHUTOFF' : 'ACTIVE';
}

/** The metadata entry a copy is booted with, recording `statusBeforeMove`. */
export function statusRecord(status: PowerState): Record<string, string> {
  return { [SOURCE_STATUS_METADATA_KEY]: status };
}

export interface CopyState {
  status?: PowerState;
  locked?: boolean;
}

/**
 * Brings a target server to `want`: unlocks first (a lock would bar its owner from what follows),
 * starts or stops it and waits for the new status, then locks. Each call is a no-op when the
 * server is already so; Pumphouse's admin token may act on a locked server. `current`: the server
 * as just read, when the caller has it (saves a GET).
 */
export async function settleServer(m: MigrationContext, servers: ServerOps, ctx: StepContext, serverId: string, want: CopyState, what: string, current?: ServerView): Promise<void> {
  const server = current ?? await servers.get(serverId);
  if (want.locked === false && server.locked === true) await servers.unlock(serverId);
  if (want.status !== undefined && server.status !== want.status) {
    ctx.progress({ phase: want.status === 'ACTIVE' ? `starting ${what}` : `stopping ${what}, as its source was` });
    // A 409 (a task under way) fails the attempt; the executor retries it, and this runs again.
    if (want.status === 'ACTIVE') await servers.start(serverId);
    else await servers.stop(serverId);
    await waitForStatus(() => servers.get(serverId), {
      what, want: [want.status], pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: ctx.signal,
    });
  }
  if (want.locked === true && server.locked !== true) await servers.lock(serverId);
}

/** What a source server's copy must end as: its status before the move and the source's lock. */
export function copyStateOf(m: MigrationContext, source: InventoryResource, copy: ServerView): CopyState {
  return { status: statusBeforeMove(m, source.address, copy), locked: source.attributes['locked'] === true };
}
