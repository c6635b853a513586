import { PumphouseError } from '../errors.js';
import type { StepContext } from '../executor/runner.js';
import { HOST_STEP_CODES, hostNameOf, pollUntil, type HostStepContext } from './context.js';
import { findHostNode, nodeWithMac, nodeWithMacSet } from './fuel-nodes.js';
import { followTask } from './fuel-tasks.js';
import type { FuelNodeRef, FuelOps } from './adapters.js';

/**
 * A source host into Fuel's bootstrap: a `discover` node of no environment, ready to be assigned
 * (or, on a resume, the node it already became). Two ways, as pumphouse.yaml says:
 *   bmc   PXE as the next boot and a reset through its BMC; the node that registers with one of
 *         its PXE MACs is the host;
 *   fuel  its node is unassigned from the source's Fuel environment and that change deployed:
 *         Fuel wipes it and it reboots into the bootstrap; the node that registers with the same
 *         set of interface MACs is the host (its id is new). No BMC is touched.
 * Every phase is in the step's checkpoint before the next begins (the source node and its MACs,
 * the removal task, the new node), so a resumed step never resets a host twice nor deploys the
 * removal twice.
 */
export interface BootstrapCheckpoint {
  pxeBootedAt?: string;
  /** The node the host is in the bootstrap as (or beyond). */
  nodeId?: number;
  sourceNodeId?: number;
  sourceEnvironmentId?: number;
  /** Every interface MAC of the source node: how the wiped machine is recognised. */
  macs?: string[];
  removalTaskId?: number;
}

export async function bootstrapNode(ctx: StepContext, h: HostStepContext, fuel: FuelOps, address: string, targetEnvironmentId?: number): Promise<FuelNodeRef> {
  const saved = checkpointOf(ctx);
  if (saved.nodeId !== undefined) return fuel.node(saved.nodeId);
  return h.management(hostNameOf(address)) === 'fuel' ? viaFuel(ctx, h, fuel, address, targetEnvironmentId) : viaBmc(ctx, h, fuel, address);
}

/**
 * A bootstrap node takes its host's name (Fuel calls it `Untitled (…)`), so Fuel's UI and
 * `pumphouse hosts --check` recognise it, whatever its id. Only while it is in no environment.
 */
export async function nameAfterHost(ctx: StepContext, fuel: FuelOps, node: FuelNodeRef, host: string): Promise<FuelNodeRef> {
  if (node.cluster !== null || node.name === host) return node;
  ctx.progress({ phase: `naming Fuel node #${node.id} ${host}` });
  await fuel.rename(node.id, host);
  return { ...node, name: host };
}

function checkpointOf(ctx: StepContext): BootstrapCheckpoint {
  return (ctx.checkpoint ?? {}) as BootstrapCheckpoint;
}

async function viaBmc(ctx: StepContext, h: HostStepContext, fuel: FuelOps, address: string): Promise<FuelNodeRef> {
  const macs = pxeMacsOf(h, address);
  const known = nodeWithMac(await fuel.nodes(), macs);
  if (known) {
    await ctx.saveCheckpoint({ nodeId: known.id });
    return known;
  }
  if (!checkpointOf(ctx).pxeBootedAt) {
    const bmc = h.power(hostNameOf(address));
    ctx.progress({ phase: `setting PXE as the next boot and resetting the host through ${bmc.description}` });
    await bmc.bootFromNetwork();
    await ctx.saveCheckpoint({ pxeBootedAt: new Date().toISOString() });
  }
  ctx.progress({ phase: `waiting for the host to boot Fuel's bootstrap and register (MAC ${macs.join(', ')})` });
  const node = await pollUntil(ctx, h, async () => {
    const found = nodeWithMac(await fuel.nodes(), macs);
    return found && found.online ? found : undefined;
  }, {
    timeoutMs: h.discoverTimeoutMs ?? 15 * 60_000, code: HOST_STEP_CODES.notInFuel, what: `${address}: no Fuel node with MAC ${macs.join(', ')}`,
    hint: 'check on the host\'s console that it PXE-boots from the Fuel admin network (BIOS boot order, the NIC, DHCP from the Fuel master); run apply again to wait more',
  });
  await ctx.saveCheckpoint({ nodeId: node.id });
  return node;
}

function pxeMacsOf(h: HostStepContext, address: string): string[] {
  const host = hostNameOf(address);
  const macs = h.hardware[host]?.pxeMacs ?? [];
  if (macs.length > 0) return macs;
  throw new PumphouseError(HOST_STEP_CODES.noPxeMacs, `${address}: pumphouse.yaml names no PXE MAC for ${host}, so its Fuel node cannot be recognised`, {
    hint: `add hosts.${host}.pxe_macs: [the MAC of the NIC it PXE-boots from], or set hosts.${host}.management: fuel if the source's Fuel manages it`,
  });
}

