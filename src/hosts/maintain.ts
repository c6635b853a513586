import { PumphouseError } from '../errors.js';
import type { StepRunner } from '../executor/runner.js';
import { HOST_STEP_CODES, hostNameOf, type HostStepContext } from './context.js';
import type { ComputeServiceView } from './adapters.js';

/**
 * `maintain-host`: the host's nova-compute is disabled with a reason naming the plan, so the
 * scheduler sends no new server there while the host is emptied. Disabling is idempotent and
 * changes nothing that runs on the host. A host whose nova-compute is gone from the source has
 * moved past maintenance (a resumed apply finds it so once the upgrade removed it): done.
 */
export function maintainRunner(h: HostStepContext): StepRunner {
  return {
    async observe(ctx) {
      const found = await h.sourceNova.computeService(hostNameOf(ctx.step.address));
      return { done: found === undefined || found.status === 'disabled' };
    },
    async run(ctx) {
      ctx.progress({ phase: 'disabling nova-compute on the source (no new servers land there)' });
      await h.sourceNova.disableService(await computeServiceOf(h, ctx.step.address), `pumphouse: plan ${h.m.planName} is upgrading this host`);
    },
    async verify(ctx) {
      const now = await h.sourceNova.computeService(hostNameOf(ctx.step.address));
      if (now && now.status !== 'disabled') throw new PumphouseError('PH1685', `${ctx.step.address}: nova-compute is still ${now.status}`, { hint: 'something enabled it again: find out what, then apply again' });
    },
  };
}

/** @throws PH1660 when the source has no nova-compute on the host */
async function computeServiceOf(h: HostStepContext, address: string): Promise<ComputeServiceView> {
  const host = hostNameOf(address);
  const found = await h.sourceNova.computeService(host);
  if (!found) {
    throw new PumphouseError(HOST_STEP_CODES.noComputeService, `${address}: the source has no nova-compute service on ${host}`, {
      hint: 'check the name with `pumphouse hosts`; a host already removed from the source needs no maintenance',
    });
  }
  return found;
}
