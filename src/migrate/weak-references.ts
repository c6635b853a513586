import type { MigrationContext } from './context.js';

/**
 * The target id of an object a copy refers to weakly (a private flavor's access project, an
 * image's member project): the plan carries the relation when that object is on the target or
 * moves in the same plan, and lists it under "Will not survive" otherwise. So an object the plan
 * moves must be there by now (its step ran first: a missing one is an error, never a relation
 * silently dropped); one the plan does not move counts only if the target has it.
 */
export function weakTargetId(m: MigrationContext, address: string, why: string): string | undefined {
  return m.change(address) ? m.requireTargetId(address, why) : m.targetIdOf(address);
}
