import { PumphouseError } from '../errors.js';
import { digestsOf, type ExecutionPlan } from '../execution-plan/plan.js';
import type { Inventory } from '../inventory/model.js';

/**
 * A saved plan (`apply plan.json`) is applied only if the source objects its steps touch are as
 * they were when it was made: otherwise its steps would act on things the reviewer never saw.
 * Objects whose steps this state already started are exempt: apply itself changed them.
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
