import type { StepRunner } from '../executor/runner.js';
import { hostNameOf, type HostStepContext } from './context.js';

/**
 * `decommission-host`: the last wave, for the source's controllers and anything else that will
 * not serve the target as a compute node. Its services leave the source's Nova and, when
 * pumphouse.yaml names its BMC, the machine is powered off, ready to be added to the target
 * environment by hand (Fuel decides controllers' roles). Done when Nova no longer lists it.
 */
export function decommissionRunner(h: HostStepContext): StepRunner {
  return {
    async observe(ctx) {
      return { done: (await h.sourceNova.computeService(hostNameOf(ctx.step.address))) === undefined };
    },
    async run(ctx) {
      const host = hostNameOf(ctx.step.address);
      const service = await h.sourceNova.computeService(host);
      if (service) {
        ctx.progress({ phase: `removing ${host}'s nova-compute from the source` });
        await h.sourceNova.deleteService(service);
      }
      if (h.hardware[host]) {
        const bmc = h.power(host);
        if ((await bmc.powerState()) === 'on') {
          ctx.progress({ phase: `powering ${host} off through ${bmc.description}` });
          await bmc.powerOff();
        }
      }
    },
    async verify(ctx) {
      const host = hostNameOf(ctx.step.address);
      if (await h.sourceNova.computeService(host)) throw new Error(`${ctx.step.address}: the source still lists nova-compute on ${host}`);
    },
  };
}
