import { PumphouseError } from '../errors.js';
import type { StepRunner } from '../executor/runner.js';
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
  /** The name the target knows the node by once it serves with `roles`; undefined while it does not. */
  async function servingAs(node: FuelNodeRef, roles: readonly string[]): Promise<string | undefined> {
    if (!roles.includes('compute') && !roles.includes('controller')) return node.status === 'ready' ? `fuel-ready:${node.id}` : undefined;
    for (const host of serviceHostsOf(node)) if (await serves(host, roles)) return host;
    return undefined;
  }

  async function serves(host: string, roles: readonly string[]): Promise<boolean> {
    if (host.startsWith('fuel-ready:')) return true;
    if (roles.includes('compute')) {
      const service = await h.targetNova.computeService(host);
      return service?.state === 'up' && service.status === 'enabled';
    }
    return (await h.targetNova.services(host)).some((s) => NOVA_CONTROL.has(s.binary) && s.state === 'up');
  }

  const rolesOf = (address: string): string[] => hostChangeOf(h, address).fuel?.roles ?? ['compute'];

  return {
    async observe(ctx) {
      const mapped = h.m.ledger.mapping(ctx.step.address);
      if (!mapped || !h.fuel) return { done: false };
      const gone = (await h.sourceNova.services(hostNameOf(ctx.step.address))).length === 0;
      return { done: gone && (await serves(mapped, rolesOf(ctx.step.address))), targetId: mapped };
    },
    async run(ctx) {
      const address = ctx.step.address;
      const fuel = requireFuel(h, address);
      const change = hostChangeOf(h, address);
      const env = await targetEnvironment(h, fuel, address);
      const roles = rolesOf(address);
      const start = await nameAfterHost(ctx, fuel, await bootstrapNode(ctx, h, fuel, address, env.id), hostNameOf(address));
      const node = await joinEnvironment(ctx, h, fuel, address, start, {
        environmentId: env.id, environment: env.name, roles,
        ...(change.fuel?.template ? { template: change.fuel.template } : {}), ...(change.fuel?.layout ? { layout: change.fuel.layout } : {}),
      });
      const what = roles.includes('compute') ? 'nova-compute' : roles.includes('controller') ? 'the Nova control services' : 'the node';
      ctx.progress({ phase: `waiting for ${what} on ${serviceHostsOf(node)[0]} to serve the target` });
      const targetHost = await pollUntil(ctx, h, () => servingAs(node, roles), {
        timeoutMs: h.m.waitTimeoutMs, code: HOST_STEP_CODES.notServing, what: `${address}: ${what} of Fuel node #${node.id} up in the target`,
        hint: 'look at the node\'s services (their logs, their connection to the target\'s message queue); run apply again to keep waiting',
      });
      // On disk before the source forgets the host: then only this mapping says it was upgraded.
      await h.m.ledger.saveMapping(address, targetHost);
      await removeSourceServices(ctx, h, hostNameOf(address));
      return { targetId: targetHost };
    },
    async verify(ctx) {
      const mapped = h.m.ledger.mapping(ctx.step.address);
      if (!mapped || !(await serves(mapped, rolesOf(ctx.step.address)))) throw new Error(`${ctx.step.address}: its node does not serve the target yet`);
    },
  };
}

export function requireFuel(h: HostStepContext, address: string): FuelOps {
  if (h.fuel) return h.fuel;
  throw new PumphouseError(HOST_STEP_CODES.noFuel, `${address}: this step needs the Fuel master, and pumphouse.yaml has no \`fuel\``, {
    hint: 'add fuel: { url, username, password: ${FUEL_PASSWORD}, environment } to pumphouse.yaml',
  });
}
