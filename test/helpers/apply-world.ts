import { writeFileSync } from 'node:fs';
import { runApply, type ApplyInput, type ApplyReport } from '../../src/apply/apply.js';
import { MemoryDocument } from '../../src/apply/ledger.js';
import { PasswordsFile } from '../../src/apply/passwords.js';
import { openApplySession, type ApplySession } from '../../src/apply/session.js';
import { loadConfig, type PumphouseConfig } from '../../src/config/load.js';
import { planFrom, planInputs, type Narrowing } from '../../src/engine/plan.js';
import { RecordingSink } from '../../src/events/sink.js';
import type { ExecutionPlan } from '../../src/execution-plan/plan.js';
import { connect } from '../../src/openstack/index.js';
import { loadPlanFile } from '../../src/plan-file/index.js';
import type { Sandbox, SandboxOptions } from '../../src/simulator/sandbox.js';
import { planText } from './plan-text.js';
import { privateSandbox } from './sandbox.js';

/**
 * The engine on a private demo sandbox, in the test's own process: plan what the test writes
 * under `spec:` through the engine's plan pipeline (engine/plan.ts, as `pumphouse plan` does),
 * apply it with the state in memory, look at both simulated clouds directly. For tests of step
 * runners that need real OpenStack answers but not the CLI, and that hand apply what the CLI
 * cannot (a state that checks each write, a passwords sink that records when it is called).
 */
export interface ApplyWorld {
  sandbox: Sandbox;
  config: PumphouseConfig;
  /** The in-memory state (id mappings, downtime records, step statuses) across plans and applies. */
  state: MemoryDocument;
  /** Every event of every plan and apply so far. */
  events: RecordingSink;
  /** Discovers both clouds and plans `spec` (the YAML under `spec:`) with the state's mappings. */
  plan(spec: string, narrowing?: Narrowing): Promise<ExecutionPlan>;
  /** Discovers both clouds again and carries out `plan` (made by `plan()`). */
  apply(plan: ExecutionPlan, options?: Partial<ApplyInput>): Promise<ApplyReport>;
  stop(): Promise<void>;
}

/** The demo scenario's network and volume type maps, as a line under `spec:`. */
export const SANDBOX_MAPS = 'maps: { networks: { public: admin_floating_net }, volumeTypes: { lvmdriver-1: volumes_lvm } }\n';

/** A world whose clouds change status at once (`sandbox` overrides that); `state` starts it with that state. */
export async function applyWorld(options: { state?: MemoryDocument; sandbox?: SandboxOptions } = {}): Promise<ApplyWorld> {
  const env = await privateSandbox({ hardware: false, ...options.sandbox, faults: { transitionMs: 0, ...options.sandbox?.faults } });
  const config = loadConfig(env.config);
  const events = new RecordingSink();
  const state = options.state ?? new MemoryDocument();
  let plans = 0;
  const inSession = async <T>(work: (session: ApplySession) => Promise<T>): Promise<T> => {
    const session = await openApplySession(config, events);
    try {
      return await work(session);
    } finally {
      session.close();
    }
  };
  return {
    sandbox: env.sandbox, config, state, events,
    async plan(spec, narrowing = {}) {
      const file = env.files.path(`plan-${++plans}.yaml`);
      writeFileSync(file, planText('world', spec.replace(/^(?=.)/gm, '  ')));
      const loaded = loadPlanFile(file);
      if (!loaded.desired) throw new Error(`the test plan is invalid: ${JSON.stringify(loaded.diagnostics)}`);
      const desired = loaded.desired;
      return inSession(async (session) => planFrom(desired, await planInputs(config, session, state.state.mappings), narrowing));
    },
    apply(plan, options = {}) {
      return inSession(async (session) => runApply({
        plan, source: session.clouds[0], target: session.clouds[1], targetConfig: session.configs[1], inventories: session.inventories, store: state, events,
        passwords: await PasswordsFile.open(plan.settings.passwordsFile ?? env.files.path('world.passwords.yaml')),
        connect: (c) => connect(c, { events }), pollMs: 20, retryBaseMs: 20, ...options,
      }));
    },
    stop: () => env.stop(),
  };
}

/** The changes of a plan that do something, as "action address" lines. */
export function changeLines(plan: ExecutionPlan): string[] {
  return plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.address}`);
}
