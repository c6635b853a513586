import { writeFileSync } from 'node:fs';
import { runApply, type ApplyInput, type ApplyReport } from '../../src/apply/apply.js';
import { MemoryDocument } from '../../src/apply/ledger.js';
import { PasswordsFile } from '../../src/apply/passwords.js';
import { loadConfig, type PumphouseConfig } from '../../src/config/load.js';
import { applyUserAddress } from '../../src/diff/losses.js';
import { RecordingSink } from '../../src/events/sink.js';
import { makePlan } from '../../src/execution-plan/make.js';
import type { ExecutionPlan } from '../../src/execution-plan/plan.js';
import { discoverInventory } from '../../src/inventory/index.js';
import { connect, type Cloud } from '../../src/openstack/index.js';
import { loadPlanFile } from '../../src/plan-file/index.js';
import { privateSandbox } from './sandbox.js';

/**
 * The engine on a private demo sandbox, in the test's own process: plan a plan file written by
 * the test, apply it with an in-memory state, look at both simulated clouds directly. Faster
 * than the CLI and able to hand the engine a config the test built.
 */
export interface ApplyWorld {
  env: Awaited<ReturnType<typeof privateSandbox>>;
  config: PumphouseConfig;
  clouds: { source: Cloud; target: Cloud };
  state: MemoryDocument;
  events: RecordingSink;
  /** The plan file `yaml` (without its header) planned against both clouds as they are now. */
  plan(yaml: string, options?: { excludes?: string[] }): Promise<ExecutionPlan>;
  apply(plan: ExecutionPlan, options?: Partial<ApplyInput>): Promise<ApplyReport>;
  stop(): Promise<void>;
}

export const PLAN_HEADER = 'apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: world }\n';
export const SANDBOX_MAPS = '  maps:\n    networks: { public: admin_floating_net }\n    volumeTypes: { lvmdriver-1: volumes_lvm }\n';

export async function applyWorld(options: { state?: MemoryDocument } = {}): Promise<ApplyWorld> {
  const env = await privateSandbox({ hardware: false });
  const config = loadConfig(env.config);
  const events = new RecordingSink();
  const [source, target] = await Promise.all([connect(config.source, { events }), connect(config.target, { events })]);
  const state = options.state ?? new MemoryDocument();
  let plans = 0;
  return {
    env, config, clouds: { source, target }, state, events,
    async plan(yaml, options = {}) {
      const file = env.files.path(`plan-${++plans}.yaml`);
      writeFileSync(file, PLAN_HEADER + yaml);
      const loaded = loadPlanFile(file);
      if (!loaded.desired) throw new Error(`invalid test plan: ${JSON.stringify(loaded.diagnostics)}`);
      const [s, t] = await Promise.all([discoverInventory(source, { label: 'source' }), discoverInventory(target, { label: 'target' })]);
      return makePlan({ desired: loaded.desired, source: s, target: t, mappings: state.state.mappings, excludes: options.excludes ?? [], applyUser: applyUserAddress(config.target.auth) ?? '', now: new Date() }).plan;
    },
    async apply(plan, options = {}) {
      const [s, t] = await Promise.all([discoverInventory(source, { label: 'source' }), discoverInventory(target, { label: 'target' })]);
      return runApply({
        plan, source, target, targetConfig: config.target, inventories: { source: s, target: t }, store: state, events,
        passwords: await PasswordsFile.open(plan.settings.passwordsFile ?? env.files.path('world.passwords.yaml')),
        connect: (c) => connect(c, { events }), pollMs: 20, retryBaseMs: 20, ...options,
      });
    },
    async stop() {
      source.close();
      target.close();
      await env.stop();
    },
  };
}

/** The changes of a plan that do something, as "action address" lines. */
export function changeLines(plan: ExecutionPlan): string[] {
  return plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.address}`);
}
