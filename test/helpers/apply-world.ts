import { writeFileSync } from 'node:fs';
import { MemoryDocument } from '../../src/apply/ledger.js';
import { runApply, type ApplyReport } from '../../src/apply/apply.js';
import type { PumphouseEvent } from '../../src/events/events.js';
import { EventBus } from '../../src/events/sink.js';
import { makePlan } from '../../src/execution-plan/make.js';
import type { ExecutionPlan } from '../../src/execution-plan/plan.js';
import { discoverInventory } from '../../src/inventory/index.js';
import type { Inventory } from '../../src/inventory/model.js';
import { connect, type Cloud } from '../../src/openstack/index.js';
import { loadPlanFile } from '../../src/plan-file/index.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/simulator/sandbox.js';
import { sandboxCloudConfig } from './sandbox.js';
import { tempFiles } from './tmp.js';

/**
 * Plan and apply in this process against a demo sandbox with instant status transitions (a spec
 * written under `spec:` by the test; test/helpers/in-process-apply.ts takes whole plan files), the
 * state in memory: for tests of step runners that need real OpenStack answers but not the CLI.
 */
export interface ApplyWorld {
  sandbox: Sandbox;
  /** The in-memory state (id mappings, downtime records, step statuses) across plans and applies. */
  state: MemoryDocument;
  /** Every event of every apply so far. */
  events: PumphouseEvent[];
  discover(): Promise<{ source: Inventory; target: Inventory }>;
  /** Discovers both clouds and plans `spec` (the YAML under `spec:`) with the state's mappings. */
  plan(spec: string, options?: PlanOptions): Promise<{ plan: ExecutionPlan; inventories: { source: Inventory; target: Inventory } }>;
  /** Plans `spec`, runs `beforeApply` (to change a cloud behind the plan's back), then applies that plan. */
  apply(spec: string, options?: PlanOptions & { beforeApply?: (plan: ExecutionPlan) => void }): Promise<{ plan: ExecutionPlan; report: ApplyReport }>;
  stop(): Promise<void>;
}

export interface PlanOptions {
  /** --target: only these addresses and what they need. */
  targets?: string[];
}

export async function applyWorld(options: SandboxOptions = {}): Promise<ApplyWorld> {
  const sandbox = await startSandbox({ scenario: 'demo', portBase: 0, ...options, faults: { transitionMs: 0, ...options.faults } });
  const files = tempFiles({});
  const configs = { source: sandboxCloudConfig(sandbox.source, 'source'), target: sandboxCloudConfig(sandbox.target, 'target') };
  const clouds: Cloud[] = [];
  const open = async (config: typeof configs.source): Promise<Cloud> => {
    const cloud = await connect(config);
    clouds.push(cloud);
    return cloud;
  };
  const source = await open(configs.source);
  const target = await open(configs.target);
  const state = new MemoryDocument();
  const events: PumphouseEvent[] = [];
  let planned = 0;
  const discover = async () => {
    const [s, t] = await Promise.all([discoverInventory(source, { label: 'source' }), discoverInventory(target, { label: 'target' })]);
    return { source: s, target: t };
  };
  const plan = async (spec: string, options: PlanOptions = {}) => {
    const file = files.path(`plan-${++planned}.yaml`);
    writeFileSync(file, `apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: test }\nspec:\n${spec.replace(/^/gm, '  ')}\n`);
    const loaded = loadPlanFile(file);
    if (!loaded.desired) throw new Error(`the test plan is invalid: ${JSON.stringify(loaded.diagnostics)}`);
    const inventories = await discover();
    const made = makePlan({ desired: loaded.desired, ...inventories, mappings: state.state.mappings, ...(options.targets ? { targets: options.targets } : {}), now: new Date() });
    return { plan: made.plan, inventories };
  };
  return {
    sandbox, state, events, discover, plan,
    async apply(spec, options = {}) {
      const { plan: made, inventories } = await plan(spec, options);
      options.beforeApply?.(made);
      const bus = new EventBus().on((e) => events.push(e));
      const report = await runApply({
        plan: made, source, target, targetConfig: configs.target, inventories, store: state, events: bus,
        passwords: { record: async () => undefined, known: () => undefined }, connect: open, pollMs: 5, retryBaseMs: 5,
      });
      return { plan: made, report };
    },
    async stop() {
      clouds.forEach((c) => c.close());
      await sandbox.stop();
      files.cleanup();
    },
  };
}
