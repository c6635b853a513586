import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { compareClouds } from '../helpers/independent-compare.js';
import { batchRunner, cachedRunner, type CliRunner, recordingRunner, replayRunner } from '../helpers/openstack-cli.js';
import { privateSandbox } from '../helpers/sandbox.js';
import { SANDBOX_KITCHEN_SINK_EXPECTED_LOSSES, SANDBOX_KITCHEN_SINK_OBJECTS } from './kitchen-sink-objects.js';

/**
 * The issue "Fidelity" on the sandbox: plans/kitchen-sink.yaml applied by the CLI, then an
 * independent comparator — the real `openstack` CLI's JSON, not Pumphouse's client — finds no
 * field of any kitchen-sink object that differs beyond what the plan says will not survive, and
 * the plan after says "No changes.". The sandbox half of test/real/kitchen-sink-apply.test.ts.
 *
 * The source is shown BEFORE apply (recorded, then replayed after it): the plan keeps the source
 * servers stopped once their copies are verified, and the copies must run as the sources ran.
 */
const SOURCE = 'sandbox-source';
const TARGET = 'sandbox-target';

function requireOpenstackCli(): void {
  const probe = spawnSync('openstack', ['--version'], { encoding: 'utf8' });
  assert.ok(probe.status === 0, `the openstack CLI is needed to compare the clouds independently of Pumphouse and is missing or broken (${probe.error?.message ?? probe.stderr.trim()}): apt-get install python3-openstackclient`);
}

/** Answers for the source from `recorded`, for every other cloud from `live`. */
const sourceFrom = (recorded: Record<string, unknown>, live: CliRunner): CliRunner => {
  const replay = replayRunner(recorded);
  return (cloud, args) => (cloud === SOURCE ? replay(cloud, args) : live(cloud, args));
};

describe('the kitchen-sink scenario, compared through the openstack CLI', () => {
  test('apply, then every kitchen-sink copy equals its source field by field (beyond the plan\'s losses), then "No changes."', { timeout: 240_000 }, async () => {
    requireOpenstackCli();
    const env = await privateSandbox({ scenario: 'kitchen-sink', hardware: false });
    try {
      const live = cachedRunner(batchRunner({ env: { OS_CLIENT_CONFIG_FILE: env.files.path('clouds.yaml') } }));
      const objects = [...SANDBOX_KITCHEN_SINK_OBJECTS];
      // The source against itself: every object is found once and the comparator sees no difference.
      const before: Record<string, unknown> = {};
      assert.deepEqual(await compareClouds({ source: SOURCE, target: SOURCE, objects, run: recordingRunner(live, before) }), [], 'the source compared with itself');

      const plan = env.files.path('kitchen-sink.yaml');
      copyFileSync(join(REPO_ROOT, 'plans', 'kitchen-sink.yaml'), plan); // its passwords file lands beside it
      const cli = (...args: string[]) => runCli(['--config', env.config, ...args, '--state', env.files.path('state.json')], { timeoutMs: 120_000 });
      const applied = await cli('apply', plan, '--auto-approve');
      assert.equal(applied.code, 0, applied.stderr.slice(-4000));

      const differences = await compareClouds({
        source: SOURCE, target: TARGET, objects, expectedLosses: [...SANDBOX_KITCHEN_SINK_EXPECTED_LOSSES], run: sourceFrom(before, live),
      });
      assert.deepEqual(differences, [], 'fields of the copies that differ from the source');
      const replanned = await cli('plan', plan);
      assert.equal(replanned.code, 0, replanned.stderr.slice(-3000));
      assert.match(replanned.stdout, /No changes\./, replanned.stdout.slice(-3000));
    } finally {
      await env.stop();
    }
  });
});
