import type { StepRunner } from '../executor/runner.js';
import type { InventoryResource } from '../inventory/model.js';
import { SETTABLE_LIMITS } from '../model/kinds/quota.js';
import type { QuotaOps } from './adapters.js';
import type { MigrationContext } from './context.js';
import { targetQuotas } from './openstack-adapters.js';
import { PumphouseError } from '../errors.js';

/**
 * Quotas: the source project's limits set on the target project. Only the keys each API still
 * accepts are sent (the model's SETTABLE_LIMITS; a newer target answers 400 for the others).
 * Observe compares the target's current limits (through QuotaOps: adapters.ts).
 */
function desiredLimits(source: InventoryResource): { service: string; limits: Record<string, number> } {
  const service = String(source.attributes['service']);
  const all = (source.attributes['limits'] ?? {}) as Record<string, unknown>;
  const limits: Record<string, number> = {};
  for (const key of SETTABLE_LIMITS[service as keyof typeof SETTABLE_LIMITS] ?? []) if (typeof all[key] === 'number') limits[key] = all[key] as number;
  return { service, limits };
}

export function quotaRunner(m: MigrationContext, quotas: QuotaOps = targetQuotas(m.target)): StepRunner {
  const differs = async (address: string): Promise<boolean> => {
    const source = m.sourceObject(address);
    const { service, limits } = desiredLimits(source);
    const current = await quotas.limits(service, m.targetProjectOf(source));
    return Object.entries(limits).some(([key, value]) => current[key] !== value);
  };
  return {
    async observe(ctx) {
      return (await differs(ctx.step.address)) ? { done: false } : { done: true };
    },
    async run(ctx) {
      const source = m.sourceObject(ctx.step.address);
      const { service, limits } = desiredLimits(source);
      await quotas.setLimits(service, m.targetProjectOf(source), limits);
    },
    async verify(ctx) {
      if (await differs(ctx.step.address)) throw new PumphouseError('PH1684', `${ctx.step.address}: the target's limits still differ after the update`, { hint: 'the target may cap the limit (a quota driver or a policy): compare them with `openstack quota show`' });
    },
  };
}
