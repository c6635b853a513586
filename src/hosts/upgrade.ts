import { PumphouseError } from '../errors.js';
import type { StepContext, StepRunner } from '../executor/runner.js';
import { bootstrapNode, nameAfterHost } from './bootstrap.js';
import { HOST_STEP_CODES, hostChangeOf, hostNameOf, pollUntil, type HostStepContext } from './context.js';
import { serviceHostsOf } from './fuel-nodes.js';
import { joinEnvironment, targetEnvironment } from './join-environment.js';
import type { FuelNodeRef, FuelOps } from './adapters.js';
import { removeSourceServices } from './source-services.js';

/**
 * `upgrade-host`: the emptied host becomes a node of the target with the plan's roles.
 *   1. into Fuel's bootstrap (bootstrap.ts): PXE through its BMC, or, for a host of a
 *      Fuel-managed source, unassigned from the source environment and wiped by Fuel; the new
 *      node is named after the host;
 *   2. assigned to the environment, laid out (the plan's fixed layout, or a template node's),
 *      provisioned, then deployed, that node only (join-environment.ts);
 *   3. its Nova services serve the target: nova-compute up and enabled for a compute node, the
 *      conductor or scheduler up for a controller (a node with neither role is done when Fuel
 *      says it is ready);
 *   4. its services are removed from the source.
 * Each phase leaves its result in the step's checkpoint before the next begins, so a resumed step
 * never resets or wipes a host twice and never deploys twice.
 */
const NOVA_CONTROL = new Set(['nova-conductor', 'nova-scheduler']);

export function upgradeRunner(h: HostStepContext): StepRunner {
  return {
    async observe(ctx) {
      const mapped = h.m.ledger.mapping(ctx.step.address);
      if (!mapped || !h.fuel) return { done: false };
      const gone = (await h.sourceNova.services(hostNameOf(ctx.step.address))).length === 0;
      return { done: gone && (await serves(h, mapped, rolesOf(h, ctx.step.address))), targetId: mapped };
    },
    async run(ctx) {
      const address = ctx.step.address;
      const fuel = requireFuel(h, address);
      const change = hostChangeOf(h, address);
      const env = await targetEnvironment(h, fuel, address);
      const roles = rolesOf(h, address);
      const start = await nameAfterHost(ctx, fuel, await bootstrapNode(ctx, h, fuel, address, env.id), hostNameOf(address));
      const node = await joinEnvironment(ctx, h, fuel, address, start, {
        environmentId: env.id, environment: env.name, roles,
        ...(change.fuel?.template ? { template: change.fuel.template } : {}), ...(change.fuel?.layout ? { layout: change.fuel.layout } : {}),
      });
      const targetHost = await waitServing(ctx, h, address, node, roles);
      // On disk before the source forgets the host: then only this mapping says it was upgraded.
      await h.m.ledger.saveMapping(address, targetHost);
      await removeSourceServices(ctx, h, hostNameOf(address));
      return { targetId: targetHost };
    },
    async verify(ctx) {
      const mapped = h.m.ledger.mapping(ctx.step.address);
      if (!mapped || !(await serves(h, mapped, rolesOf(h, ctx.step.address)))) throw new PumphouseError('PH1685', `${ctx.step.address}: its node does not serve the target yet`, { hint: 'see the deployment in Fuel and the target\'s compute services; apply again once it serves' });
    },
  };
}

function rolesOf(h: HostStepContext, address: string): string[] {
  return hostChangeOf(h, address).fuel?.roles ?? ['compute'];
}

/** Phase 3: the name the target knows the deployed node by, once its services are up there. */
async function waitServing(ctx: StepContext, h: HostStepContext, address: string, node: FuelNodeRef, roles: readonly string[]): Promise<string> {
  const what = roles.includes('compute') ? 'nova-compute' : roles.includes('controller') ? 'the Nova control services' : 'the node';
  ctx.progress({ phase: `waiting for ${what} on ${serviceHostsOf(node)[0]} to serve the target` });
  return pollUntil(ctx, h, () => servingAs(h, node, roles), {
    timeoutMs: h.m.waitTimeoutMs, code: HOST_STEP_CODES.notServing, what: `${address}: ${what} of Fuel node #${node.id} up in the target`,
    hint: 'look at the node\'s services (their logs, their connection to the target\'s message queue); run apply again to keep waiting',
  });
}

/** The name the target knows the node by once it serves with `roles`; undefined while it does not. */
async function servingAs(h: Pick<HostStepContext, 'targetNova'>, node: FuelNodeRef, roles: readonly string[]): Promise<string | undefined> {
  if (!roles.includes('compute') && !roles.includes('controller')) return node.status === 'ready' ? `fuel-ready:${node.id}` : undefined;
  for (const host of serviceHostsOf(node)) if (await serves(h, host, roles)) return host;
  return undefined;
}

/** Whether `host` serves the target with `roles`: nova-compute up and enabled, or a control service up. */
async function serves(h: Pick<HostStepContext, 'targetNova'>, host: string, roles: readonly string[]): Promise<boolean> {
  if (host.startsWith('fuel-ready:')) return true;
  if (roles.includes('compute')) {
    const service = await h.targetNova.computeService(host);
    return service?.state === 'up' && service.status === 'enabled';
  }
  return (await h.targetNova.services(host)).some((s) => NOVA_CONTROL.has(s.binary) && s.state === 'up');
}

export function requireFuel(h: HostStepContext, address: string): FuelOps {
  if (h.fuel) return h.fuel;
  throw new PumphouseError(HOST_STEP_CODES.noFuel, `${address}: this step needs the Fuel master, and pumphouse.yaml has no \`fuel\``, {
    hint: 'add fuel: { url, username, password: ${FUEL_PASSWORD}, environment } to pumphouse.yaml',
  });
}
