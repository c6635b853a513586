import type { StepRunner } from '../executor/runner.js';
import type { InventoryResource } from '../inventory/model.js';
import { blockStorage, compute, network } from '../openstack/index.js';
import type { MigrationContext } from './context.js';

/**
 * Quotas: the source project's limits set on the target project. Only the keys each API still
 * accepts are sent (Nova dropped its network quotas at 2.36 and injected files at 2.57; a
 * newer target answers 400 for them). Observe compares the target's current limits.
 */
const SETTABLE: Record<string, readonly string[]> = {
  compute: ['cores', 'ram', 'instances', 'key_pairs', 'metadata_items', 'server_groups', 'server_group_members'],
  network: ['network', 'subnet', 'port', 'router', 'floatingip', 'security_group', 'security_group_rule'],
  'block-storage': ['volumes', 'snapshots', 'gigabytes', 'backups', 'backup_gigabytes', 'per_volume_gigabytes', 'groups'],
};

function desiredLimits(source: InventoryResource): { service: string; limits: Record<string, number> } {
  const service = String(source.attributes['service']);
  const all = (source.attributes['limits'] ?? {}) as Record<string, unknown>;
  const limits: Record<string, number> = {};
  for (const key of SETTABLE[service] ?? []) if (typeof all[key] === 'number') limits[key] = all[key] as number;
  return { service, limits };
}

async function currentLimits(m: MigrationContext, service: string, projectId: string): Promise<Record<string, unknown>> {
  if (service === 'compute') return { ...(await compute.quotas.get(await m.target.compute(), projectId)) };
  if (service === 'network') return { ...(await network.quotas.get(await m.target.network(), projectId)) };
  return { ...(await blockStorage.quotas.get(await m.target.blockStorage(), projectId)) };
}

export function quotaRunner(m: MigrationContext): StepRunner {
  const differs = async (address: string): Promise<boolean> => {
    const source = m.sourceObject(address);
    const { service, limits } = desiredLimits(source);
    const current = await currentLimits(m, service, m.targetProjectOf(source));
    return Object.entries(limits).some(([key, value]) => current[key] !== value);
  };
  return {
    async observe(ctx) {
      return (await differs(ctx.step.address)) ? { done: false } : { done: true };
    },
    async run(ctx) {
      const source = m.sourceObject(ctx.step.address);
      const { service, limits } = desiredLimits(source);
      const projectId = m.targetProjectOf(source);
      if (service === 'compute') await compute.quotas.update(await m.target.compute(), projectId, limits);
      else if (service === 'network') await network.quotas.update(await m.target.network(), projectId, limits);
      else await blockStorage.quotas.update(await m.target.blockStorage(), projectId, limits);
    },
    async verify(ctx) {
      if (await differs(ctx.step.address)) throw new Error(`${ctx.step.address}: the target's limits still differ after the update`);
    },
  };
}
