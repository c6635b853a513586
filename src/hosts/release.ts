import { PumphouseError } from '../errors.js';
import type { StepRunner } from '../executor/runner.js';
import { bootstrapNode, nameAfterHost } from './bootstrap.js';
import { HOST_STEP_CODES, hostNameOf, type HostStepContext } from './context.js';
import type { FuelOps } from './adapters.js';
import { removeSourceServices } from './source-services.js';
import { requireFuel } from './upgrade.js';

/**
 * `release-host`: an evacuated host handed to Fuel before the target exists (the first nodes of
 * the target environment come from the source this way):
 *   1. its services are removed from the source;
 *   2. into Fuel's bootstrap (bootstrap.ts): PXE through its BMC, or unassigned from the source's
 *      Fuel environment and wiped;
 *   3. its `discover` node is named after the host (Fuel calls it `Untitled (…)`), left in no
 *      environment, and the state maps the host to it (`fuel-node:<id>`).
 * Needs no Fuel environment; checkpointed like the upgrade's bootstrap.
 */
const MAPPED = /^fuel-node:(\d+)$/;

export function releaseRunner(h: HostStepContext): StepRunner {
  return {
    async observe(ctx) {
      const gone = (await h.sourceNova.services(hostNameOf(ctx.step.address))).length === 0;
      return { done: gone && h.fuel !== undefined && (await released(h, h.fuel, ctx.step.address)) };
    },
    async run(ctx) {
      const address = ctx.step.address;
      const host = hostNameOf(address);
      const fuel = requireFuel(h, address);
      await removeSourceServices(ctx, h, host);
      const node = await bootstrapNode(ctx, h, fuel, address);
      if (node.cluster !== null) {
        throw new PumphouseError(HOST_STEP_CODES.otherEnvironment, `${address}: its Fuel node ${node.name} (#${node.id}) is in environment #${node.cluster}; a released host is left in none`, {
          hint: 'unassign it in Fuel (or set the host\'s state to upgraded to deploy it there), then run apply again',
        });
      }
      await nameAfterHost(ctx, fuel, node, host);
      await h.m.ledger.saveMapping(address, `fuel-node:${node.id}`);
      return { targetId: `fuel-node:${node.id}` };
    },
    async verify(ctx) {
      if (!(await released(h, requireFuel(h, ctx.step.address), ctx.step.address))) throw new PumphouseError('PH1685', `${ctx.step.address}: its Fuel node is not an unassigned bootstrap node`, { hint: 'see the node in Fuel (fuel node --node-id ID): it must be out of its environment and booted into bootstrap' });
    },
  };
}

/** The state maps the host to a Fuel node that is in no environment. */
async function released(h: HostStepContext, fuel: FuelOps, address: string): Promise<boolean> {
  const id = MAPPED.exec(h.m.ledger.mapping(address) ?? '')?.[1];
  if (id === undefined) return false;
  const node = (await fuel.nodes()).find((n) => n.id === Number(id));
  return node !== undefined && node.cluster === null;
}
