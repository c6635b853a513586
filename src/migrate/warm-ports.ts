import { PumphouseError } from '../errors.js';
import type { StepContext } from '../executor/runner.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import type { ServerStepAdapters } from './adapters.js';
import type { MigrationContext } from './context.js';

/**
 * A warm copy's ports carry the source's MACs and fixed IPs while the source still runs: on a
 * provider network both clouds share, a copy booted on enabled ports would put each MAC and IP on
 * the wire twice. So its ports are set admin-down before the pre-copy boots it (Neutron passes no
 * traffic on them) and stay down while it waits; the cutover, once the source is stopped, gives
 * each port the source's admin state back and reads it back before the copy starts. A cutover
 * that fails sets them down again before the source restarts. Each call is idempotent, so a
 * resumed step at any phase ends with the same ports.
 */

interface CopyPort { address: string; targetId: string; sourceUp: boolean }

/** The server's ports that have a copy on the target, with the admin state of each source port. */
function copyPorts(m: MigrationContext, source: InventoryResource): CopyPort[] {
  return refList(source, 'ports').flatMap((address) => {
    const targetId = m.targetIdOf(address);
    if (!targetId) return [];
    return [{ address, targetId, sourceUp: m.sourceLookup.get(address)?.attributes['adminStateUp'] !== false }];
  });
}

/** Before the pre-copy boots (or takes on) its copy: every port of it admin-down. */
export async function disableCopyPorts(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext, source: InventoryResource): Promise<void> {
  const ports = copyPorts(m, source);
  if (ports.length === 0) return;
  ctx.progress({ phase: `setting the copy's ${ports.length} port(s) admin-down: it must not be reachable before its cutover` });
  for (const port of ports) await a.target.ports.setAdminStateUp(port.targetId, false);
}

/** At the cutover, the source stopped: each port as the source's, read back, before the copy starts. */
export async function restoreCopyPorts(m: MigrationContext, a: ServerStepAdapters, ctx: StepContext, source: InventoryResource): Promise<void> {
  const ports = copyPorts(m, source);
  if (ports.length === 0) return;
  ctx.progress({ phase: `setting the copy's ports admin state as the source's` });
  for (const port of ports) {
    await a.target.ports.setAdminStateUp(port.targetId, port.sourceUp);
    const now = await a.target.ports.adminStateUp(port.targetId);
    if (now !== port.sourceUp) {
      throw new PumphouseError('PH1475', `${source.address}: port ${port.address} of its copy (${port.targetId}) reads back admin_state_up=${now}, not ${port.sourceUp} as on the source; the copy was not started`, {
        hint: `set it on the target (openstack port set --${port.sourceUp ? 'enable' : 'disable'} ${port.targetId}), then run apply again`,
      });
    }
  }
}

/** After a failed cutover, before the source restarts: no port of the copy stays enabled. Never throws. */
export async function disableCopyPortsAfterFailure(m: MigrationContext, a: ServerStepAdapters, source: InventoryResource): Promise<void> {
  for (const port of copyPorts(m, source)) {
    try {
      await a.target.ports.setAdminStateUp(port.targetId, false);
    } catch (error) {
      m.events.emit({
        type: 'warning', level: 'warn',
        message: `${source.address}: port ${port.targetId} of its copy could not be set admin-down after the failed cutover (${error instanceof Error ? error.message : String(error)}): disable it on the target (openstack port set --disable ${port.targetId}) before the source's addresses are used`,
        data: { code: 'PH1476', cloud: m.target.label },
      });
    }
  }
}
