import type { StepContext } from '../executor/runner.js';
import type { HostStepContext } from './context.js';

/**
 * The host leaves the source's Nova: every service it ran there is deleted (nova-compute for a
 * hypervisor; conductor, scheduler and the rest for a controller), as the original's
 * DeleteServicesFromNode did. Idempotent: a service already gone is not looked for.
 */
export async function removeSourceServices(ctx: StepContext, h: HostStepContext, host: string): Promise<void> {
  const services = await h.sourceNova.services(host);
  if (services.length === 0) return;
  ctx.progress({ phase: `removing ${host}'s ${services.map((s) => s.binary).join(', ')} from the source` });
  for (const service of services) await h.sourceNova.deleteService(service);
}
