import type { StepRunner } from '../executor/runner.js';
import { UnsupportedStepError } from '../executor/runner.js';
import { refList } from '../inventory/lookup.js';
import type { ResourceKind } from '../inventory/model.js';
import { identity } from '../openstack/index.js';
import type { MigrationContext } from './context.js';
import { updateFlavor } from './flavor-parts.js';
import { updateImage } from './image-parts.js';
import { type CopyReader, leftToOtherSteps, verifyReadBack } from './read-back.js';
import { updateServer } from './server-update.js';
import { IDENTITY_UPDATERS } from './updates/identity.js';
import { NETWORK_UPDATERS } from './updates/network.js';
import { withMarks, type UpdateDetails, type Updater } from './updates/updater.js';
import { VOLUME_UPDATERS } from './updates/volume.js';

/**
 * `update` steps: a copy on the target whose settable attributes or compared references differ
 * from the source (the diff's `differences`, `after` being the source's value). Each kind's
 * updater (src/migrate/updates/ and the kinds' own part modules) writes them with the API's own
 * idempotent updates, so running one twice is harmless; there is nothing to observe first.
 * Essentials never reach here: the diff makes them conflicts. Quotas have their own runner.
 * Verify reads the object back (read-back.ts): an update the target did not keep fails the step.
 */
export type { UpdateDetails, Updater } from './updates/updater.js';

const UPDATERS: Partial<Record<ResourceKind, Updater>> = {
  ...IDENTITY_UPDATERS,
  ...NETWORK_UPDATERS,
  ...VOLUME_UPDATERS,
  user: async (m, id, after, _sourceId, details) => {
    const defaultProject = referenceUpdate(m, details, 'defaultProject');
    await identity.users.update(await m.target.identity(), id, {
      ...('enabled' in after ? { enabled: after['enabled'] as boolean } : {}),
      ...('email' in after ? { email: typeof after['email'] === 'string' ? after['email'] : null } : {}),
      ...('description' in after ? { description: String(after['description'] ?? '') } : {}),
      ...(defaultProject !== undefined ? { default_project_id: defaultProject } : {}),
    });
  },
  // Flavors and images also bring their references (access list, members, kernel/ramdisk) in line.
  flavor: updateFlavor,
  image: updateImage,
  server: (m, id, after, sourceId, details) => updateServer(m, id, after, (tags) => withMarks(tags, sourceId, m.planName), details.ctx),
};

/**
 * For a reference that differs: the target id of the source's referenced object, or null to clear
 * it when that object will not be on the target; undefined when the reference does not differ.
 */
function referenceUpdate(m: MigrationContext, details: UpdateDetails, role: string): string | null | undefined {
  if (!details.refs.includes(role)) return undefined;
  const referenced = refList(details.source, role)[0];
  return (referenced ? m.targetIdOf(referenced) : undefined) ?? null;
}

/** `updaters` and `read`: the kinds' writes and the read-back (tests pass fakes). */
export function updateRunner(m: MigrationContext, updaters: Partial<Record<ResourceKind, Updater>> = UPDATERS, read?: CopyReader): StepRunner {
  return {
    async observe() {
      return { done: false };
    },
    async run(ctx) {
      const change = m.change(ctx.step.address);
      const updater = updaters[ctx.step.kind];
      if (!change?.target || !updater) throw new UnsupportedStepError(ctx.step, `change ${ctx.step.address} on the target by hand, or exclude it with --exclude ${ctx.step.address}`);
      const after = Object.fromEntries(change.differences.filter((d) => d.path.startsWith('attributes.')).map((d) => [d.path.slice('attributes.'.length), d.after]));
      const refs = change.differences.filter((d) => d.path.startsWith('refs.')).map((d) => d.path.slice('refs.'.length));
      const source = m.sourceObject(ctx.step.address);
      await updater(m, change.target.id, after, source.id, { source, refs, ctx });
      return { targetId: change.target.id };
    },
    async verify(ctx) {
      // Read back: every field the model compares must now be the source's, not only those the diff listed.
      const target = m.change(ctx.step.address)?.target;
      if (target) await verifyReadBack(m, m.sourceObject(ctx.step.address), target.id, leftToOtherSteps(ctx.step.kind, 'update'), read);
    },
  };
}
