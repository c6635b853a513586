import type { StepContext } from '../executor/runner.js';
import { isConflict } from '../openstack/index.js';
import type { ServerOps, ServerView } from './adapters.js';
import type { MigrationContext } from './context.js';
import { waitForStatus } from './wait.js';
import { PumphouseError } from '../errors.js';

/**
 * The source side of a server's downtime, shared by the server step and the steps of the volumes
 * attached to it (which run first, inside the same downtime). Whether the server was running is
 * recorded in the state BEFORE it is stopped, so whatever happens next (a failure, a kill) the
 * server can be started again: nothing is left stopped by accident. Returns the server as last
 * read (SHUTOFF), so the caller need not read it again.
 */
export async function ensureSourceStopped(m: MigrationContext, servers: ServerOps, serverAddress: string, ctx: StepContext): Promise<ServerView> {
  const serverId = m.sourceObject(serverAddress).id;
  const live = await servers.get(serverId);
  const record = m.ledger.downtime(serverAddress);
  if (live.status === 'SHUTOFF') {
    // Stopped by this apply (a resumed attempt) keeps "was running"; stopped by someone else after
    // apply started it again (restartedAt) was not running when this move began.
    if (!record || record.restartedAt) await m.ledger.setDowntime(serverAddress, { wasActive: false });
    return live;
  }
  if (live.status !== 'ACTIVE') {
    // A transitional status passes; ERROR stays until someone repairs the server.
    throw new PumphouseError('PH1681', `source server ${serverAddress} is ${live.status}: it must be ACTIVE or SHUTOFF to move`, {
      hint: live.status === 'ERROR' ? `repair it on the source (openstack server set --state active), or exclude it with --exclude ${serverAddress}` : 'apply again once its task has finished',
      retryable: live.status !== 'ERROR',
    });
  }
  // A server started again after an earlier failure begins a new downtime.
  const stoppedAt = record?.stoppedAt && !record.restartedAt ? record.stoppedAt : new Date().toISOString();
  await m.ledger.setDowntime(serverAddress, { wasActive: true, stoppedAt });
  ctx.progress({ phase: `stopping ${serverAddress} on the source (downtime starts)` });
  try {
    await servers.stop(serverId);
  } catch (error) {
    if (!isConflict(error)) throw error; // already stopping
  }
  return waitForStatus(() => servers.get(serverId), {
    what: `source server ${serverAddress}`, want: ['SHUTOFF'], pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: ctx.signal,
  });
}

/**
 * After a failure inside the downtime: starts the source server again if Pumphouse stopped it,
 * so the workload runs where it ran. Never throws (the original error is what matters).
 */
export async function restartSourceIfStopped(m: MigrationContext, servers: ServerOps, serverAddress: string): Promise<boolean> {
  const record = m.ledger.downtime(serverAddress);
  if (!record?.wasActive || record.verifiedAt || record.restartedAt) return false;
  try {
    const serverId = m.sourceObject(serverAddress).id;
    const live = await servers.get(serverId);
    if (live.status === 'SHUTOFF') await servers.start(serverId);
    // Started means running again: the downtime ends when the source serves, not when Nova took the call.
    await waitForStatus(() => servers.get(serverId), {
      what: `${serverAddress} starting again on the source`, want: ['ACTIVE'], pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: new AbortController().signal,
    });
    const now = new Date();
    const seconds = record.stoppedAt ? (now.getTime() - Date.parse(record.stoppedAt)) / 1000 : 0;
    await m.ledger.setDowntime(serverAddress, { ...record, restartedAt: now.toISOString(), seconds });
    m.events.emit({ type: 'server_downtime', level: 'warn', message: `${serverAddress}: started again on the source after ${seconds.toFixed(1)} s of downtime`, data: { server: serverAddress, seconds, outcome: 'restarted-on-source' } });
    return true;
  } catch {
    return false;
  }
}
