import { PumphouseError } from '../errors.js';
import { digestsOf, type ExecutionPlan } from '../execution-plan/plan.js';
import type { Inventory } from '../inventory/model.js';
import type { ApplyState } from '../state/model.js';

/**
 * A saved plan (`apply plan.json`, or one posted to the API) is applied only if the source
 * objects its steps touch are as they were when it was made: otherwise its steps would act on
 * things the reviewer never saw. Objects whose steps an apply of this very plan already started
 * are exempt (`startedByThisPlan`): that apply changed them itself.
 */
export function checkPlanFresh(plan: ExecutionPlan, source: Inventory, started: (address: string) => boolean): void {
  const now = digestsOf(plan.changes, source);
  const changed = Object.entries(plan.sourceDigests)
    .filter(([address, digest]) => !started(address) && now[address] !== digest)
    .map(([address]) => `${address}${now[address] === undefined ? ' (gone)' : ''}`);
  if (changed.length === 0) return;
  const shown = changed.slice(0, 5).join(', ') + (changed.length > 5 ? ` and ${changed.length - 5} more` : '');
  throw new PumphouseError('PH1602', `the saved plan is stale: ${changed.length} object(s) it changes are different on the source since it was made: ${shown}`, {
    hint: `make a new plan: pumphouse plan ${plan.plan.file} --out <plan.json>, review it, then apply that`,
  });
}

/**
 * Whether an apply of this very plan (same plan file, made at the same time) already started a
 * step of `address`: a resume. Another plan's apply (an earlier or later plan of the same file)
 * exempts nothing: its changes are exactly what makes this plan stale.
 */
export function startedByThisPlan(state: Pick<ApplyState, 'plan' | 'steps'>, plan: ExecutionPlan): (address: string) => boolean {
  if (state.plan?.hash !== plan.plan.fileHash || state.plan.madeAt !== plan.createdAt) return () => false;
  const steps = Object.keys(state.steps);
  return (address) => steps.some((id) => id.endsWith(`:${address}`));
}