async function viaFuel(ctx: StepContext, h: HostStepContext, fuel: FuelOps, address: string, targetEnvironmentId: number | undefined): Promise<FuelNodeRef> {
  if (!checkpointOf(ctx).macs) {
    const found = await sourceNode(h, fuel, address);
    // Already out of the source (released earlier, or a resume that lost its checkpoint): nothing to remove.
    if (found.cluster === null || found.cluster === targetEnvironmentId) {
      await ctx.saveCheckpoint({ nodeId: found.id });
      return found;
    }
    await ctx.saveCheckpoint({ sourceNodeId: found.id, sourceEnvironmentId: found.cluster, macs: found.macs });
  }
  const { macs, sourceEnvironmentId } = checkpointOf(ctx) as Required<Pick<BootstrapCheckpoint, 'macs' | 'sourceEnvironmentId'>>;
  const current = nodeWithMacSet(await fuel.nodes(), macs);
  if (current && current.cluster === sourceEnvironmentId) await removeFromEnvironment(ctx, h, fuel, current, sourceEnvironmentId);
  ctx.progress({ phase: `waiting for the host to boot Fuel's bootstrap and register again (MACs ${macs.join(', ')})` });
  const node = await pollUntil(ctx, h, async () => {
    const found = nodeWithMacSet(await fuel.nodes(), macs);
    return found && found.cluster === null && found.online ? found : undefined;
  }, {
    timeoutMs: h.discoverTimeoutMs ?? 15 * 60_000, code: HOST_STEP_CODES.notInFuel, what: `${address}: no Fuel node with MACs ${macs.join(', ')} after its removal from the source environment`,
    hint: 'look at the host\'s console: Fuel wiped it and it should boot the bootstrap from the admin network; run apply again to wait more',
  });
  await ctx.saveCheckpoint({ nodeId: node.id });
  return node;
}

/** The host's node in the source's Fuel environment (by PXE MACs when given, else by name). */
async function sourceNode(h: HostStepContext, fuel: FuelOps, address: string): Promise<FuelNodeRef> {
  const host = hostNameOf(address);
  const nodes = await fuel.nodes();
  const found = findHostNode(nodes, host, h.hardware[host]?.pxeMacs ?? []);
  const wanted = h.fuelSourceEnvironment;
  const environments = await fuel.environments();
  const sourceId = wanted === undefined ? undefined : environments.find((e) => e.name === wanted)?.id;
  if (found && (wanted === undefined || found.cluster === null || found.cluster === sourceId)) return found;
  const where = found ? `its node #${found.id} is in environment ${environments.find((e) => e.id === found.cluster)?.name ?? found.cluster}, not ${wanted}` : 'Fuel has no node of that name';
  throw new PumphouseError(HOST_STEP_CODES.noSourceNode, `${address}: ${host} is managed by Fuel (pumphouse.yaml), but ${where}`, {
    hint: `check the node's name in Fuel (\`pumphouse hosts --check\`), give hosts.${host}.pxe_macs to find it by MAC, or set fuel.source_environment; a host Fuel does not manage needs management: bmc`,
  });
}

/** Unassigned (once), then the environment's change deployed (once): Fuel wipes the node. */
async function removeFromEnvironment(ctx: StepContext, h: HostStepContext, fuel: FuelOps, node: FuelNodeRef, environmentId: number): Promise<void> {
  const environment = (await fuel.environments()).find((e) => e.id === environmentId)?.name ?? `#${environmentId}`;
  if (!node.pendingDeletion) {
    await refuseOtherPending(fuel, environmentId, environment, node.id);
    ctx.progress({ phase: `unassigning Fuel node #${node.id} (${node.name}) from environment ${environment}` });
    await fuel.unassign(environmentId, node.id);
  }
  await followTask(ctx, h, fuel, {
    environmentId, name: 'deploy', key: 'removalTaskId',
    label: `removing node #${node.id} from environment ${environment} (Fuel wipes it; it reboots into the bootstrap)`,
    start: async () => {
      await refuseOtherPending(fuel, environmentId, environment, node.id);
      return fuel.deployChanges(environmentId);
    },
  });
}

/** `PUT /changes` deploys every pending change of the environment: only this node's may be pending. */
async function refuseOtherPending(fuel: FuelOps, environmentId: number, environment: string, nodeId: number): Promise<void> {
  const others = (await fuel.nodes()).filter((n) => n.cluster === environmentId && n.id !== nodeId && (n.pendingAddition || n.pendingDeletion || n.pendingRoles.length > 0));
  if (others.length === 0) return;
  const what = others.map((n) => `#${n.id} ${n.name} (${n.pendingDeletion ? 'pending deletion' : n.pendingAddition ? 'pending addition' : `pending roles ${n.pendingRoles.join(',')}`})`);
  throw new PumphouseError(HOST_STEP_CODES.sourcePending, `Fuel environment ${environment} has other pending changes, which deploying this host's removal would apply too: ${what.join(', ')}`, {
    hint: 'deploy or discard them in Fuel first (its deployment applies every pending change of the environment), then run apply again',
  });
}
