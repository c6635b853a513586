/**
 * bench:apply — the executor's own cost per step: apply a plan moving the servers of the first
 * three projects of the `large` sandbox (600 servers, strategy rebuild, no volumes) with instant
 * status transitions, at parallelism 32, with the real state file. The images move first, in an
 * untimed wave of their own: streaming 660 MB is bench:image's business, not the step engine's.
 * Prints, last, one line:
 *   {"bench":"apply","servers":N,"steps":N,"seconds":S,"msPerStep":X,"peakRssMB":M}
 * Target: msPerStep ≤ 5.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApply } from '../src/apply/apply.js';
import { loadConfig } from '../src/config/load.js';
import { EventBus } from '../src/events/sink.js';
import { makePlan } from '../src/execution-plan/make.js';
import { discoverInventory } from '../src/inventory/index.js';
import { connect } from '../src/openstack/index.js';
import { loadPlanFile } from '../src/plan-file/index.js';
import { StateStore } from '../src/state/store.js';
import { peakRssMB, round, runBench } from './lib/report.js';
import { startSandboxProcess } from './lib/sandbox-process.js';

const IMAGES_FIRST = `apiVersion: pumphouse/v1
kind: MigrationPlan
metadata: { name: bench-apply }
spec:
  images: [cirros-0.6.2-x86_64-disk, ubuntu-22.04]
`;

const PLAN = `apiVersion: pumphouse/v1
kind: MigrationPlan
metadata: { name: bench-apply }
spec:
  identity: { projects: [proj-00, proj-01, proj-02], passwords: skip }
  workloads:
    - projects: [proj-00, proj-01, proj-02]
      strategy: rebuild
      volumes: none
      source: keep-stopped
  maps:
    networks: { public: admin_floating_net }
    volumeTypes: { lvmdriver-1: volumes_lvm }
  parallelism: { global: 32, perHost: 32 }
`;

async function main(): Promise<Record<string, unknown>> {
  const sandbox = await startSandboxProcess('large', ['--transition-ms', '0']);
  const dir = mkdtempSync(join(tmpdir(), 'pumphouse-bench-apply-'));
  let line: Record<string, unknown>;
  try {
    const planPath = join(dir, 'apply.yaml');
    writeFileSync(planPath, PLAN);
    const loaded = loadPlanFile(planPath);
    if (!loaded.desired) throw new Error(`the bench plan is invalid: ${JSON.stringify(loaded.diagnostics)}`);
    const config = loadConfig(sandbox.configPath);
    const events = new EventBus();
    let failures = 0;
    const t0 = Date.now();
    const byAction = new Map<string, { n: number; ms: number; last: number }>();
    events.on((e) => {
      if (e.type === 'step_finished' && e.data.outcome === 'failed' && failures++ < 5) process.stderr.write(`${e.message}\n`);
      if (e.type === 'step_finished') {
        const action = e.data.step.slice(0, e.data.step.indexOf(':', e.data.step.indexOf(':') + 1));
        const a = byAction.get(action) ?? { n: 0, ms: 0, last: 0 };
        byAction.set(action, { n: a.n + 1, ms: a.ms + e.data.ms, last: Date.now() - t0 });
      }
    });
    const clouds = await Promise.all([config.source, config.target].map((c) => connect(c, { events, maxInFlight: 64 })));
    const discover = () => Promise.all(clouds.map((cloud, i) => discoverInventory(cloud, { label: [config.source, config.target][i]!.label })));
    const store = await StateStore.open(join(dir, 'state.json'), { command: 'bench:apply' });
    const common = { source: clouds[0]!, target: clouds[1]!, targetConfig: config.target, store, passwords: { record: async () => undefined, known: () => undefined }, connect: (c: typeof config.target) => connect(c, { events, maxInFlight: 64 }), pollMs: 10, retryBaseMs: 50 };

    // Wave 1, untimed: the images.
    writeFileSync(join(dir, 'images.yaml'), IMAGES_FIRST);
    const images = loadPlanFile(join(dir, 'images.yaml'));
    const [source0, target0] = await discover();
    const imagesPlan = makePlan({ desired: images.desired!, source: source0!, target: target0!, now: new Date() }).plan;
    await runApply({ ...common, plan: imagesPlan, inventories: { source: source0!, target: target0! }, events: new EventBus() });

    const [source, target] = await discover();
    const { plan } = makePlan({ desired: loaded.desired, source: source!, target: target!, mappings: store.state.mappings, now: new Date() });
    if (!plan.applyable) throw new Error(`the bench plan is not applyable: ${JSON.stringify([...plan.diagnostics, ...plan.preflight.filter((c) => c.status === 'failed'), ...plan.changes.filter((c) => c.action === 'conflict').map((c) => c.reason)].slice(0, 3))}`);
    const started = performance.now();
    const report = await runApply({ ...common, plan, inventories: { source: source!, target: target! }, events });
    const seconds = (performance.now() - started) / 1000;
    for (const [action, a] of [...byAction].sort((x, y) => y[1].ms - x[1].ms)) process.stderr.write(`${action}: ${a.n} steps, ${Math.round(a.ms / a.n)} ms each, last done at ${a.last} ms\n`);
    process.stderr.write(`state writes: ${store.writes}, state file ${Math.round(statSync(join(dir, 'state.json')).size / 1024)} KiB\n`);
    await store.close();
    if (process.env['PUMPHOUSE_BENCH_KEEP_STATE']) writeFileSync(process.env['PUMPHOUSE_BENCH_KEEP_STATE'], readFileSync(join(dir, 'state.json')));
    clouds.forEach((c) => c.close());
    if (report.counts.failed > 0 || report.counts.skipped > 0) throw new Error(`${report.counts.failed} steps failed, ${report.counts.skipped} skipped`);
    const servers = plan.changes.filter((c) => c.kind === 'server' && c.action === 'migrate').length;
    line = {
      bench: 'apply', servers, steps: plan.steps.length, seconds: round(seconds), msPerStep: round((seconds * 1000) / plan.steps.length),
      peakRssMB: peakRssMB(),
    };
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return line;
}

runBench('apply', main);
