import { fixedLayoutMismatch } from '../fuel/index.js';
import { PumphouseError } from '../errors.js';
import type { StepContext } from '../executor/runner.js';
import { HOST_STEP_CODES, hostChangeOf, hostNameOf, type HostStepContext } from './context.js';
import { namesOf } from './fuel-nodes.js';
import { followTask } from './fuel-tasks.js';
import type { FixedLayoutRef, FuelNodeRef, FuelOps } from './adapters.js';

/**
 * A bootstrap node into a Fuel environment with the plan's roles: assigned, its disks and
 * interfaces laid out (the plan's fixed layout, or a template node's), provisioned, then deployed,
 * that node only. Fuel's own state is read at each phase, so a resumed step neither assigns twice
 * nor provisions a node that is already provisioned; the tasks are followed as fuel-tasks.ts says.
 */
export interface Placement {
  environmentId: number;
  environment: string;
  roles: readonly string[];
  /** The node whose layout is copied (a name Fuel or the target knows it by). */
  template?: string;
  layout?: FixedLayoutRef;
}

const PROVISIONED = new Set(['provisioned', 'deploying', 'ready']);

export async function joinEnvironment(ctx: StepContext, h: HostStepContext, fuel: FuelOps, address: string, start: FuelNodeRef, placement: Placement): Promise<FuelNodeRef> {
  let node = start;
  const { environmentId: envId, environment } = placement;
  if (node.cluster !== null && node.cluster !== envId) {
    throw new PumphouseError(HOST_STEP_CODES.otherEnvironment, `${address}: its Fuel node ${node.name} (#${node.id}) belongs to environment #${node.cluster}, not ${environment} (#${envId})`, {
      hint: 'unassign it in Fuel (or delete the node so it registers afresh), then run apply again',
    });
  }
  if (node.cluster === null) {
    // Before anything is sent for it: a fixed layout that cannot fit leaves the node as it is.
    if (placement.layout) await requireFixedLayoutFits(fuel, node.id, placement.layout, envId);
    ctx.progress({ phase: `assigning Fuel node #${node.id} to environment ${environment} as ${placement.roles.join(', ')}` });
    await fuel.assign(envId, node.id, placement.roles);
    node = await fuel.node(node.id);
  }
  if (!PROVISIONED.has(node.status)) {
    // Fuel refuses layout changes while a node provisions (a resume finds it so): only before.
    if (node.status === 'discover') await layOut(ctx, fuel, address, node, placement);
    await followTask(ctx, h, fuel, { environmentId: envId, name: 'provision', key: 'provisionTaskId', start: () => fuel.provision(envId, node.id), label: `provisioning node #${node.id}`, nodeId: node.id });
    node = await fuel.node(node.id);
  }
  if (node.status !== 'ready') {
    await followTask(ctx, h, fuel, {
      environmentId: envId, name: 'deployment', key: 'deployTaskId', start: () => fuel.deploy(envId, node.id), label: `deploying node #${node.id} as ${placement.roles.join(', ')}`, nodeId: node.id,
    });
    node = await fuel.node(node.id);
  }
  return node;
}

/** The environment the plan sends the host to (pumphouse.yaml's unless the plan names one). */
export async function targetEnvironment(h: HostStepContext, fuel: FuelOps, address: string): Promise<{ id: number; name: string }> {
  const name = hostChangeOf(h, address).fuel?.environment ?? h.fuelEnvironment;
  if (!name) throw new PumphouseError(HOST_STEP_CODES.noFuel, `${address}: no Fuel environment to add it to`, { hint: 'set fuel.environment in pumphouse.yaml (or spec.hosts[].fuel.environment in the plan)' });
  return { id: await fuel.environmentId(name), name };
}

/** @throws PH1913 naming every mismatch */
export async function requireFixedLayoutFits(fuel: FuelOps, nodeId: number, layout: FixedLayoutRef, environmentId: number): Promise<void> {
  const problems = await fuel.fixedLayoutProblems(nodeId, layout, environmentId);
  if (problems.length > 0) throw fixedLayoutMismatch(problems);
}

async function layOut(ctx: StepContext, fuel: FuelOps, address: string, node: FuelNodeRef, placement: Placement): Promise<void> {
  if (placement.layout) {
    ctx.progress({ phase: `laying out the disks and interfaces of node #${node.id} as the plan says` });
    await fuel.applyFixedLayout(node.id, placement.layout, placement.environmentId);
    return;
  }
  const model = await template(fuel, address, node.id, placement);
  ctx.progress({ phase: `copying the disk and interface layout of ${model.fqdn ?? model.name}` });
  await fuel.copyLayout(node.id, model.id, placement.environmentId);
}

/** The plan's template, else the first ready node of the environment with every role the host gets. */
async function template(fuel: FuelOps, address: string, self: number, placement: Placement): Promise<FuelNodeRef> {
  const nodes = (await fuel.nodes()).filter((n) => n.cluster === placement.environmentId && n.id !== self);
  const alike = nodes.filter((n) => n.status === 'ready' && placement.roles.every((r) => n.roles.includes(r))).sort((a, b) => a.id - b.id);
  const named = placement.template;
  const found = named ? nodes.find((n) => namesOf(n).includes(named) || `node-${n.id}` === named) : alike[0];
  if (found) return found;
  const roles = placement.roles.join(', ');
  throw new PumphouseError(HOST_STEP_CODES.noTemplate, named ? `${address}: the template node ${named} is not in Fuel environment ${placement.environment}` : `${address}: Fuel environment ${placement.environment} has no ready ${roles} node to copy the layout of ${hostNameOf(address)} from`, {
    hint: `name one in spec.hosts[].fuel.template (ready ${roles} nodes: ${alike.map((n) => n.fqdn ?? n.name).join(', ') || 'none'}), or give the layout itself in spec.hosts[].fuel.layout`,
  });
}
