import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { acquireTargetLease, LEASE_PROJECT } from '../../src/apply/lease.js';
import { EventBus } from '../../src/events/sink.js';
import type { PumphouseEvent } from '../../src/events/events.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { connect, PumphouseError } from '../helpers/openstack.js';
import { privateSandbox, sandboxCloudConfig } from '../helpers/sandbox.js';

/** One apply at a time per target cloud, whatever its state file (src/apply/lease.ts). */
describe('the target lease', () => {
  test('a second holder is refused, the same lineage takes it back, a silent one is taken over, release removes it', async () => {
    const env = await privateSandbox();
    const target = await connect(sandboxCloudConfig(env.sandbox.target, 'target'));
    const warnings: Array<Extract<PumphouseEvent, { type: 'warning' }>> = [];
    const events = new EventBus().on((e) => {
      if (e.type === 'warning') warnings.push(e);
    });
    const leaseProjects = () => env.sandbox.clouds.target.store.projects.all().filter((p) => p.name === LEASE_PROJECT);
    try {
      const first = await acquireTargetLease(target, { lineage: 'A', plan: 'wave-1', stateFile: '/tmp/a.json', events });
      assert.equal(leaseProjects().length, 1);
      await assert.rejects(acquireTargetLease(target, { lineage: 'B', plan: 'wave-1', stateFile: '/tmp/b.json', events }), (error: unknown) => {
        assert.ok(error instanceof PumphouseError);
        assert.equal(error.code, 'PH1615');
        assert.match(error.message, /plan "wave-1" with state \/tmp\/a\.json/);
        return true;
      });
      const resumed = await acquireTargetLease(target, { lineage: 'A', plan: 'wave-1', stateFile: '/tmp/a.json', events });
      assert.equal(leaseProjects().length, 1, 'a resumed apply takes its own lease back');
      assert.equal(warnings.length, 0);
      const taker = await acquireTargetLease(target, { lineage: 'B', plan: 'wave-2', stateFile: '/tmp/b.json', events, staleAfterMs: 0 });
      assert.equal(warnings.length, 1, 'taking over a silent holder is warned');
      assert.equal(warnings[0]?.data.code, 'PH1616');
      await taker.release();
      await first.release();
      await resumed.release();
      assert.deepEqual(leaseProjects(), [], 'released');
    } finally {
      target.close();
      await env.stop();
    }
  });

  test('two applies of one plan with two state files at once: no object is made twice', { timeout: 300_000 }, async () => {
    const env = await privateSandbox();
    try {
      const plan = env.files.path('demo.yaml');
      copyFileSync(`${REPO_ROOT}/plans/demo.yaml`, plan);
      const apply = (state: string) => runCli(['--config', env.config, 'apply', plan, '--exclude', 'hypervisor:cmp-3', '--auto-approve', '--state', env.files.path(state)], { timeoutMs: 240_000, env: { PUMPHOUSE_POLL_MS: '20' } });
      const [a, b] = await Promise.all([apply('a.json'), apply('b.json')]);
      const refused = [a, b].filter((r) => r.code !== 0);
      for (const r of refused) assert.match(r.stderr, /PH1615/, r.stderr.slice(-1500));
      assert.ok(refused.length <= 1, 'at least one of them applies');
      const store = env.sandbox.clouds.target.store;
      const duplicates = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);
      assert.deepEqual(duplicates(store.networks.all().map((n) => `${n.projectId}/${n.name}`)), [], 'networks');
      assert.deepEqual(duplicates(store.volumes.all().filter((v) => !v.name.startsWith('pumphouse-')).map((v) => `${v.projectId}/${v.name}`)), [], 'volumes');
      assert.deepEqual(duplicates(store.servers.all().map((s) => `${s.projectId}/${s.name}`)), [], 'servers');
      assert.deepEqual(store.projects.all().filter((p) => p.name === LEASE_PROJECT), [], 'the lease is gone when the applies end');
    } finally {
      await env.stop();
    }
  });
});
