import type { StepRunner } from '../executor/runner.js';
import { UnsupportedStepError } from '../executor/runner.js';
import { isMarkKey } from '../diff/marks.js';
import type { ResourceKind } from '../inventory/model.js';
import { compute, identity, image } from '../openstack/index.js';
import type { MigrationContext } from './context.js';
import { IDENTITY_UPDATERS } from './updates/identity.js';
import { NETWORK_UPDATERS } from './updates/network.js';
import { withMarks, type Updater } from './updates/updater.js';
import { VOLUME_UPDATERS } from './updates/volume.js';

/**
 * `update` steps: a copy on the target whose settable attributes or compared references differ
 * from the source (the diff's `differences`, `after` being the source's value). Each kind's
 * updater (src/migrate/updates/, by kind family) writes them with the API's own idempotent
 * updates, so running one twice is harmless; there is nothing to observe first. Essentials never
 * reach here: the diff makes them conflicts. Quotas have their own runner (quotas.ts).
 */
export type { UpdateDetails, Updater } from './updates/updater.js';

const UPDATERS: Partial<Record<ResourceKind, Updater>> = {
  ...IDENTITY_UPDATERS,
  ...NETWORK_UPDATERS,
  ...VOLUME_UPDATERS,
  user: async (m, id, after) => {
    await identity.users.update(await m.target.identity(), id, {
      ...('enabled' in after ? { enabled: after['enabled'] as boolean } : {}),
      ...('email' in after && typeof after['email'] === 'string' ? { email: after['email'] } : {}),
      ...('description' in after ? { description: String(after['description'] ?? '') } : {}),
    });
  },
  flavor: async (m, id, after) => {
    if ('extraSpecs' in after) await compute.flavors.setExtraSpecs(await m.target.compute(), id, after['extraSpecs'] as Record<string, string>);
  },
  image: async (m, id, after, sourceId) => {
    const patch: Record<string, unknown> = {};
    if ('properties' in after) for (const [k, v] of Object.entries(after['properties'] as Record<string, unknown>)) if (!isMarkKey(k)) patch[k] = v;
    for (const [field, key] of [['visibility', 'visibility'], ['minDiskGb', 'min_disk'], ['minRamMb', 'min_ram'], ['protected', 'protected']] as const) {
      if (field in after) patch[key] = after[field];
    }
    if ('tags' in after) patch['tags'] = withMarks(after['tags'], sourceId, m.planName);
    await image.images.setProperties(await m.target.image(), id, patch);
  },
  server: async (m, id, after, sourceId) => {
    const client = await m.target.compute();
    if ('metadata' in after) await client.post(client.url('servers', id, 'metadata'), { metadata: after['metadata'] }, { retrySafe: true });
    if ('tags' in after) await client.put(client.url('servers', id, 'tags'), { tags: withMarks(after['tags'], sourceId, m.planName) });
    if ('description' in after) await client.put(client.url('servers', id), { server: { description: after['description'] } });
  },
};

export function updateRunner(m: MigrationContext): StepRunner {
  return {
    async observe() {
      return { done: false };
    },
    async run(ctx) {
      const change = m.change(ctx.step.address);
      const updater = UPDATERS[ctx.step.kind];
      if (!change?.target || !updater) throw new UnsupportedStepError(ctx.step, `change ${ctx.step.address} on the target by hand, or exclude it with --exclude ${ctx.step.address}`);
      const after = Object.fromEntries(change.differences.filter((d) => d.path.startsWith('attributes.')).map((d) => [d.path.slice('attributes.'.length), d.after]));
      const refs = change.differences.filter((d) => d.path.startsWith('refs.')).map((d) => d.path.slice('refs.'.length));
      const source = m.sourceObject(ctx.step.address);
      await updater(m, change.target.id, after, source.id, { source, refs });
      return { targetId: change.target.id };
    },
    async verify() {
      // The update calls answer with the object as written; a re-plan shows any remaining difference.
    },
  };
}
