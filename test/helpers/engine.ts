import type { ApplyReport } from '../../src/apply/apply.js';
import { applyInSession, openApplySession, type ApplySession } from '../../src/apply/session.js';
import { loadConfig, type PumphouseConfig } from '../../src/config/load.js';
import type { DesiredState } from '../../src/desired/model.js';
import { hasErrors } from '../../src/diagnostics/diagnostic.js';
import { planFrom, planInputs } from '../../src/engine/plan.js';
import { nullSink } from '../../src/events/sink.js';
import type { ExecutionPlan } from '../../src/execution-plan/plan.js';
import { loadPlanFile } from '../../src/plan-file/index.js';
import { configSecrets } from '../../src/state/secrets.js';
import { StateStore } from '../../src/state/store.js';

/**
 * The engine behind `pumphouse plan` and `apply`, driven in-process: what the CLI does, without
 * a child process and its start-up per call (for tests that plan and apply many times).
 */
export interface PlannedNow {
  plan: ExecutionPlan;
  /** The connections and inventories the plan was made from; apply uses them as the CLI does. */
  session: ApplySession;
}

export class InProcessEngine {
  private constructor(
    private readonly config: PumphouseConfig,
    private readonly desired: DesiredState,
    private readonly store: StateStore,
    private readonly pollMs: number,
  ) {}

  static async open(configFile: string, planFile: string, statePath: string, options: { pollMs?: number } = {}): Promise<InProcessEngine> {
    const config = loadConfig(configFile);
    const loaded = loadPlanFile(planFile);
    if (!loaded.desired || hasErrors(loaded.diagnostics)) throw new Error(`${planFile}: ${loaded.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
    const store = await StateStore.open(statePath, { command: 'in-process engine (test)' }, { secrets: configSecrets(config) });
    return new InProcessEngine(config, loaded.desired, store, options.pollMs ?? 20);
  }

  /** Discovers both clouds and plans against them and the state's mappings (`pumphouse plan`). */
  async plan(): Promise<PlannedNow> {
    const session = await openApplySession(this.config, nullSink);
    try {
      return { plan: planFrom(this.desired, await planInputs(this.config, session, this.store.state.mappings)), session };
    } catch (error) {
      session.close();
      throw error;
    }
  }

  /** Applies a plan made by `plan()` in its session, then closes the session. */
  async apply(planned: PlannedNow): Promise<ApplyReport> {
    try {
      return await applyInSession(this.config, planned.session, planned.plan, this.store, nullSink, { pollMs: this.pollMs });
    } finally {
      planned.session.close();
    }
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
