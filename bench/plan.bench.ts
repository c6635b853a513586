/**
 * bench:plan — plan a workload of ALL servers of the `large` sandbox (10 000 servers, 20 000+
 * ports) against its fresh target, at scale 1 and 5 (50 000 servers), each size in a process of
 * its own so its peak memory is its own. Discovery is measured apart; `diffSeconds` is
 * resolution + diff + step graph, the part that must stay interactive. Prints one line per size:
 *   {"bench":"plan","scale":1,"servers":N,"seconds":S,"diffSeconds":D,"peakRssMB":M}
 * then the growth from 1× to 5×:
 *   {"bench":"plan-growth","servers":5,"diffTime":T,"peakRss":R}
 * Targets: at 1×, diffSeconds ≤ 2 and peakRssMB ≤ 768; growth no faster than linear: diffTime ≤ 6
 * and peakRss ≤ 5 for 5× the servers. `node dist/bench/plan.bench.js --scale N` runs one size.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

const SCALES = [1, 5];

async function planAtScale(scale: number): Promise<Record<string, unknown>> {
  const sandbox = await startSandboxProcess('large', ['--scale', String(scale)]);
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
      scale,
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

/** Runs one size in a child process and returns its line. */
function childLine(scale: number): Record<string, unknown> {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--scale', String(scale)], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`bench:plan at scale ${scale} exited ${child.status}`);
  const last = child.stdout.toString().trim().split('\n').pop() ?? '';
  return JSON.parse(last) as Record<string, unknown>;
}

async function main(): Promise<Record<string, unknown>> {
  const lines = SCALES.map((scale) => {
    const line = childLine(scale);
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return line;
  });
  const [small, big] = lines as [Record<string, number>, Record<string, number>];
  return {
    bench: 'plan-growth',
    servers: round(big['servers']! / small['servers']!),
    diffTime: round(big['diffSeconds']! / small['diffSeconds']!),
    peakRss: round(big['peakRssMB']! / small['peakRssMB']!),
  };
}

const scaleArg = process.argv.indexOf('--scale');
if (scaleArg > 0) runBench('plan', () => planAtScale(Number(process.argv[scaleArg + 1])));
else runBench('plan', main);
