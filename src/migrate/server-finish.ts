import { VERIFIED_METADATA_KEY } from '../diff/marks.js';
import type { StepContext } from '../executor/runner.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { isNotFound } from '../openstack/index.js';
import type { ServerStepAdapters } from './adapters.js';
import type { MigrationContext } from './context.js';
import { waitForStatus } from './wait.js';

/**
 * Step 4 and 5 of the server step (servers.ts) around the read-back: the floating IPs moved to
 * the copy's ports, the downtime recorded, the source handled as the plan says and the move
 * marked done on the copy itself.
 */

export async function associateFloatingIps(m: MigrationContext, a: ServerStepAdapters, source: InventoryResource): Promise<void> {
  for (const fip of m.sourceLookup.ofKind('floating-ip')) {
    const port = refList(fip, 'port')[0];
    if (!port || !refList(source, 'ports').includes(port)) continue;
    const fipId = m.targetIdOf(fip.address);
    const portId = m.targetIdOf(port);
    if (!fipId || !portId) continue;
    if ((await a.target.floatingIps.portOf(fipId)) !== portId) await a.target.floatingIps.setPort(fipId, portId);
  }
}

/** The downtime ends when the copy is verified: recorded once, with an event. */
export async function recordDowntime(m: MigrationContext, source: InventoryResource): Promise<void> {
  const record = m.ledger.downtime(source.address) ?? {};
  if (record.verifiedAt) return;
  const now = new Date();
  const seconds = record.stoppedAt ? (now.getTime() - Date.parse(record.stoppedAt)) / 1000 : 0;
  await m.ledger.setDowntime(source.address, { ...record, verifiedAt: now.toISOString(), seconds });
  m.events.emit({ type: 'server_downtime', level: 'info', message: `${source.address}: copy verified on the target after ${seconds.toFixed(1)} s of downtime`, data: { server: source.address, seconds, outcome: 'migrated' } });
}

/** The source as the plan says (delete | keep-stopped | keep), once its copy is verified; then the snapshot goes. */
export async function handleSource(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext, source: InventoryResource): Promise<void> {
  const disposition = m.change(source.address)?.move?.source ?? 'keep-stopped';
  const servers = a.source.servers;
  if (disposition === 'delete') {
    ctx.progress({ phase: 'deleting the source server (its copy is verified)' });
    await servers.remove(source.id);
    // Done means gone: a step that ends while Nova still deletes would leave its volumes attached.
    await waitForStatus(() => servers.get(source.id).catch((error: unknown) => {
      if (isNotFound(error)) return { status: 'DELETED' };
      throw error;
    }), { what: `${source.address} being deleted from the source`, want: ['DELETED'], pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: ctx.signal });
  } else if (disposition === 'keep' && m.ledger.downtime(source.address)?.wasActive) {
    const live = await servers.get(source.id);
    if (live.status === 'SHUTOFF') await servers.start(source.id);
  }
  const snapshotId = ctx.checkpoint?.['snapshotId'];
  if (typeof snapshotId === 'string') {
    await a.source.images.remove(snapshotId);
    await m.ledger.removeTemporary(`image:${snapshotId}`);
  }
}

/** The durable "done" on the target itself: a re-plan (even without this state file) sees the move complete. */
export async function markVerified(a: ServerStepAdapters, copyId: string): Promise<void> {
  await a.target.servers.addMetadata(copyId, { [VERIFIED_METADATA_KEY]: new Date().toISOString() });
}
