import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

// The order of a wave's downtimes on the sandbox with a bandwidth limit and one copy stream at a
// time: cold servers the plan lists largest first (cold-1 3 GiB, cold-2 2, cold-3 1, declared;
// 96, 64 and 32 MiB of synthetic data) move smallest first, after the warm cutover that copies
// nothing while down; each waits for its turn running, so its downtime is its own copy alone.

const PLAN = `${REPO_ROOT}/plans/downtime.yaml`;

const DISKS = { 'cold-1': 3, 'cold-2': 2, 'cold-3': 1, 'warm-1': 3 };
const MiB = 1024 ** 2;

interface Record_ { stoppedAt: string; verifiedAt: string; seconds: number; cutover?: string }
interface PlanJson { steps: Array<{ id: string }>; changes: Array<{ address: string; move?: { downtimeSeconds: number } }> }

describe('downtime order', () => {
  test('cold servers listed largest first move smallest first, each down for its own copy only', { timeout: 240_000 }, async () => {
    const env = await privateSandbox({ scenario: 'downtime', disks: DISKS, scale: 1 / 32, faults: { bandwidthBytesPerSecond: 64 * MiB } });
    try {
      const plan = env.files.path('order.yaml');
      const state = env.files.path('state.json');
      copyFileSync(PLAN, plan);
      const planned = await runCli(['--config', env.config, '--output', 'json', 'plan', plan, '--state', state]);
      assert.equal(planned.code, 0, planned.stderr.slice(-2000));
      const json = JSON.parse(planned.stdout) as PlanJson;
      const listed = json.steps.map((s) => s.id).filter((id) => id.startsWith('migrate-server:server:wave/cold-'));
      assert.deepEqual(listed, ['cold-1', 'cold-2', 'cold-3'].map((n) => `migrate-server:server:wave/${n}`), 'the plan lists them largest first');
      const estimate = (name: string) => json.changes.find((c) => c.address === `server:wave/${name}`)?.move?.downtimeSeconds ?? Number.NaN;
      assert.ok(estimate('warm-1') < estimate('cold-3') && estimate('cold-3') < estimate('cold-2') && estimate('cold-2') < estimate('cold-1'), 'estimates by what each copies while down');

      const run = await runCli(['--config', env.config, '--output', 'json', 'apply', plan, '--auto-approve', '--state', state], { timeoutMs: 200_000, env: { PUMPHOUSE_POLL_MS: '20' } });
      assert.equal(run.code, 0, run.stderr.slice(-3000));
      const started = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string; data: { step?: string } })
        .filter((e) => e.type === 'step_started' && String(e.data.step).startsWith('migrate-server:')).map((e) => String(e.data.step).slice('migrate-server:server:wave/'.length));
      assert.deepEqual(started, ['warm-1', 'cold-3', 'cold-2', 'cold-1'], 'the warm cutover first, then the cold moves smallest first');
      const downtime = (JSON.parse(readFileSync(state, 'utf8')) as { downtime: Record<string, Record_> }).downtime;
      const record = (name: string): Record_ => {
        const r = downtime[`server:wave/${name}`];
        assert.ok(r?.stoppedAt && r.verifiedAt && typeof r.seconds === 'number', `${name}: a verified downtime record`);
        return r;
      };
      const byStop = ['cold-1', 'cold-2', 'cold-3'].sort((a, b) => Date.parse(record(a).stoppedAt) - Date.parse(record(b).stoppedAt));
      assert.deepEqual(byStop, ['cold-3', 'cold-2', 'cold-1'], 'stopped smallest first');
      // One copy stream at a time: each cold server is stopped only once the one before it is verified.
      for (const [before, after] of [['cold-3', 'cold-2'], ['cold-2', 'cold-1']] as const) {
        assert.ok(Date.parse(record(after).stoppedAt) >= Date.parse(record(before).verifiedAt), `${after} ran while ${before} moved`);
      }
      const [small, mid, large] = [record('cold-3').seconds, record('cold-2').seconds, record('cold-1').seconds];
      assert.ok(small < mid && mid < large, `downtimes grow with the data copied: ${small} s, ${mid} s, ${large} s`);
      // cold-1 crosses the source's link twice (into its snapshot, then out): at least 2 × 96 MiB at 64 MiB/s.
      assert.ok(large >= 2.5, `cold-1 is down for its own copy (${large} s)`);
      const wave = (Date.parse(record('cold-1').verifiedAt) - Date.parse(record('cold-3').stoppedAt)) / 1000;
      assert.ok(large < wave - small, `cold-1 (${large} s) was not down while cold-3 and cold-2 moved (${wave} s in all)`);
      assert.ok(record('warm-1').seconds < small, `the warm cutover (${record('warm-1').seconds} s) is the shortest`);
    } finally {
      await env.stop();
    }
  });
});
