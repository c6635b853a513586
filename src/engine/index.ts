import { chooseConfig, type ConfigChoice } from '../config/choose.js';
import { DEFAULT_SETTINGS, type PumphouseConfig, type Settings } from '../config/load.js';
import type { DesiredState } from '../desired/model.js';
import type { ApplyState } from '../state/model.js';
import { EventBus } from '../events/sink.js';
import type { ExecutionPlan } from '../execution-plan/plan.js';
import type { HostReport } from '../hosts/report.js';
import type { Inventory } from '../inventory/model.js';
import type { CloudDescription } from '../openstack/index.js';
import type { ApplyRequest, ApplyResult } from './apply.js';
import type { CleanupOutcome, CleanupRequest } from './cleanup.js';
import type { CloudChoice } from './clouds.js';
import type { GranularAction, GranularPlan } from './granular.js';
import { autoApprove, type EngineIo } from './io.js';
import type { CheckedPlanFile } from './check.js';
import type { Narrowing } from './plan.js';
import type { StateView } from './state.js';

/**
 * The engine's facade (as aws-cdk-cli's Toolkit is): one method per action, the only way the
 * front ends — the CLI (src/cli), the API (src/server) — reach the engine. It reports through one
 * event sink (`events`) and asks through one `EngineIo` (approval); it never prints. Each method
 * loads what it uses when called, so a command starts with only its own code loaded.
 */
export interface EngineOptions {
  /** The run's configuration, read when first needed (`validate` needs none). */
  config: () => PumphouseConfig;
  /** Where events go; one bus per run (the API passes its journal's). */
  events?: EventBus;
  io?: EngineIo;
}

/** A plan to make: from a plan file, or from its parts (a desired state already loaded). */
export type PlanRequest = ({ file: string } | { desired: DesiredState }) & {
  narrowing?: Narrowing;
  /** The state file whose id mappings match copies first. */
  statePath: string;
  /** Probe the clouds when nothing measured the downtime figures yet (engine/plan.ts). @default true */
  probe?: boolean;
};

export class Engine {
  readonly events: EventBus;
  readonly io: EngineIo;
  private loaded: PumphouseConfig | undefined;

  constructor(private readonly options: EngineOptions) {
    this.events = options.events ?? new EventBus();
    this.io = options.io ?? autoApprove;
  }

  /** pumphouse.yaml (or the clouds named without one): see config/choose.ts. */
  static fromConfig(choice: ConfigChoice, options: Omit<EngineOptions, 'config'> = {}): Engine {
    return new Engine({ ...options, config: () => chooseConfig(choice) });
  }

  config(): PumphouseConfig {
    this.loaded ??= this.options.config();
    return this.loaded;
  }

  /** pumphouse.yaml's settings, the defaults where a config has none. */
  settings(): Settings {
    return { ...DEFAULT_SETTINGS, ...this.config().settings };
  }

  /** Each cloud's Keystone, region, services, endpoints and versions. */
  async clouds(choice: CloudChoice): Promise<CloudDescription[]> {
    const { describeClouds } = await import('./clouds.js');
    return describeClouds(this.config(), choice, this.events);
  }

  /** The clouds' inventories (schemas/inventory.schema.json), source first. */
  async discover(choice: CloudChoice): Promise<Inventory[]> {
    const { discoverClouds } = await import('./clouds.js');
    return discoverClouds(this.config(), choice, this.events);
  }

  /** A plan file checked offline: YAML, schema, rules. Needs no config and no cloud. */
  async validate(file: string): Promise<CheckedPlanFile> {
    const { checkPlanFile } = await import('./check.js');
    return checkPlanFile(file);
  }

  /**
   * The execution plan of a plan file: both clouds discovered, every pre-flight input gathered
   * (the target's Nova microversion included). `checked` sees the file's diagnostics first;
   * a file with errors throws InvalidPlanFile (PH1399).
   */
  async plan(request: PlanRequest, checked: (file: CheckedPlanFile) => void = () => undefined): Promise<ExecutionPlan> {
    const [{ checkPlanFile, InvalidPlanFile }, { makePlanOf }] = await Promise.all([import('./check.js'), import('./plan-run.js')]);
    let desired: DesiredState;
    if ('file' in request) {
      const file = checkPlanFile(request.file);
      checked(file);
      if (!file.desired) throw new InvalidPlanFile(file);
      desired = file.desired;
    } else {
      desired = request.desired;
    }
    return makePlanOf(this.config(), this.events, desired, request.statePath, request.narrowing ?? {}, request.probe ?? true);
  }

  /** A saved plan (`plan --out`), refused when the clouds changed where it acts (PH1602). */
  async loadSavedPlan(file: string, statePath: string): Promise<ExecutionPlan> {
    const { loadSavedPlanNow } = await import('./plan-run.js');
    return loadSavedPlanNow(this.config(), this.events, file, statePath);
  }

  /** Plans (or takes a plan), shows it through `io.review`, asks `io.approve`, carries it out. */
  async apply(request: ApplyRequest, io: EngineIo = this.io, checked: (file: CheckedPlanFile) => void = () => undefined): Promise<ApplyResult> {
    const { runApplyRequest } = await import('./apply.js');
    return runApplyRequest({ config: this.config(), events: this.events, io, checked }, request);
  }

  /** Removes the temporaries an interrupted apply left (as the state records them). */
  async cleanup(request: CleanupRequest): Promise<CleanupOutcome> {
    const { runCleanup } = await import('./cleanup.js');
    return runCleanup(this.config(), this.events, request);
  }

  /** The source's hosts; with `check`, what each BMC and the Fuel master say (reads only). */
  async hosts(options: { check: boolean }): Promise<HostReport> {
    const { surveyHosts } = await import('../hosts/survey.js');
    return surveyHosts(this.config(), this.events, options);
  }

  async stateShow(path: string): Promise<StateView> {
    return (await import('./state.js')).showState(path);
  }

  /** The state file, or undefined when there is none yet. */
  async stateRead(path: string): Promise<ApplyState | undefined> {
    return (await import('../state/store.js')).readState(path);
  }

  async stateUnlock(path: string, force: boolean): Promise<{ removed?: string }> {
    return (await import('./state.js')).unlockState(path, force);
  }

  /** The state file set aside (`<state>.reset-<time>`) after the sandbox's reset; where it went, if there was one. */
  async stateSetAside(path: string): Promise<string | undefined> {
    return (await import('./state-aside.js')).setStateAside(path);
  }

  /** The plan behind a granular action (`migrate …`, `evacuate`, `upgrade`, the original API's routes). */
  async granularPlan(action: GranularAction): Promise<GranularPlan> {
    return (await import('./granular.js')).granularPlan(action);
  }
}

export { autoApprove, EventBus };
export type { EngineIo, ConfigChoice };
export type { ApplyRequest, ApplyResult, PlanSource } from './apply.js';
export type { CleanupOutcome, CleanupRequest } from './cleanup.js';
export type { CloudChoice } from './clouds.js';
export type { GranularAction, GranularPlan, HostAction, MigrateAction, MigrateKind } from './granular.js';
export type { CheckedPlanFile } from './check.js';
export type { Narrowing } from './plan.js';
export type { StateView } from './state.js';
