import { PumphouseError } from '../errors.js';
import type { Step } from '../graph/steps.js';

/**
 * What the executor asks of every step kind. A runner is idempotent by construction:
 * `observe` looks for the step's effect on the clouds (by the state's id mapping, then by the
 * Pumphouse mark on target objects), `run` makes it so, `verify` checks the result. The executor
 * calls observe before every attempt, so an attempt interrupted anywhere (a crash, a kill, a
 * network error) is picked up by the next without duplicating anything.
 */
export interface StepRunner {
  /** Is the step's effect already there? Never changes anything. */
  observe(ctx: StepContext): Promise<Observation>;
  /** Does the work. May be called after a partial earlier attempt: it must tolerate one. */
  run(ctx: StepContext): Promise<RunResult | void>;
  /** Throws unless the effect is really there (e.g. the copied server is ACTIVE). */
  verify(ctx: StepContext): Promise<void>;
  /**
   * Called once when the step has failed for good (no attempt left): undo what must not stay
   * half done, e.g. start a source server this step stopped. Must not throw.
   */
  onFailed?(ctx: StepContext, error: unknown): Promise<void>;
}

export type Observation = { done: true; targetId?: string } | { done: false };
export interface RunResult {
  targetId?: string;
}

export interface ProgressReport {
  phase?: string;
  bytes?: number;
  totalBytes?: number;
}

/** What a runner gets from the executor for one attempt of one step. */
export interface StepContext {
  readonly step: Step;
  /** 1-based, counted across resumes. */
  readonly attempt: number;
  /** Aborted when the apply must stop now (a second Ctrl-C): stop at the next safe point. */
  readonly signal: AbortSignal;
  /** Reports a phase or bytes copied; the executor throttles and turns it into events. */
  progress(report: ProgressReport): void;
  /** What an earlier attempt saved with saveCheckpoint (survives a crash). */
  readonly checkpoint: Readonly<Record<string, unknown>> | undefined;
  /** Durably merges `values` into the step's checkpoint before returning. */
  saveCheckpoint(values: Record<string, unknown>): Promise<void>;
}

/** The step is not something this build can carry out (e.g. a host step without pumphouse.yaml's hosts). */
export class UnsupportedStepError extends PumphouseError {
  /** Always set: what to do instead (exclude the step, or do it by hand). */
  declare readonly hint: string;

  constructor(readonly step: Step, hint: string) {
    super('PH1610', `${step.action} of ${step.kind} is not supported yet`, { hint });
    this.name = 'UnsupportedStepError';
  }
}
