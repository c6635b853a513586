import { readFileSync } from 'node:fs';
import { checkPlanFresh, startedByThisPlan, type CurrentClouds } from '../apply/stale.js';
import { validatorFor } from '../diagnostics/schema-check.js';
import { PumphouseError } from '../errors.js';
import type { ExecutionPlan } from '../execution-plan/plan.js';
import type { ApplyState } from '../state/model.js';

/**
 * A saved plan (`plan --out plan.json`) read back for apply: it must be a plan of this version
 * (the plan-output schema) and fresh against the clouds as they are now (apply/stale.ts), unless
 * an apply of this very plan already changed them.
 */
export function loadSavedPlan(file: string, clouds: CurrentClouds, state: Pick<ApplyState, 'plan' | 'steps'>): ExecutionPlan {
  const plan = readSavedPlan(file);
  checkPlanFresh(plan, clouds, startedByThisPlan(state, plan));
  return plan;
}

function readSavedPlan(file: string): ExecutionPlan {
  let plan: unknown;
  try {
    plan = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PumphouseError('PH1603', `${file}: not a saved plan (${error instanceof Error ? error.message : String(error)})`, { hint: 'save one with `pumphouse plan PLAN.yaml --out plan.json`' });
  }
  const validate = validatorFor('plan-output');
  if (!validate(plan)) {
    const first = validate.errors?.[0];
    throw new PumphouseError('PH1603', `${file}: not a saved plan of this Pumphouse version: ${first?.instancePath || '/'} ${first?.message ?? ''}`.trim(), { hint: 'make it again with `pumphouse plan PLAN.yaml --out plan.json`' });
  }
  return plan as ExecutionPlan;
}
