import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ApplyReport } from '../apply/apply.js';
import { applyInSession, checkStateClouds, openApplySession } from '../apply/session.js';
import { checkPlanFresh } from '../apply/stale.js';
import type { PumphouseConfig } from '../config/load.js';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { errorMessage, isPumphouseError } from '../errors.js';
import type { EventSink } from '../events/sink.js';
import { makePlan } from '../execution-plan/make.js';
import type { ExecutionPlan } from '../execution-plan/plan.js';
import { loadPlanFile } from '../plan-file/index.js';
import { configSecrets } from '../state/secrets.js';
import { readState, StateStore } from '../state/store.js';
import { confinePlanPaths } from './confine.js';
import { API_CODES, ApiError } from './http.js';

/**
 * What the API keeps between requests: the plans it made (by id, with the plan file they came
 * from) and the applies it ran, one at a time. An apply holds the state file's lock like
 * `pumphouse apply` does, so CLI and API refuse each other's concurrent applies.
 */
export interface ApiPlan {
  id: string;
  file: string;
  createdAt: string;
  plan: ExecutionPlan;
}

export interface ApiApply {
  id: string;
  planId: string;
  status: 'running' | 'done' | 'failed' | 'interrupted' | 'error';
  startedAt: string;
  finishedAt?: string;
  /** The apply's summary once it ended: counts, problems, downtime. */
  report?: ApplyReport;
  /** Why it could not run (connection, stale plan), when it never got to its steps. */
  error?: { code?: string; message: string; hint?: string };
}

export class ApiWork {
  private readonly plans = new Map<string, ApiPlan>();
  private readonly applies = new Map<string, ApiApply>();
  private running: { apply: ApiApply; stop: AbortController; abort: AbortController; done: Promise<void> } | undefined;

  constructor(private readonly config: PumphouseConfig, private readonly statePath: string, private readonly events: EventSink) {}

  /** Plans a plan file's text: 400 with its diagnostics when it has errors. */
  async createPlan(text: string): Promise<ApiPlan> {
    const id = randomUUID();
    const dir = join(dirname(this.statePath), 'api-plans');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${id}.yaml`);
    writeFileSync(file, text, { mode: 0o600 });
    const loaded = loadPlanFile(file);
    if (!loaded.desired || hasErrors(loaded.diagnostics)) throw new PlanFileError(loaded.diagnostics);
    confinePlanPaths(loaded.desired, dirname(this.statePath));
    const session = await openApplySession(this.config, this.events);
    try {
      const state = await readState(this.statePath);
      const plan = makePlan({ desired: loaded.desired, source: session.inventories.source, target: session.inventories.target, mappings: state?.mappings ?? {}, now: new Date() }).plan;
      const made: ApiPlan = { id, file, createdAt: new Date().toISOString(), plan };
      this.plans.set(id, made);
      return made;
    } finally {
      session.close();
    }
  }

  plan(id: string): ApiPlan {
    const found = this.plans.get(id);
    if (!found) throw new ApiError(404, API_CODES.notFound, `no plan ${id}`, 'POST a plan file to /v1/plans first; plans live as long as the server');
    return found;
  }

  /** Starts applying a plan; resolves once the state is locked (409 when another apply holds it). */
  async startApply(planId: string): Promise<ApiApply> {
    const made = this.plan(planId);
    if (this.running) throw new ApiError(409, API_CODES.busy, `apply ${this.running.apply.id} is still running`, `wait for it (GET /v1/applies/${this.running.apply.id}) or cancel it`);
    if (!made.plan.applyable) {
      if (hasErrors(made.plan.diagnostics)) throw new PlanFileError(made.plan.diagnostics);
      throw new ApiError(400, API_CODES.badRequest, `plan ${planId} cannot be applied: it has conflicts or failed pre-flight checks`, 'the plan (GET /v1/plans/{id}) says which; fix the plan file or the clouds, then POST it again');
    }
    const store = await StateStore.open(this.statePath, { command: `pumphouse serve: apply of plan ${planId}` }, { secrets: configSecrets(this.config) });
    const apply: ApiApply = { id: randomUUID(), planId, status: 'running', startedAt: new Date().toISOString() };
    const stop = new AbortController();
    const abort = new AbortController();
    this.applies.set(apply.id, apply);
    const done = this.run(apply, made.plan, store, stop.signal, abort.signal).finally(() => {
      this.running = undefined;
    });
    this.running = { apply, stop, abort, done };
    return apply;
  }

  apply(id: string): ApiApply {
    const found = this.applies.get(id);
    if (!found) throw new ApiError(404, API_CODES.notFound, `no apply ${id}`, 'GET /v1/applies lists them');
    return found;
  }

  allApplies(): ApiApply[] {
    return [...this.applies.values()];
  }

  /** As Ctrl-C: the first cancel lets running steps finish, the second stops them at a safe point. */
  cancel(id: string): ApiApply {
    const apply = this.apply(id);
    if (this.running?.apply !== apply) throw new ApiError(409, API_CODES.busy, `apply ${id} is not running (${apply.status})`);
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

  private async run(apply: ApiApply, plan: ExecutionPlan, store: StateStore, stop: AbortSignal, abort: AbortSignal): Promise<void> {
    try {
      const session = await openApplySession(this.config, this.events);
      try {
        checkPlanFresh(plan, session.inventories.source, (address) => Object.keys(store.state.steps).some((step) => step.endsWith(`:${address}`)));
        checkStateClouds(store, session);
        const report = await applyInSession(this.config, session, plan, store, this.events, { stop, abort });
        apply.report = report;
        apply.status = report.interrupted ? 'interrupted' : report.counts.failed > 0 ? 'failed' : 'done';
      } finally {
        session.close();
      }
    } catch (error) {
      apply.status = 'error';
      apply.error = isPumphouseError(error) ? { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } : { message: errorMessage(error) };
    } finally {
      apply.finishedAt = new Date().toISOString();
      await store.close().catch((error: unknown) => {
        apply.status = 'error';
        apply.error = { message: errorMessage(error) };
      });
    }
  }
}

/** A plan file with errors: answered 400 with every diagnostic (file, line, column, code). */
export class PlanFileError extends ApiError {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(400, diagnostics.find((d) => d.severity === 'error')?.code ?? API_CODES.badRequest, `the plan file has ${diagnostics.filter((d) => d.severity === 'error').length} error(s)`, 'fix them (the diagnostics say where), then POST it again');
  }
}
