import type { PumphouseConfig } from '../config/load.js';
import type { DesiredState } from '../desired/model.js';
import { applyUserAddress } from '../diff/losses.js';
import { ASSUMED, type Calibration, calibrate, type MeasuredMove, preferMeasured } from '../diff/estimate.js';
import { bootSeconds, probedCalibration } from '../diff/estimate-probe.js';
import type { EventSink } from '../events/sink.js';
import type { StateMappings } from '../diff/match.js';
import { makePlan } from '../execution-plan/make.js';
import type { ExecutionPlan } from '../execution-plan/plan.js';
import type { Inventory } from '../inventory/model.js';
import type { ApplySession } from '../apply/session.js';
import { computeMaxMicroversion } from './clouds.js';
import { probeClouds } from './plan-probe.js';

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
  /** What earlier applies measured on these clouds, for the downtime estimates (diff/estimate.ts). */
  calibration?: Calibration;
}

/** The plan's inputs from an open session (both clouds connected and discovered); `downtime`: the state's records. */
export async function planInputs(config: PumphouseConfig, session: ApplySession, mappings: StateMappings, downtime: Readonly<Record<string, MeasuredMove>> = {}): Promise<PlanInputs> {
  const max = await computeMaxMicroversion(session.clouds[1]);
  const applyUser = applyUserAddress(config.target.auth);
  return {
    ...session.inventories,
    mappings,
    calibration: calibrate(Object.values(downtime)),
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
    ...(inputs.calibration ? { calibration: inputs.calibration } : {}),
    now: new Date(),
  }).plan;
}

/**
 * The plan of `desired` now: when it moves servers whose downtime figures no earlier apply
 * measured (the state's records), the clouds are probed first (plan-probe.ts, read-only, a few
 * seconds at most) and the plan made again with what the probe found; `probe: false` (--no-probe)
 * keeps the assumed figures. A failed probe is a warning (PH1477), never a failed plan.
 */
export async function planProbed(desired: DesiredState, inputs: PlanInputs, narrowing: Narrowing, session: ApplySession, events: EventSink, probe = true): Promise<ExecutionPlan> {
  const plan = planFrom(desired, inputs, narrowing);
  const measured = inputs.calibration ?? ASSUMED;
  const moving = plan.changes.filter((c) => c.move !== undefined && (c.move.cutover === 'warm' ? measured.warm : measured.cold) !== 'measured');
  if (!probe || moving.length === 0) return plan;
  const images = inputs.source.resources.filter((r) => r.kind === 'image');
  const probed = await probeClouds({ source: () => session.clouds[0].image(), target: () => session.clouds[1].image() }, images);
  if (probed.failure) {
    events.emit({ type: 'warning', level: 'warn', message: `the downtime probe found no throughput (${probed.failure}): first estimates assume 100 MiB/s`, data: { code: 'PH1477', hint: 'the estimates say what they assume; plan with --no-probe to skip the probe' } });
  }
  const addresses = new Set(moving.map((c) => c.address));
  const servers = inputs.source.resources.filter((r) => addresses.has(r.address));
  const calibration = preferMeasured(measured, probedCalibration(probed, bootSeconds(servers)));
  return planFrom(desired, { ...inputs, calibration }, narrowing);
}
