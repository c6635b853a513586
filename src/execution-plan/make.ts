import type { Calibration } from '../diff/estimate.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { DesiredState } from '../desired/model.js';
import { resolveSelection } from '../desired/resolve.js';
import { diffState, type StateMappings } from '../diff/diff.js';
import { buildStepGraph } from '../graph/build.js';
import { InventoryLookup } from '../inventory/lookup.js';
import type { Inventory } from '../inventory/model.js';
import { runPreflight } from '../preflight/checks.js';
import { assemblePlan, type ExecutionPlan } from './plan.js';

/**
 * desired × inventories × state mappings → ExecutionPlan: resolution, the pure diff, the step
 * graph and the pre-flight checks. No I/O and no clock of its own (`now` is passed in), so the
 * same inputs give the same plan.
 */
export interface MakePlanInput {
  desired: DesiredState;
  source: Inventory;
  target: Inventory;
  mappings?: StateMappings;
  /** --target ADDR: only these (and what they need). */
  targets?: string[];
  /** --exclude ADDR: not these (nor what needs them). */
  excludes?: string[];
  targetComputeMaxMicroversion?: string;
  /** The target address of the user apply runs as (`applyUserAddress` of the target's auth). */
  applyUser?: string;
  /** What earlier applies measured on these clouds (diff/estimate.ts `calibrate`). */
  calibration?: Calibration;
  now: Date;
}

export interface MadePlan {
  plan: ExecutionPlan;
  /** How long resolution + diff + graph took, for the benchmark (ms). */
  timings: { resolveMs: number; diffMs: number; graphMs: number; preflightMs: number };
}

export function makePlan(input: MakePlanInput): MadePlan {
  const t0 = performance.now();
  const lookups = { source: new InventoryLookup(input.source), target: new InventoryLookup(input.target) };
  const selection = resolveSelection(input.desired, input.source, lookups.source);
  const t1 = performance.now();
  const changeSet = diffState({
    desired: input.desired, selection, source: input.source, target: input.target, mappings: input.mappings ?? {}, lookups,
    ...(input.applyUser ? { applyUser: input.applyUser } : {}),
    ...(input.calibration ? { calibration: input.calibration } : {}),
  });
  const t2 = performance.now();
  const graph = buildStepGraph(changeSet, input.source, { target: input.targets ?? [], exclude: input.excludes ?? [] }, lookups.source);
  const t3 = performance.now();
  const kept = new Set(graph.steps.map((s) => s.address));
  const narrowed = (input.targets?.length ?? 0) + (input.excludes?.length ?? 0) > 0;
  // Narrowing drops the changes whose steps it dropped; conflicts and unchanged objects stay (they have no steps).
  const changes = narrowed ? changeSet.changes.filter((c) => kept.has(c.address) || c.action === 'conflict' || c.action === 'noop') : changeSet.changes;
  const preflight = runPreflight({
    desired: input.desired,
    source: input.source,
    target: input.target,
    changes,
    ...(input.targetComputeMaxMicroversion ? { targetComputeMaxMicroversion: input.targetComputeMaxMicroversion } : {}),
  });
  const t4 = performance.now();
  const diagnostics: Diagnostic[] = [...selection.diagnostics, ...changeSet.diagnostics];
  const plan = assemblePlan({ desired: input.desired, source: input.source, target: input.target, changes, steps: graph.steps, preflight, diagnostics, now: input.now });
  return { plan, timings: { resolveMs: t1 - t0, diffMs: t2 - t1, graphMs: t3 - t2, preflightMs: t4 - t3 } };
}
