import type { StepContext, StepRunner } from '../executor/runner.js';
import type { InventoryResource } from '../inventory/model.js';
import type { MigrationContext } from './context.js';
import { type CopyReader, leftToOtherSteps, verifyReadBack } from './read-back.js';
import { PumphouseError } from '../errors.js';

/**
 * The shape of most create steps: find the copy on the target (by the id mapping, then by its
 * mark or natural key), else create it; then settle its parts (extra specs, interfaces, rules)
 * idempotently. A kind with parts is never "observed done" on sight: a kill between the create
 * and the parts would otherwise leave it half made for good, so `run` finds-or-creates and
 * completes every time. Verify reads the copy back and compares it with the source (read-back.ts).
 */
export interface CopyKind {
  /** The copy's target id, looked up live (never from a stale inventory). */
  find(m: MigrationContext, source: InventoryResource): Promise<string | undefined>;
  create(m: MigrationContext, source: InventoryResource, ctx: StepContext): Promise<string>;
  /** Settles the copy's parts; must be harmless to repeat. */
  complete?(m: MigrationContext, source: InventoryResource, targetId: string, ctx: StepContext): Promise<void>;
  /**
   * Throws unless the copy, as read back from the target after the step, is usable beyond what
   * the kind's model compares (it carries the source's mark, …). The read-back itself always runs.
   */
  verify?(source: InventoryResource, copy: InventoryResource): void;
}

/** `read`: how the copy is read back (by default the kind's collector on the target; tests pass a fake). */
export function copyRunner(m: MigrationContext, kind: CopyKind, read?: CopyReader): StepRunner {
  const locate = async (source: InventoryResource): Promise<string | undefined> => {
    const id = await kind.find(m, source);
    if (id && id !== m.ledger.mapping(source.address)) m.ledger.setMapping(source.address, id);
    return id;
  };
  return {
    async observe(ctx) {
      if (kind.complete) return { done: false };
      const id = await locate(m.sourceObject(ctx.step.address));
      return id ? { done: true, targetId: id } : { done: false };
    },
    async run(ctx) {
      const source = m.sourceObject(ctx.step.address);
      let id = await locate(source);
      if (!id) {
        id = await kind.create(m, source, ctx);
        m.ledger.setMapping(source.address, id);
      }
      await kind.complete?.(m, source, id, ctx);
      return { targetId: id };
    },
    async verify(ctx) {
      const source = m.sourceObject(ctx.step.address);
      const id = m.ledger.mapping(source.address) ?? (await kind.find(m, source));
      if (!id) throw new PumphouseError('PH1633', `${source.address}: its copy is not on the target after the step`, { hint: 'apply again: the step copies it again; if it fails again, look for who deletes it on the target' });
      const copy = await verifyReadBack(m, source, id, leftToOtherSteps(source.kind, ctx.step.action), read);
      kind.verify?.(source, copy);
    },
  };
}
