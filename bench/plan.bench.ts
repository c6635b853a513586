/**
 * bench:plan — plan a workload of ALL servers of the `large` sandbox (10 000 servers, 20 000+
 * ports) against its fresh target. Discovery is measured apart; `diffSeconds` is resolution +
 * diff + step graph, the part that must stay interactive. Prints, last, one line:
 *   {"bench":"plan","servers":N,"seconds":S,"diffSeconds":D,"peakRssMB":M}
 * Targets: diffSeconds ≤ 2, peakRssMB ≤ 768.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { makePlan } from '../src/execution-plan/make.js';
import { discoverInventory } from '../src/inventory/index.js';
import { connect } from '../src/openstack/index.js';
import { loadPlanFile } from '../src/plan-file/index.js';
import { peakRssMB, round, runBench } from './lib/report.js';
import { startSandboxProcess } from './lib/sandbox-process.js';

const PLAN = `apiVersion: pumphouse/v1
kind: MigrationPlan
metadata: { name: bench-all }
spec:
  workloads:
    - projects: ["*"]
      strategy: snapshot
      volumes: attached
  maps:
    networks: { public: admin_floating_net }
    volumeTypes: { lvmdriver-1: volumes_lvm }
`;

async function main(): Promise<Record<string, unknown>> {
  const sandbox = await startSandboxProcess('large');
  const dir = mkdtempSync(join(tmpdir(), 'pumphouse-bench-plan-'));
  let line: Record<string, unknown>;
  try {
    const planPath = join(dir, 'all.yaml');
    writeFileSync(planPath, PLAN);
    const loaded = loadPlanFile(planPath);
    if (!loaded.desired) throw new Error(`the bench plan is invalid: ${JSON.stringify(loaded.diagnostics)}`);
    const config = loadConfig(sandbox.configPath);
    const started = performance.now();
    const [source, target] = await Promise.all([config.source, config.target].map(async (cloudConfig) => {
      const cloud = await connect(cloudConfig);
      const inventory = await discoverInventory(cloud, { label: cloudConfig.label });
      cloud.close();
      return inventory;
    }));
    const discovered = performance.now();
    const { plan, timings } = makePlan({ desired: loaded.desired, source: source!, target: target!, now: new Date() });
    const finished = performance.now();
    const diffMs = timings.resolveMs + timings.diffMs + timings.graphMs;
    process.stderr.write(`discovery ${((discovered - started) / 1000).toFixed(2)} s; resolve ${timings.resolveMs.toFixed(0)} ms, diff ${timings.diffMs.toFixed(0)} ms, graph ${timings.graphMs.toFixed(0)} ms, pre-flight ${timings.preflightMs.toFixed(0)} ms; ${plan.steps.length} steps\n`);
    line = {
      bench: 'plan',
      servers: plan.summary.migrate > 0 ? plan.changes.filter((c) => c.kind === 'server' && c.action === 'migrate').length : 0,
      seconds: round((finished - started) / 1000),
      diffSeconds: round(diffMs / 1000),
      peakRssMB: peakRssMB(),
    };
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return line;
}

runBench('plan', main);
