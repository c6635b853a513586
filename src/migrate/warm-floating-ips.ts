import { markTags } from '../diff/marks.js';
import type { StepContext } from '../executor/runner.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { isConflict, isNotFound, isStatus } from '../openstack/index.js';
import type { FloatingIpOps, FloatingIpView, ServerStepAdapters } from './adapters.js';
import type { MigrationContext } from './context.js';

/**
 * A warm cutover moves a server's floating IPs while the source is stopped: each is released on
 * the source, then the same address is taken on the target's external network (the usual case
 * when both clouds share the hardware's external segment; another address where the target's
 * range does not hold it) and pointed at the port's copy. What is released is written to the
 * cutover step's checkpoint FIRST, with everything needed to make it again on either side: a
 * resumed cutover (whose re-plan no longer sees the released address on the source) finishes the
 * move from there, and a failed one gives the address back to the source (restoreFloatingIps).
 * Both clouds are reached through the adapters' floating IPs (adapters.ts).
 */

type Clouds = Pick<ServerStepAdapters, 'source' | 'target'>;

export interface MovedFloatingIp {
  /** The source floating IP's id: the target copy's mark. */
  sourceId: string;
  address: string;
  description: string;
  source: { networkId: string; portId: string; projectId: string };
  target: { networkId: string; portId: string; projectId: string };
}

const CHECKPOINT_KEY = 'movedFloatingIps';

export function movedFloatingIps(ctx: StepContext): Record<string, MovedFloatingIp> {
  return { ...((ctx.checkpoint?.[CHECKPOINT_KEY] ?? {}) as Record<string, MovedFloatingIp>) };
}

/** The source floating IPs on the server's ports, as discovered. */
export function floatingIpsOfServer(m: MigrationContext, server: InventoryResource): InventoryResource[] {
  const ports = new Set(refList(server, 'ports'));
  return m.sourceLookup.ofKind('floating-ip').filter((fip) => ports.has(refList(fip, 'port')[0] ?? ''));
}

function planMove(m: MigrationContext, fip: InventoryResource): MovedFloatingIp {
  const port = refList(fip, 'port')[0] as string;
  const net = refList(fip, 'network')[0] as string;
  return {
    sourceId: fip.id,
    address: String(fip.attributes['floatingIpAddress']),
    description: typeof fip.attributes['description'] === 'string' ? fip.attributes['description'] : '',
    source: { networkId: m.sourceObject(net).id, portId: m.sourceObject(port).id, projectId: fip.project?.id ?? '' },
    target: { networkId: m.requireTargetId(net, `the network of ${fip.address}`), portId: m.requireTargetId(port, `the port of ${fip.address}`), projectId: m.targetProjectOf(fip) },
  };
}

/** Releases each floating IP of the server on the source and takes it on the target, idempotently. */
export async function moveFloatingIps(m: MigrationContext, a: Clouds, ctx: StepContext, server: InventoryResource): Promise<void> {
  const moved = movedFloatingIps(ctx);
  for (const fip of floatingIpsOfServer(m, server)) moved[fip.address] ??= planMove(m, fip);
  if (Object.keys(moved).length === 0) return;
  await ctx.saveCheckpoint({ [CHECKPOINT_KEY]: moved });
  for (const [address, move] of Object.entries(moved)) {
    ctx.progress({ phase: `moving floating IP ${move.address} to the target` });
    await releaseOnSource(a.source.floatingIps, move);
    ctx.progress({ phase: `floating IP ${move.address} released on the source` });
    const copyId = await takeOnTarget(m, a.target.floatingIps, move, ctx);
    m.ledger.setMapping(address, copyId);
  }
}

async function releaseOnSource(source: FloatingIpOps, move: MovedFloatingIp): Promise<void> {
  try {
    await source.remove(move.sourceId);
  } catch (error) {
    if (!isNotFound(error)) throw error; // released by an earlier attempt
  }
}

/** The target's floating IP with the source's mark, else an unmarked one with its address (a kill before the tags). */
async function findOnTarget(target: FloatingIpOps, move: MovedFloatingIp): Promise<FloatingIpView | undefined> {
  const marked = await target.listMarked(move.sourceId);
  if (marked[0]) return marked[0];
  const same = await target.listByAddress(move.address, move.target.projectId);
  return same.find((f) => (f.tags ?? []).length === 0 && f.floating_network_id === move.target.networkId);
}

async function takeOnTarget(m: MigrationContext, target: FloatingIpOps, move: MovedFloatingIp, ctx: StepContext): Promise<string> {
  let copy = await findOnTarget(target, move);
  if (!copy) {
    const body = { project_id: move.target.projectId, floating_network_id: move.target.networkId, description: move.description };
    try {
      copy = await target.create({ ...body, floating_ip_address: move.address });
    } catch (error) {
      if (!isConflict(error) && !isStatus(error, 400)) throw error;
      ctx.progress({ phase: `address ${move.address} is taken or not in the target's range: allocating another` });
      copy = await target.create(body);
    }
  }
  await target.setTags(copy.id, [...new Set([...(copy.tags ?? []), ...markTags(move.sourceId, m.planName)])]);
  if (copy.port_id !== move.target.portId) await target.setPort(copy.id, move.target.portId);
  return copy.id;
}

/**
 * After a failed cutover: each moved address leaves the target and goes back to the source
 * server's port. Never throws: what it cannot restore it says in a warning (PH1473).
 */
export async function restoreFloatingIps(m: MigrationContext, a: Clouds, ctx: StepContext): Promise<void> {
  const moved = movedFloatingIps(ctx);
  for (const [key, move] of Object.entries(moved)) {
    try {
      const copy = await findOnTarget(a.target.floatingIps, move);
      if (copy) await a.target.floatingIps.remove(copy.id);
      await giveBackToSource(a.source.floatingIps, move);
      // Given back under a new id: the next attempt moves it as discovery then sees it.
      delete moved[key];
    } catch (error) {
      m.events.emit({ type: 'warning', level: 'warn', message: `${ctx.step.address}: floating IP ${move.address} could not be given back to the source (${String(error instanceof Error ? error.message : error)}): allocate it there and associate it with port ${move.source.portId}`, data: { code: 'PH1473', cloud: m.source.label } });
    }
  }
  await ctx.saveCheckpoint({ [CHECKPOINT_KEY]: moved });
}

async function giveBackToSource(source: FloatingIpOps, move: MovedFloatingIp): Promise<void> {
  const there = (await source.listByAddress(move.address)).find((f) => f.floating_network_id === move.source.networkId);
  const fip = there ?? await source.create({
    project_id: move.source.projectId, floating_network_id: move.source.networkId, floating_ip_address: move.address, description: move.description,
  });
  if (fip.port_id !== move.source.portId) await source.setPort(fip.id, move.source.portId);
}
