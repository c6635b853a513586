import { PumphouseError } from '../errors.js';
import type { StepRunner } from '../executor/runner.js';
import { hostNameOf, type HostStepContext } from './context.js';
import { removeSourceServices } from './source-services.js';

/**
 * `decommission-host`: for a host that will not serve the target. Its services leave the source's
 * Nova (nova-compute, or a controller's conductor and scheduler) and, when pumphouse.yaml names
 * its BMC, the machine is powered off. Done when Nova lists no service on it.
 */
export function decommissionRunner(h: HostStepContext): StepRunner {
  return {
    async observe(ctx) {
      return { done: (await h.sourceNova.services(hostNameOf(ctx.step.address))).length === 0 };
    },
    async run(ctx) {
      const host = hostNameOf(ctx.step.address);
      await removeSourceServices(ctx, h, host);
      if (h.hardware[host]?.bmc) {
        const bmc = h.power(host);
        if ((await bmc.powerState()) === 'on') {
          ctx.progress({ phase: `powering ${host} off through ${bmc.description}` });
          await bmc.powerOff();
        }
      }
    },
    async verify(ctx) {
      const host = hostNameOf(ctx.step.address);
      const left = await h.sourceNova.services(host);
      if (left.length > 0) throw new PumphouseError('PH1685', `${ctx.step.address}: the source still lists ${left.map((s) => s.binary).join(', ')} on ${host}`, { hint: `remove them from the source by hand (openstack compute service delete), then apply again` });
    },
  };
}
