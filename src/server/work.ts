import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { ApplyReport } from '../apply/apply.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { ApplyResult, Engine, EngineIo } from '../engine/index.js';
import { InvalidPlanFile } from '../engine/check.js';
import { isPumphouseError, type Problem, problemOf, PumphouseError, quoted } from '../errors.js';
import { confinePlanPaths } from './confine.js';
import { API_CODES } from './http.js';
import { PlanShelf, type ShelvedPlan } from './plan-shelf.js';

/**
 * What the API keeps between requests: the plans it made (on disk, expiring: plan-shelf.ts) and
 * the applies it ran, one at a time (the newest ones kept). An apply holds the state file's lock
 * like `pumphouse apply` does, so CLI and API refuse each other's concurrent applies; it is
 * refused as stale when the source objects it changes are no longer as when it was planned.
 */
export type ApiPlan = ShelvedPlan;

export interface ApiApply {
  id: string;
  planId: string;
  status: 'running' | 'done' | 'failed' | 'interrupted' | 'error';
  startedAt: string;
  finishedAt?: string;
  /** The apply's summary once it ended: counts, problems, downtime. */
  report?: ApplyReport;
  /** Why it could not run (connection, stale plan), when it never got to its steps. */
  error?: Problem;
}

interface Running {
  apply: ApiApply;
  stop: AbortController;
  abort: AbortController;
  done: Promise<void>;
}

const hasErrors = (diagnostics: readonly Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');

export class ApiWork {
  private readonly shelf: PlanShelf;
  private readonly applies = new Map<string, ApiApply>();
  private running: Running | undefined;
  /** An apply between its request and its start (locking the state, discovering the clouds). */
  private starting = false;

  constructor(private readonly engine: Engine, private readonly statePath: string) {
    const serve = engine.settings().serve;
    this.shelf = new PlanShelf(join(dirname(statePath), 'api-plans'), { keep: serve.plansKept, maxAgeMs: serve.planMaxAgeMs });
  }

  /** Plans a plan file's text: 400 with its diagnostics when it has errors. */
  async createPlan(text: string): Promise<ApiPlan> {
    const { id, file } = this.shelf.draft(text);
    try {
      const plan = await this.engine.plan({ file, statePath: this.statePath }, (checked) => {
        if (checked.desired) confinePlanPaths(checked.desired, dirname(this.statePath));
      }).catch((error: unknown) => {
        throw error instanceof InvalidPlanFile ? new PlanFileError(error.checked.diagnostics) : error;
      });
      const made: ApiPlan = { id, file, createdAt: new Date().toISOString(), plan };
      await this.shelf.keep(made);
      return made;
    } catch (error) {
      this.shelf.discard(id);
      throw error;
    }
  }

  plan(id: string): ApiPlan {
    return this.shelf.get(id);
  }

  /**
   * Starts applying a plan; resolves once the state is locked and the plan found fresh against
   * the clouds as they are now (409 when another apply holds the state or the plan is stale).
   */
  async startApply(planId: string): Promise<ApiApply> {
    const made = this.plan(planId);
    const busy = this.running?.apply.id;
    if (busy || this.starting) throw new PumphouseError(API_CODES.busy, `apply ${busy ?? '(starting)'} is still running`, { hint: busy ? `wait for it (GET /v1/applies/${busy}) or cancel it` : 'try again in a moment' });
    if (!made.plan.applyable) {
      if (hasErrors(made.plan.diagnostics)) throw new PlanFileError(made.plan.diagnostics);
      throw new PumphouseError(API_CODES.badRequest, `plan ${planId} cannot be applied: it has conflicts or failed pre-flight checks`, { hint: 'the plan (GET /v1/plans/{id}) says which; fix the plan file or the clouds, then POST it again' });
    }
    this.starting = true;
    try {
      const stop = new AbortController();
      const abort = new AbortController();
      const { outcome } = await this.startEngineApply(made, stop.signal, abort.signal);
      const apply: ApiApply = { id: randomUUID(), planId, status: 'running', startedAt: new Date().toISOString() };
      this.remember(apply);
      this.running = { apply, stop, abort, done: this.run(apply, outcome) };
      return apply;
    } finally {
      this.starting = false;
    }
  }

  apply(id: string): ApiApply {
    const found = this.applies.get(id);
    if (!found) throw new PumphouseError(API_CODES.notFound, `no apply ${quoted(id)}`, { hint: 'GET /v1/applies lists them' });
    return found;
  }

  allApplies(): ApiApply[] {
    return [...this.applies.values()];
  }

  /** As Ctrl-C: the first cancel lets running steps finish, the second stops them at a safe point. */
  cancel(id: string): ApiApply {
    const apply = this.apply(id);
    if (this.running?.apply !== apply) throw new PumphouseError(API_CODES.busy, `apply ${id} is not running (${apply.status})`);
    if (this.running.stop.signal.aborted) this.running.abort.abort();
    else this.running.stop.abort();
    return apply;
  }

  /** Waits for a running apply (the server is stopping: it is cancelled first). */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running.stop.abort();
    this.running.abort.abort();
    await this.running.done;
  }

  /**
   * Hands the plan to the engine, which locks the state, discovers both clouds, refuses a plan
   * made before they changed (409) and then asks for approval: the request that started it is
   * the approval, so the answer is yes, and from then on the apply runs on its own.
   */
  private async startEngineApply(made: ApiPlan, stop: AbortSignal, abort: AbortSignal): Promise<{ outcome: Promise<ApplyResult> }> {
    let approved: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      approved = resolve;
    });
    const io: EngineIo = { approve: async () => (approved(), true) };
    const outcome = this.engine.apply({ plan: { plan: made.plan }, statePath: this.statePath, command: `pumphouse serve: apply of plan ${made.id}`, stop, abort }, io);
    try {
      await Promise.race([started, outcome]);
    } catch (error) {
      if (isPumphouseError(error) && error.code === 'PH1602') {
        throw new PumphouseError(error.code, `plan ${made.id}: ${error.message}`, { hint: 'the clouds changed since it was made: POST the plan file to /v1/plans again, review the new plan, then apply that' });
      }
      throw error;
    }
    return { outcome };
  }

  /** Keeps the newest applies, as many as plans are kept (a running one is never dropped). */
  private remember(apply: ApiApply): void {
    this.applies.set(apply.id, apply);
    const keep = this.engine.settings().serve.plansKept;
    for (const [id, old] of this.applies) {
      if (this.applies.size <= keep) break;
      if (old.status !== 'running') this.applies.delete(id);
    }
  }

  /** The apply reads as ended only once the state is released and another may start. */
  private async run(apply: ApiApply, outcome: Promise<ApplyResult>): Promise<void> {
    let ended: Pick<ApiApply, 'status' | 'report' | 'error'>;
    try {
      const { report } = await outcome;
      ended = !report ? { status: 'done' } : { report, status: report.interrupted ? 'interrupted' : report.counts.failed > 0 ? 'failed' : 'done' };
    } catch (error) {
      ended = { status: 'error', error: problemOf(error) };
    }
    this.running = undefined;
    Object.assign(apply, ended, { finishedAt: new Date().toISOString() });
  }
}

/** A plan file with errors: answered 400 with every diagnostic (file, line, column, code). */
export class PlanFileError extends PumphouseError {
  constructor(readonly diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(errors[0]?.code ?? API_CODES.badRequest, `the plan file has ${errors.length} error(s)`, { hint: 'fix them (the diagnostics say where), then POST it again' });
    this.name = 'PlanFileError';
  }
}
