import type { ApplyReport } from '../apply/apply.js';
import { applyInSession, checkStateClouds, openApplySession, type ApplySession } from '../apply/session.js';
import { checkPlanFresh, startedByThisPlan } from '../apply/stale.js';
import type { PumphouseConfig } from '../config/load.js';
import { PumphouseError } from '../errors.js';
import type { EventSink } from '../events/sink.js';
import { hasChanges, type ExecutionPlan } from '../execution-plan/plan.js';
import { describeHolder } from '../state/lock.js';
import { configSecrets } from '../state/secrets.js';
import { StateStore } from '../state/store.js';
import type { EngineIo } from './io.js';
import { InvalidPlanFile, checkPlanFile, type CheckedPlanFile } from './check.js';
import { planInputs, planProbed, type Narrowing } from './plan.js';
import { loadSavedPlan } from './saved-plan.js';

/** What an apply carries out: a plan file planned now, a saved plan file, or a plan made earlier (the API's). */
export type PlanSource =
  | { file: string; narrowing?: Narrowing; /** Probe the clouds for a first plan's downtime estimates (plan.ts). @default true */ probe?: boolean }
  | { savedFile: string }
  | { plan: ExecutionPlan };

export interface ApplyRequest {
  plan: PlanSource;
  statePath: string;
  /** What holds the state's lock, as its holder is shown: "pumphouse apply plans/demo.yaml". */
  command: string;
  /** Overrides the plan's `parallelism.global`. */
  parallelism?: number;
  failFast?: boolean;
  /** Start nothing new (the first Ctrl-C, the first cancel). */
  stop?: AbortSignal;
  /** Stop running steps at their next safe point (the second). */
  abort?: AbortSignal;
  pollMs?: number;
}

export interface ApplyResult {
  plan: ExecutionPlan;
  /** Undefined when the plan changes nothing, so nothing ran. */
  report?: ApplyReport;
}

export interface ApplyDeps {
  config: PumphouseConfig;
  events: EventSink;
  io: EngineIo;
  /** Called with a plan file's diagnostics before it is planned. */
  checked(file: CheckedPlanFile): void;
}

/**
 * The state locked, both clouds connected and discovered, the plan made (or a saved one found
 * fresh), the state found to belong to these clouds; then reviewed, approved and carried out.
 */
export async function runApplyRequest(deps: ApplyDeps, request: ApplyRequest): Promise<ApplyResult> {
  const store = await StateStore.open(request.statePath, { command: request.command }, { secrets: configSecrets(deps.config) });
  let session: ApplySession | undefined;
  try {
    if (store.tookOverStaleLock) {
      deps.events.emit({ type: 'warning', level: 'warn', message: `took over the lock of ${request.statePath} left by ${describeHolder(store.tookOverStaleLock)}, which is no longer running`, data: { code: 'PH1705' } });
    }
    session = await openApplySession(deps.config, deps.events);
    const plan = await planToApply(deps, request.plan, session, store);
    checkStateClouds(store, session);
    deps.io.review?.(plan);
    if (!plan.applyable) {
      throw new PumphouseError('PH1601', 'this plan cannot be applied: it has conflicts, errors or failed pre-flight checks (see above)', { hint: 'resolve them (maps, exclusions, the target), then run apply again' });
    }
    if (!hasChanges(plan)) return { plan };
    if (!(await deps.io.approve(plan))) throw new PumphouseError('PH1606', 'apply cancelled: nothing was changed');
    const report = await applyInSession(deps.config, session, plan, store, deps.events, {
      ...(request.parallelism !== undefined ? { parallelism: request.parallelism } : {}),
      ...(request.failFast !== undefined ? { failFast: request.failFast } : {}),
      ...(request.stop ? { stop: request.stop } : {}),
      ...(request.abort ? { abort: request.abort } : {}),
      ...(request.pollMs !== undefined ? { pollMs: request.pollMs } : {}),
    });
    return { plan, report };
  } finally {
    session?.close();
    await store.close();
  }
}

async function planToApply(deps: ApplyDeps, source: PlanSource, session: ApplySession, store: StateStore): Promise<ExecutionPlan> {
  const current = { ...session.inventories, mappings: store.state.mappings };
  if ('savedFile' in source) return loadSavedPlan(source.savedFile, current, store.state);
  if ('plan' in source) {
    checkPlanFresh(source.plan, current, startedByThisPlan(store.state, source.plan));
    return source.plan;
  }
  const checked = checkPlanFile(source.file);
  deps.checked(checked);
  if (!checked.desired) throw new InvalidPlanFile(checked);
  return planProbed(checked.desired, await planInputs(deps.config, session, store.state.mappings, store.state.downtime), source.narrowing ?? {}, session, deps.events, source.probe ?? true);
}
