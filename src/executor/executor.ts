import { errorMessage, type Problem, PumphouseError, problemOf } from '../errors.js';
import type { EventSink } from '../events/sink.js';
import type { Step } from '../graph/steps.js';
import { sleep } from '../wait.js';
import type { StepJournal } from './journal.js';
import { Limits } from './limits.js';
import { isRetryableStepError } from './retryable.js';
import type { ProgressReport, StepContext, StepRunner } from './runner.js';

/**
 * Walks the step DAG: a step starts once every step it depends on is done, within the global
 * parallelism and its named limits (per host, per transfer kind); among downtime steps the one
 * with the smallest priority goes first (phaseOf, priorityOf below). Each attempt is
 * observe → (run) → verify, recorded in the journal before and after, so a crash anywhere leaves
 * a record the next apply can resume from. A failed step skips everything downstream of it
 * ("upstream failed") while independent branches go on, unless `failFast`.
 *
 * Stopping: `stop` (a first Ctrl-C) starts nothing new and lets running steps finish;
 * `abort` (a second) is passed to the runners, which stop at their next safe point. Steps not
 * finished stay `pending`/`running` in the journal; `running` ones are observed again on resume.
 */

export type StepOutcome = 'done' | 'already-done' | 'failed' | 'skipped' | 'pending';

/** A step's failure as the state, the events and the closing summary carry it: always with a registered code. */
export type StepError = Problem;

export interface ExecuteOptions {
  /** In topological order. */
  steps: readonly Step[];
  runnerFor(step: Step): StepRunner;
  journal: StepJournal;
  events: EventSink;
  /** Steps running at once. */
  parallelism: number;
  /** Limited names a step holds while it runs, e.g. ["host:cmp-1"]; capacities below. */
  limitsOf?(step: Step): readonly string[];
  /** Capacity per name; "host:*" applies to every "host:…" name. */
  capacities?: ReadonlyMap<string, number>;
  failFast?: boolean;
  /**
   * `early`: work that can run before any downtime (image copies, volumes nothing stops for,
   * warm pre-copies); `downtime`: a step that stops a workload. A downtime step starts only once
   * every early step is over (those that wait on a downtime step themselves excepted), so no
   * downtime shares the bandwidth with a copy that could have run before it.
   */
  phaseOf?(step: Step): 'early' | 'downtime' | undefined;
  /**
   * Among downtime steps that are ready and fit their limits, the one with the smallest priority
   * starts first (ties: the order they became ready). With streams sharing a link, shortest
   * first keeps the sum of the downtimes smallest. Other steps start in the order they are ready.
   */
  priorityOf?(step: Step): number;
  /** Attempts per step in this run, retryable errors only. @default 5 */
  maxAttempts?: number;
  /** Backoff before attempt n+1: base × 2^(n-1), jittered. @default 1000 */
  retryBaseMs?: number;
  /** Soft stop: start nothing new. */
  stop?: AbortSignal;
  /** Hard stop: running steps stop at their next safe point. */
  abort?: AbortSignal;
  now?: () => number;
}

export interface ExecutionResult {
  outcomes: Map<string, StepOutcome>;
  errors: Map<string, StepError>;
  /** True when a stop or abort left steps unfinished. */
  interrupted: boolean;
  ms: number;
}

/** Thrown by runners (or the executor) when the hard stop fires mid-step. */
export class StepAbortedError extends PumphouseError {
  constructor() {
    super('PH1683', 'stopped by the operator', { hint: 'apply again with the same state file: the step is observed again and resumes' });
    this.name = 'StepAbortedError';
  }
}

const PROGRESS_EVERY_MS = 500;

export async function executeSteps(options: ExecuteOptions): Promise<ExecutionResult> {
  return new Execution(options).run();
}

