import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { applyUntil } from '../helpers/apply-until.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

// A plan made while warm moves wait between their pre-copy and their cutover (plans/warm.yaml,
// an apply killed once both pre-copies are done): the copies' ports are admin-down on purpose,
// and the plan says the servers wait for their cutover instead of offering to enable the ports.

const POLL = { PUMPHOUSE_POLL_MS: '20' };

interface PlanJson {
  changes: Array<{ address: string; kind: string; action: string; reason: string; differences: Array<{ path: string }>; move?: { precopied?: string; bytes: number } }>;
}

describe('a plan made mid-warm-move', () => {
  test('shows the servers waiting for their cutover, not their ports as updates; the next apply finishes', { timeout: 300_000 }, async () => {
    const env = await privateSandbox();
    try {
      const plan = env.files.path('warm.yaml');
      copyFileSync(`${REPO_ROOT}/plans/warm.yaml`, plan);
      const state = env.files.path('state.json');
      let precopies = 0;
      const args = ['--config', env.config, '--output', 'json', 'apply', plan, '--auto-approve', '--state', state, '--parallelism', '1'];
      const killed = await applyUntil(args, POLL, (e) => e.type === 'step_finished' && String(e.data['step']).startsWith('precopy-server:') && ++precopies === 2);
      assert.ok(killed.killed, `killed once both pre-copies were done: ${killed.stderr.slice(-2000)}`);
      const target = env.sandbox.clouds.target.store;
      const copyPorts = target.ports.all().filter((p) => p.deviceOwner.startsWith('compute:'));
      assert.ok(copyPorts.some((p) => !p.adminStateUp), 'a pre-copy\'s ports are admin-down: what the plan would have offered to update');

      const planned = await runCli(['--config', env.config, '--output', 'json', 'plan', plan, '--state', state]);
      assert.equal(planned.code, 0, planned.stderr.slice(-2000));
      const changes = (JSON.parse(planned.stdout) as PlanJson).changes;
      const portUpdates = changes.filter((c) => c.kind === 'port' && c.differences.some((d) => d.path === 'attributes.adminStateUp'));
      assert.deepEqual(portUpdates.map((c) => c.address), [], 'no port admin state to update');
      for (const name of ['web-1', 'web-2']) {
        const server = changes.find((c) => c.address === `server:demo/${name}`);
        if (target.servers.by('name', name)[0]?.status === 'ACTIVE') continue; // its cutover ran before the kill landed
        assert.equal(server?.action, 'migrate', `${name}: still to move`);
        assert.ok(server?.move?.precopied, `${name}: pre-copied (${JSON.stringify(server)})`);
        assert.match(server?.reason ?? '', /waiting for its cutover/);
        assert.equal(server?.move?.bytes, 0, `${name}: nothing left to copy`);
      }
      const human = await runCli(['--config', env.config, 'plan', plan, '--state', state]);
      assert.match(human.stdout, /server:demo\/web-\d .*pre-copied \(snapshot of [^)]+\), waiting for its cutover/);
      assert.doesNotMatch(human.stdout, /adminStateUp/);

      const resumed = await runCli(['--config', env.config, 'apply', plan, '--auto-approve', '--state', state], { timeoutMs: 200_000, env: POLL });
      assert.equal(resumed.code, 0, resumed.stderr.slice(-3000));
      for (const name of ['web-1', 'web-2', 'db-1']) assert.deepEqual(target.servers.by('name', name).map((s) => s.status), ['ACTIVE'], `${name}: one running copy`);
      assert.ok(target.ports.all().filter((p) => p.deviceOwner.startsWith('compute:')).every((p) => p.adminStateUp), 'every copy port enabled, as on the source');
      const replanned = await runCli(['--config', env.config, 'plan', plan, '--state', state]);
      assert.match(replanned.stdout, /No changes\./, replanned.stdout.slice(-2000));
    } finally {
      await env.stop();
    }
  });
});
