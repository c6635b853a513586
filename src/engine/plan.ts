import type { PumphouseConfig } from '../config/load.js';
import type { DesiredState } from '../desired/model.js';
import { applyUserAddress } from '../diff/losses.js';
import type { StateMappings } from '../diff/match.js';
import { makePlan } from '../execution-plan/make.js';
import type { ExecutionPlan } from '../execution-plan/plan.js';
import type { Inventory } from '../inventory/model.js';
import type { ApplySession } from '../apply/session.js';
import { computeMaxMicroversion } from './clouds.js';

export { checkPlanFile, InvalidPlanFile, type CheckedPlanFile } from './check.js';

/**
 * The one plan pipeline, behind `plan`, `apply PLAN.yaml`, the granular commands and the API:
 * a plan file (or its desired state) × both clouds as discovered × the state's id mappings →
 * the execution plan, with every pre-flight input gathered here and nowhere else.
 */

/** --target / --exclude: only these addresses (and what they need), not those (nor what needs them). */
export interface Narrowing {
  targets?: readonly string[];
  excludes?: readonly string[];
}

/** Everything the plan needs besides the desired state: each input of the diff and the pre-flight checks. */
export interface PlanInputs {
  source: Inventory;
  target: Inventory;
  /** The target's highest Nova microversion (the api-features check). */
  targetComputeMaxMicroversion?: string;
  /** Who apply runs as on the target, for what it will own. */
  applyUser?: string;
  mappings: StateMappings;
}

/** The plan's inputs from an open session (both clouds connected and discovered). */
export async function planInputs(config: PumphouseConfig, session: ApplySession, mappings: StateMappings): Promise<PlanInputs> {
  const max = await computeMaxMicroversion(session.clouds[1]);
  const applyUser = applyUserAddress(config.target.auth);
  return {
    ...session.inventories,
    mappings,
    ...(max ? { targetComputeMaxMicroversion: max } : {}),
    ...(applyUser ? { applyUser } : {}),
  };
}

export function planFrom(desired: DesiredState, inputs: PlanInputs, narrowing: Narrowing = {}): ExecutionPlan {
  return makePlan({
    desired,
    source: inputs.source,
    target: inputs.target,
    mappings: inputs.mappings,
    targets: [...(narrowing.targets ?? [])],
    excludes: [...(narrowing.excludes ?? [])],
    ...(inputs.targetComputeMaxMicroversion ? { targetComputeMaxMicroversion: inputs.targetComputeMaxMicroversion } : {}),
    ...(inputs.applyUser ? { applyUser: inputs.applyUser } : {}),
    now: new Date(),
  }).plan;
}