class Execution {
  private readonly now: () => number;
  private readonly outcomes = new Map<string, StepOutcome>();
  private readonly errors = new Map<string, StepError>();
  private readonly waitingOn = new Map<string, number>();
  private readonly dependents = new Map<string, string[]>();
  private readonly ready: Step[] = [];
  private readonly limits: Limits;
  private readonly byId = new Map<string, Step>();
  private running = 0;
  /** Early steps not over yet that no downtime step precedes: downtime steps wait for them. */
  private readonly earlyLeft = new Set<string>();
  private readonly priorities = new Map<string, number>();
  private failedOnce = false;
  private wake: (() => void) | undefined;
  private readonly neverAborted = new AbortController().signal;

  constructor(private readonly o: ExecuteOptions) {
    this.now = o.now ?? Date.now;
    this.limits = new Limits(o.capacities ?? new Map());
  }

  async run(): Promise<ExecutionResult> {
    const started = this.now();
    for (const step of this.o.steps) {
      this.byId.set(step.id, step);
      this.outcomes.set(step.id, 'pending');
    }
    for (const step of this.o.steps) {
      const deps = step.dependsOn.filter((d) => this.byId.has(d));
      this.waitingOn.set(step.id, deps.length);
      for (const d of deps) {
        const list = this.dependents.get(d);
        if (list) list.push(step.id);
        else this.dependents.set(d, [step.id]);
      }
    }
    for (const step of this.o.steps) if (this.waitingOn.get(step.id) === 0) this.ready.push(step);
    for (const id of earlyBeforeDowntime(this.o.steps, this.byId, (s) => this.o.phaseOf?.(s))) this.earlyLeft.add(id);

    for (;;) {
      this.launch();
      if (this.running === 0) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const interrupted = [...this.outcomes.values()].some((o) => o === 'pending');
    return { outcomes: this.outcomes, errors: this.errors, interrupted, ms: this.now() - started };
  }

  private stopping(): boolean {
    return Boolean(this.o.stop?.aborted || this.o.abort?.aborted || (this.o.failFast && this.failedOnce));
  }

  /**
   * Starts every ready step that fits, in order; a step whose limits are full waits its turn. A
   * downtime step's turn goes to the ready downtime step that fits with the smallest priority.
   */
  private launch(): void {
    for (let i = 0; i < this.ready.length && this.running < this.o.parallelism && !this.stopping();) {
      const picked = this.pick(i);
      if (picked === undefined) {
        i += 1;
        continue;
      }
      const step = this.ready[picked] as Step;
      const names = this.limitsOf(step);
      this.limits.tryAcquire(names);
      this.ready.splice(picked, 1);
      this.running += 1;
      void this.attemptAll(step).finally(() => {
        this.limits.release(names);
        this.running -= 1;
        this.wake?.();
      });
    }
  }

  /** The index in `ready` of the step to start in ready[i]'s turn, or undefined when it cannot start now. */
  private pick(i: number): number | undefined {
    const step = this.ready[i] as Step;
    const downtime = this.o.phaseOf?.(step) === 'downtime';
    if (downtime && this.earlyLeft.size > 0) return undefined;
    if (!this.limits.fits(this.limitsOf(step))) return undefined;
    if (!downtime || !this.o.priorityOf) return i;
    let best = i;
    let bestPriority = this.priorityOf(step);
    for (let j = i + 1; j < this.ready.length; j += 1) {
      const other = this.ready[j] as Step;
      if (this.o.phaseOf?.(other) !== 'downtime') continue;
      const priority = this.priorityOf(other);
      if (priority < bestPriority && this.limits.fits(this.limitsOf(other))) [best, bestPriority] = [j, priority];
    }
    return best;
  }

  /** A step's priority, asked once: the scan above meets the same waiting steps at every start. */
  private priorityOf(step: Step): number {
    let priority = this.priorities.get(step.id);
    if (priority === undefined) this.priorities.set(step.id, (priority = this.o.priorityOf?.(step) ?? 0));
    return priority;
  }

  private limitsOf(step: Step): readonly string[] {
    return this.o.limitsOf?.(step) ?? [];
  }

  private async attemptAll(step: Step): Promise<void> {
    // A step recorded done by an earlier apply is still observed: the plan lists it because the
    // diff saw it undone, and observing is cheap and never changes anything.
    const previous = this.o.journal.get(step.id);
    const maxAttempts = this.o.maxAttempts ?? 5;
    let attempts = previous?.attempts ?? 0;
    for (let tries = 1; ; tries += 1) {
      attempts += 1;
      const started = this.now();
      try {
        const { outcome, targetId } = await this.attempt(step, attempts);
        this.o.journal.note(step.id, { status: 'done', attempts, finishedAt: new Date(this.now()).toISOString() });
        return this.finish(step, outcome, this.now() - started, targetId);
      } catch (error) {
        if (error instanceof StepAbortedError || this.o.abort?.aborted) {
          // Left `running`: the next apply observes it again before doing anything.
          return;
        }
        // Stopping: a retryable failure is left for the resume rather than recorded as final.
        if (isRetryableStepError(error) && this.stopping() && !(this.o.failFast && this.failedOnce)) return;
        if (tries < maxAttempts && isRetryableStepError(error) && !this.stopping()) {
          const delayMs = Math.round((this.o.retryBaseMs ?? 1000) * 2 ** (tries - 1) * (0.5 + Math.random() / 2));
          const problem = problemOf(error);
          this.o.events.emit({ type: 'step_retry', level: 'warn', message: `${step.id}: ${problem.code} ${problem.message}; attempt ${attempts + 1} in ${delayMs} ms`, data: { step: step.id, attempt: attempts + 1, delayMs, error: problem.message, code: problem.code } });
          // An abort ends the pause early; the next attempt's check sees it.
          await sleep(delayMs, this.o.abort).catch(() => undefined);
          continue;
        }
        await this.o.runnerFor(step).onFailed?.(this.contextFor(step, attempts), error).catch(() => undefined);
        const failure = describeError(error);
        this.errors.set(step.id, failure);
        this.o.journal.note(step.id, {
          status: 'failed', attempts, finishedAt: new Date(this.now()).toISOString(), error: stateError(failure),
        });
        this.failedOnce = true;
        return this.finish(step, 'failed', this.now() - started, undefined, failure);
      }
    }
  }

  private async attempt(step: Step, attempt: number): Promise<{ outcome: 'done' | 'already-done'; targetId?: string }> {
    const runner = this.o.runnerFor(step);
    this.o.journal.note(step.id, { status: 'running', attempts: attempt, startedAt: new Date(this.now()).toISOString() });
    this.o.events.emit({ type: 'step_started', level: 'info', message: `${step.id}: started (attempt ${attempt})`, data: { step: step.id, action: step.action, address: step.address, attempt } });
    const ctx = this.contextFor(step, attempt);
    const observed = await runner.observe(ctx);
    this.checkAbort();
    if (observed.done) {
      await runner.verify(ctx);
      return { outcome: 'already-done', ...(observed.targetId ? { targetId: observed.targetId } : {}) };
    }
    const result = await runner.run(ctx);
    this.checkAbort();
    await runner.verify(ctx);
    return { outcome: 'done', ...(result?.targetId ? { targetId: result.targetId } : {}) };
  }

  private checkAbort(): void {
    if (this.o.abort?.aborted) throw new StepAbortedError();
  }

  private contextFor(step: Step, attempt: number): StepContext {
    const journal = this.o.journal;
    const events = this.o.events;
    const now = this.now;
    let lastEmit = 0;
    let firstBytesAt: number | undefined;
    let firstBytes = 0;
    return {
      step,
      attempt,
      signal: this.o.abort ?? this.neverAborted,
      get checkpoint() {
        return journal.get(step.id)?.checkpoint;
      },
      async saveCheckpoint(values: Record<string, unknown>): Promise<void> {
        await journal.record(step.id, { checkpoint: { ...(journal.get(step.id)?.checkpoint ?? {}), ...values } });
      },
      progress(report: ProgressReport): void {
        const t = now();
        if (report.bytes !== undefined && firstBytesAt === undefined) {
          firstBytesAt = t;
          firstBytes = report.bytes;
        }
        const complete = report.bytes !== undefined && report.totalBytes !== undefined && report.bytes >= report.totalBytes;
        if (report.phase === undefined && !complete && t - lastEmit < PROGRESS_EVERY_MS) return;
        lastEmit = t;
        const data: Record<string, unknown> = { step: step.id, ...report };
        if (report.bytes !== undefined && firstBytesAt !== undefined && t > firstBytesAt) {
          const rate = ((report.bytes - firstBytes) * 1000) / (t - firstBytesAt);
          data['bytesPerSecond'] = Math.round(rate);
          if (report.totalBytes !== undefined && rate > 0) data['etaSeconds'] = Math.round((report.totalBytes - report.bytes) / rate);
        }
        const what = report.phase ?? `${report.bytes ?? 0}${report.totalBytes !== undefined ? `/${report.totalBytes}` : ''} bytes`;
        events.emit({ type: 'step_progress', level: 'info', message: `${step.id}: ${what}`, data: data as never });
      },
    };
  }

  private finish(step: Step, outcome: 'done' | 'already-done' | 'failed', ms: number, targetId?: string, error?: StepError): void {
    this.outcomes.set(step.id, outcome);
    this.earlyLeft.delete(step.id);
    const level = outcome === 'failed' ? 'error' : 'info';
    const message = outcome === 'failed' ? `${step.id}: failed: ${error?.message}` : `${step.id}: ${outcome}`;
    this.o.events.emit({
      type: 'step_finished', level, message,
      data: { step: step.id, outcome, ms, ...(targetId ? { targetId } : {}), ...(error ? { error: error.message, code: error.code } : {}) },
    });
    if (outcome === 'failed') {
      this.skipDownstream(step.id);
      return;
    }
    for (const id of this.dependents.get(step.id) ?? []) {
      const left = (this.waitingOn.get(id) ?? 0) - 1;
      this.waitingOn.set(id, left);
      if (left === 0 && this.outcomes.get(id) === 'pending') this.ready.push(this.byId.get(id) as Step);
    }
  }

  /** Everything that (transitively) needs a failed step is skipped, naming the failed one. */
  private skipDownstream(failedId: string): void {
    const queue = [...(this.dependents.get(failedId) ?? [])];
    while (queue.length > 0) {
      const id = queue.shift() as string;
      if (this.outcomes.get(id) !== 'pending') continue;
      this.outcomes.set(id, 'skipped');
      this.earlyLeft.delete(id);
      const skipped: StepError = { code: 'PH1682', message: `upstream failed: ${failedId}`, hint: `see why ${failedId} failed; apply again once it is fixed` };
      this.errors.set(id, skipped);
      this.o.journal.note(id, { status: 'skipped', error: stateError(skipped) });
      this.o.events.emit({
        type: 'step_finished', level: 'warn', message: `${id}: skipped (${skipped.message})`, data: { step: id, outcome: 'skipped', ms: 0, error: skipped.message, code: skipped.code },
      });
      queue.push(...(this.dependents.get(id) ?? []));
    }
  }
}

/** The early steps downtime steps wait for: those with no downtime step among their ancestors. */
function earlyBeforeDowntime(steps: readonly Step[], byId: ReadonlyMap<string, Step>, phaseOf: (step: Step) => string | undefined): string[] {
  const afterDowntime = new Set<string>();
  // Steps come in topological order: every ancestor is settled before its descendants.
  for (const step of steps) {
    if (step.dependsOn.some((id) => afterDowntime.has(id) || (byId.has(id) && phaseOf(byId.get(id) as Step) === 'downtime'))) afterDowntime.add(step.id);
  }
  return steps.filter((s) => phaseOf(s) === 'early' && !afterDowntime.has(s.id)).map((s) => s.id);
}

/**
 * A runner's failure as a problem: runners throw PumphouseErrors; anything else (a TypeError)
 * is a bug and recorded as PH0001, so every failure in the state file carries a code.
 */
function describeError(error: unknown): StepError {
  return problemOf(error);
}

/** What the state file keeps of a failure: the code, the message and the hint (no stack, no cause). */
function stateError(failure: StepError): { code: string; message: string; hint?: string } {
  return { code: failure.code, message: failure.message, ...(failure.hint ? { hint: failure.hint } : {}) };
}
