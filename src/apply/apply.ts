import type { CloudConfig } from '../config/types.js';
import type { EventSink } from '../events/sink.js';
import { executeSteps, type StepError, type StepOutcome } from '../executor/executor.js';
import type { ExecutionPlan, PlanSettings } from '../execution-plan/plan.js';
import { InventoryLookup } from '../inventory/lookup.js';
import type { Inventory } from '../inventory/model.js';
import type { Cloud } from '../openstack/index.js';
import { MigrationContext, type PasswordSink } from '../migrate/context.js';
import type { ServerDowntime } from '../state/model.js';
import type { HostStepWorld } from '../hosts/context.js';
import { runnerRegistry } from './registry.js';
import { releaseOwnAccess } from '../migrate/access.js';
import { StateLedger, type DocumentStore } from './ledger.js';
import { capacitiesOf, Schedule } from './schedule.js';

/**
 * Carries out an execution plan against the two clouds: the engine behind `pumphouse apply`,
 * the granular `migrate` commands and (later) the API. It never prints: progress goes out as
 * events, the outcome comes back as an ApplyReport.
 */

export interface ApplyInput {
  plan: ExecutionPlan;
  source: Cloud;
  target: Cloud;
  targetConfig: CloudConfig;
  /** Discovered at the start of this apply. */
  inventories: { source: Inventory; target: Inventory };
  store: DocumentStore;
  events: EventSink;
  passwords: PasswordSink;
  connect(config: CloudConfig): Promise<Cloud>;
  /** Overrides the plan's `parallelism.global`. */
  parallelism?: number;
  failFast?: boolean;
  stop?: AbortSignal;
  abort?: AbortSignal;
  /** Status polling, ms. @default 1000 */
  pollMs?: number;
  /** Backoff base between step attempts, ms. @default 1000 */
  retryBaseMs?: number;
  /** What the host steps use (BMCs, Fuel, Nova's host operations); without it they fail with a hint. */
  hosts?: HostStepWorld;
  /** pumphouse.yaml's settings.apply.keep_admin_grants. @default false */
  keepAdminGrants?: boolean;
}

export interface ApplyReport {
  plan: string;
  counts: Record<StepOutcome, number>;
  /** Failed and skipped steps with why. */
  problems: Array<{ step: string; outcome: 'failed' | 'skipped'; error: StepError }>;
  /** Per server that moved or was started again in this apply. */
  downtime: Record<string, ServerDowntime>;
  interrupted: boolean;
  ms: number;
}

export async function runApply(input: ApplyInput): Promise<ApplyReport> {
  const ledger = new StateLedger(input.store);
  const resumed = input.plan.steps.some((s) => input.store.state.steps[s.id] !== undefined);
  const context = new MigrationContext({
    planName: input.plan.plan.name,
    settings: input.plan.settings,
    source: input.source,
    target: input.target,
    targetConfig: input.targetConfig,
    sourceLookup: new InventoryLookup(input.inventories.source),
    targetLookup: new InventoryLookup(input.inventories.target),
    changes: input.plan.changes,
    ledger,
    events: input.events,
    passwords: input.passwords,
    connect: input.connect,
    ...(input.pollMs !== undefined ? { pollMs: input.pollMs } : {}),
    ...(input.keepAdminGrants !== undefined ? { keepAdminGrants: input.keepAdminGrants } : {}),
  });
  const parallelism = Math.max(1, input.parallelism ?? input.plan.settings.parallelism.global);
  input.events.emit({
    type: 'apply_started', level: 'info',
    message: `apply of plan "${input.plan.plan.name}": ${input.plan.steps.length} steps, up to ${parallelism} at once${resumed ? ' (resuming)' : ''}`,
    data: { plan: input.plan.plan.name, steps: input.plan.steps.length, resumed, parallelism },
  });
  const schedule = new Schedule(input.plan.changes, context.sourceLookup);
  try {
    const result = await executeSteps({
      steps: input.plan.steps,
      runnerFor: runnerRegistry(context, input.hosts),
      journal: ledger,
      events: input.events,
      parallelism,
      limitsOf: (step) => schedule.limitsOf(step),
      phaseOf: (step) => schedule.phaseOf(step),
      priorityOf: (step) => schedule.priorityOf(step),
      capacities: capacitiesOf(input.plan.settings.parallelism),
      failFast: input.failFast ?? false,
      ...(input.stop ? { stop: input.stop } : {}),
      ...(input.abort ? { abort: input.abort } : {}),
      ...(input.retryBaseMs !== undefined ? { retryBaseMs: input.retryBaseMs } : {}),
    });
    const counts: Record<StepOutcome, number> = { done: 0, 'already-done': 0, failed: 0, skipped: 0, pending: 0 };
    for (const outcome of result.outcomes.values()) counts[outcome] += 1;
    const problems = [...result.errors].map(([step, error]) => ({ step, outcome: result.outcomes.get(step) as 'failed' | 'skipped', error }))
      .filter((p) => p.outcome === 'failed' || p.outcome === 'skipped');
    const downtime: Record<string, ServerDowntime> = {};
    for (const step of input.plan.steps) {
      const record = ledger.downtime(step.address);
      if (step.action === 'migrate-server' && record && (record.verifiedAt || record.restartedAt)) downtime[step.address] = record;
    }
    input.events.emit({
      type: 'apply_finished', level: counts.failed > 0 ? 'error' : 'info',
      message: `apply of plan "${input.plan.plan.name}" ${result.interrupted ? 'interrupted' : 'finished'}: ${counts.done} done, ${counts['already-done']} already done, ${counts.failed} failed, ${counts.skipped} skipped, ${counts.pending} not started`,
      data: { plan: input.plan.plan.name, done: counts.done, alreadyDone: counts['already-done'], failed: counts.failed, skipped: counts.skipped, pending: counts.pending, interrupted: result.interrupted, ms: result.ms },
    });
    return { plan: input.plan.plan.name, counts, problems, downtime, interrupted: result.interrupted, ms: result.ms };
  } finally {
    context.close();
    // Every step is over: Pumphouse's own admin role on the projects it worked in goes.
    await releaseOwnAccess(context);
  }
}
