import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { compareClouds } from '../helpers/independent-compare.js';
import { batchRunner, cachedRunner } from '../helpers/openstack-cli.js';
import { tempFiles } from '../helpers/tmp.js';
import { KITCHEN_SINK_EXPECTED_LOSSES, KITCHEN_SINK_OBJECTS } from './kitchen-sink-objects.js';
import { realCloudNames } from './real-clouds.js';

/**
 * The issue "Fidelity" on real clouds: the kitchen-sink project (test/real/seed-kitchen-sink.sh,
 * built by its own member through the openstack CLI) applied from the real source to the real
 * target, then an independent comparator — the openstack CLI's JSON, not Pumphouse's client —
 * finds no field that differs beyond what the plan said would not survive, and the plan after
 * says "No changes.".
 */
const [source = 'c5000', target = 'c6000'] = realCloudNames();
const files = tempFiles({
  'pumphouse.yaml': `source: { cloud: ${source} }\ntarget: { cloud: ${target} }\n`,
  'ks.yaml': `apiVersion: pumphouse/v1
kind: MigrationPlan
metadata: { name: real-kitchen-sink }
spec:
  identity: { projects: [ph-ks-app, ph-ks-partner], passwords: reset, passwordsFile: ks.passwords.yaml }
  workloads:
    - projects: [ph-ks-app]
      strategy: snapshot
      volumes: all
      source: keep
  maps:
    networks: { ph-public: ph-target-public }
`,
});
after(() => files.cleanup());
const cli = (...args: string[]) => runCli(['--config', files.path('pumphouse.yaml'), ...args], { timeoutMs: 900_000 });

describe(`the kitchen-sink on real clouds (${source} → ${target})`, () => {
  test('apply, then the openstack CLI finds the copies equal to the source, then "No changes."', { timeout: 1_800_000 }, async () => {
    // The target's external network the plan maps the source's to (idempotent; plan.test.ts does it too).
    const seeded = spawnSync('bash', [`${REPO_ROOT}/test/real/seed-target.sh`, target], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(seeded.status, 0, seeded.stderr);
    const applied = await cli('apply', files.path('ks.yaml'), '--auto-approve', '--state', files.path('state.json'));
    assert.equal(applied.code, 0, applied.stderr.slice(-4000));
    const differences = await compareClouds({
      source, target, objects: [...KITCHEN_SINK_OBJECTS], expectedLosses: [...KITCHEN_SINK_EXPECTED_LOSSES], run: cachedRunner(batchRunner()),
    });
    assert.deepEqual(differences, [], 'fields of the copies that differ from the source');
    const replanned = await cli('plan', files.path('ks.yaml'), '--state', files.path('state.json'));
    assert.match(replanned.stdout, /No changes\./, replanned.stdout.slice(-3000));
  });
});
