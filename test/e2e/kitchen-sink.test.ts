import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

// The kitchen-sink scenario through the real CLI: discovery reads every case without a
// diagnostic, plans/kitchen-sink.yaml plans, and the mac-clash variant's target (a port already
// holding the MAC of ks-web-port on ks-app's network) is a conflict at plan time. Applied, every
// case arrives whole: the plan after says "No changes." and lists nothing lost.

interface Inventory { partial: boolean; diagnostics: unknown[]; resources: Array<{ kind: string; address: string; attributes: Record<string, any>; refs: Record<string, any> }> }
interface PlanJson { applyable: boolean; summary: { conflict: number; migrate: number }; changes: Array<{ action: string; address: string; target?: { address: string }; differences?: Array<{ path: string }> }> }

async function discover(config: string, cloud: 'source' | 'target'): Promise<Inventory> {
  const result = await runCli(['--config', config, 'discover', '--cloud', cloud, '--output', 'json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Inventory;
}

describe('the kitchen-sink scenario', () => {
  test('discover reads both clouds without a diagnostic, every case included; plans/kitchen-sink.yaml plans', async () => {
    const env = await privateSandbox({ scenario: 'kitchen-sink', hardware: false });
    try {
      const [source, target] = await Promise.all([discover(env.config, 'source'), discover(env.config, 'target')]);
      for (const inventory of [source, target]) assert.deepEqual([inventory.partial, inventory.diagnostics], [false, []]);
      const at = (address: string) => {
        const found = source.resources.find((r) => r.address === address);
        assert.ok(found, `discovered ${address}`);
        return found;
      };
      assert.equal(at('port:ks-domain/ks-app/ks-web-port').attributes['allowedAddressPairs'].length, 2);
      assert.equal(at('router:ks-domain/ks-app/ks-router').attributes['routes'].length, 1);
      assert.equal(at('user:ks-domain/ks-owner').refs['defaultProject'], 'project:ks-domain/ks-app');
      assert.ok(at('role-assignment:domain:ks-domain/ks-domain/ks-owner/reader'));
      assert.deepEqual(Object.values(at('image:ks-domain/ks-app/ks-shared-image').attributes['memberStatus']), ['accepted']);
      assert.equal(at('server:ks-domain/ks-app/ks-stopped').attributes['status'], 'SHUTOFF');

      const plan = await runCli(['--config', env.config, 'plan', 'plans/kitchen-sink.yaml', '--output', 'json']);
      assert.equal(plan.code, 0, plan.stderr);
      const parsed = JSON.parse(plan.stdout) as PlanJson;
      assert.equal(parsed.applyable, true);
      const migrated = parsed.changes.filter((c) => c.action === 'migrate').map((c) => c.address).sort();
      assert.deepEqual(migrated, ['server:ks-domain/ks-app/ks-kernel-boot', 'server:ks-domain/ks-app/ks-stopped', 'server:ks-domain/ks-app/ks-web-1',
        'volume:ks-domain/ks-app/ks-data', 'volume:ks-domain/ks-app/ks-spare']);
      assert.ok(parsed.changes.some((c) => c.action === 'create' && c.address === 'port:ks-domain/ks-app/ks-web-port'));
    } finally {
      await env.stop();
    }
  });

  test('apply copies every case faithfully: the plan after it says "No changes." and lists nothing lost', { timeout: 900_000 }, async () => {
    const env = await privateSandbox({ scenario: 'kitchen-sink', hardware: false });
    try {
      // A copy of the plan: apply writes the generated passwords beside it.
      const plan = env.files.path('kitchen-sink.yaml');
      copyFileSync(join(REPO_ROOT, 'plans', 'kitchen-sink.yaml'), plan);
      const state = env.files.path('state.json');
      const applied = await runCli(['--config', env.config, 'apply', plan, '--auto-approve', '--state', state], { timeoutMs: 600_000, env: { PUMPHOUSE_POLL_MS: '20' } });
      assert.equal(applied.code, 0, `${applied.stdout.slice(-3000)}\n${applied.stderr.slice(-3000)}`);
      const target = env.sandbox.clouds.target.store;
      assert.equal(target.servers.by('name', 'ks-stopped')[0]?.status, 'SHUTOFF', 'the stopped server arrives stopped');
      const replanned = await runCli(['--config', env.config, 'plan', plan, '--state', state]);
      assert.equal(replanned.code, 0, replanned.stderr);
      assert.doesNotMatch(replanned.stdout, /Will not survive|no update can change/, replanned.stdout);
      assert.match(replanned.stdout, /^No changes\.$/m, replanned.stdout);
    } finally {
      await env.stop();
    }
  });

  test('kitchen-sink-mac-clash: the port already holding ks-web-port\'s MAC on the target is a conflict at plan time', async () => {
    const env = await privateSandbox({ scenario: 'kitchen-sink-mac-clash', hardware: false });
    try {
      const plan = await runCli(['--config', env.config, 'plan', 'plans/kitchen-sink.yaml', '--output', 'json']);
      assert.equal(plan.code, 1, 'a plan with a conflict cannot be applied');
      const parsed = JSON.parse(plan.stdout) as PlanJson;
      assert.equal(parsed.applyable, false);
      const conflicts = parsed.changes.filter((c) => c.action === 'conflict');
      assert.deepEqual(conflicts.map((c) => [c.address, c.target?.address]), [['port:ks-domain/ks-app/ks-web-port', 'port:ks-domain/ks-app/squatter']]);
      const human = await runCli(['--config', env.config, 'plan', 'plans/kitchen-sink.yaml']);
      assert.match(human.stdout, /^ {2}! port:ks-domain\/ks-app\/ks-web-port {2}MAC 02:4b:53:00:00:01 of port:ks-domain\/ks-app\/ks-web-port is taken on the target by port:ks-domain\/ks-app\/squatter \(on network:ks-domain\/ks-app\/ks-net\), which is not a Pumphouse copy of it/m);
      assert.match(human.stdout, /1 conflict to resolve first\./);
    } finally {
      await env.stop();
    }
  });
});
