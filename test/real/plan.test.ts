import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ExecutionPlan } from '../../src/execution-plan/plan.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { tempFiles } from '../helpers/tmp.js';
import { realCloudNames } from './real-clouds.js';

// `pumphouse plan` from the seeded real source (test/real/seed-source.sh) to the fresh real
// target: what the sandbox golden files show, checked against real OpenStack.
const [source, target] = realCloudNames();
const PLAN = `apiVersion: pumphouse/v1
kind: MigrationPlan
metadata: { name: real }
spec:
  identity: { projects: [ph-web, ph-data] }
  workloads:
    - projects: [ph-web, ph-data]
      strategy: snapshot
`;
// The same plan once the target has an external network for the seeded one (seed-target.sh).
const APPLIED = `${PLAN.replace('metadata: { name: real }', 'metadata: { name: real-move }').replace('identity: { projects: [ph-web, ph-data] }', 'identity: { projects: [ph-web, ph-data], passwordsFile: passwords.yaml }')}  maps:
    networks: { ph-public: ph-target-public }
`;
const files = tempFiles({
  'pumphouse.yaml': `source: { cloud: ${source} }\ntarget: { cloud: ${target} }\n`,
  'real.yaml': PLAN,
  'move.yaml': APPLIED,
});
after(() => files.cleanup());
const plan = (...extra: string[]) => runCli(['--config', files.path('pumphouse.yaml'), '--output', 'json', 'plan', files.path('real.yaml'), ...extra]);

describe(`pumphouse plan on real clouds (${source} → ${target})`, () => {
  test('the seeded workload moves with what it needs; the JSON is valid and deterministic', async () => {
    // Without the probe of the clouds, whose timings differ from one plan to the next.
    const first = await plan('--no-probe');
    const parsed = JSON.parse(first.stdout) as ExecutionPlan;
    const schema = JSON.parse(readFileSync(`${REPO_ROOT}/schemas/plan-output.schema.json`, 'utf8')) as object;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    assert.ok(validate(parsed), JSON.stringify(validate.errors?.slice(0, 3)));
    const action = (address: string) => parsed.changes.find((c) => c.address === address)?.action;
    assert.equal(action('server:ph-web/ph-web-1'), 'migrate');
    assert.equal(action('server:ph-data/ph-data-1'), 'migrate');
    assert.equal(action('volume:ph-data/ph-data-vol'), 'migrate');
    for (const address of ['project:ph-web', 'user:ph-alice', 'role-assignment:ph-data/ph-alice/member', 'flavor:ph-small', 'image:admin/ph-tiny-image', 'network:ph-web/ph-web-net', 'security-group:ph-web/ph-web-sg']) {
      assert.equal(action(address), 'create', address);
    }
    // The fresh target has no external network: the seeded one is a conflict that says what to map.
    const external = parsed.changes.find((c) => c.address === 'network:admin/ph-public');
    assert.equal(external?.action, 'conflict');
    assert.match(external?.reason ?? '', /map it in spec\.maps\.networks/);
    assert.equal(parsed.applyable, false);
    assert.equal(first.code, 1, 'an unapplyable plan exits 1');
    const second = await plan('--no-probe');
    const strip = (text: string) => text.replace(/"(createdAt|takenAt)": "[^"]+"/g, '"$1": "<time>"');
    assert.equal(strip(second.stdout), strip(first.stdout), 'two plans of unchanged real clouds are identical apart from times');
  });

  test('a first plan probes the real Glance for its downtime estimates', async () => {
    const parsed = JSON.parse((await plan()).stdout) as ExecutionPlan;
    const move = parsed.changes.find((c) => c.address === 'server:ph-web/ph-web-1')?.move;
    assert.match(move?.basis ?? '', /^probed: \d+ MiB\/s read from the source Glance \(\d+ MiB\); boot [\d.]+ s/, move?.basis);
    assert.ok((move?.downtimeSeconds ?? 0) > 0 && (move?.downtimeSeconds ?? 0) < 60, `a small server's estimate: ${move?.downtimeSeconds} s`);
  });
});

/** The openstack CLI's JSON view of the target, as an operator would check it. */
function openstack(cloud: string, ...args: string[]): unknown {
  const result = spawnSync('openstack', ['--os-cloud', cloud, ...args, '-f', 'json'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, `openstack ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}

describe(`pumphouse apply on real clouds (${source} → ${target})`, () => {
  test('moves the seeded workload; the openstack CLI finds it on the target; a re-plan says No changes', { timeout: 900_000 }, async () => {
    const seeded = spawnSync('bash', [`${REPO_ROOT}/test/real/seed-target.sh`, target!], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(seeded.status, 0, seeded.stderr);
    const cli = (...args: string[]) => runCli(['--config', files.path('pumphouse.yaml'), ...args], { timeoutMs: 900_000, env: { PUMPHOUSE_POLL_MS: '500' } });
    const applied = await cli('apply', files.path('move.yaml'), '--auto-approve', '--state', files.path('state.json'));
    assert.equal(applied.code, 0, applied.stderr.slice(-3000));
    assert.match(applied.stderr, /Apply complete\./);
    assert.match(applied.stderr, /server:ph-web\/ph-web-1 +\d+\.\d s +(estimated [^ ]+ s +)?moved/, 'the summary shows each server\'s downtime');

    const servers = openstack(target!, 'server', 'list', '--all-projects', '--long') as Array<Record<string, unknown>>;
    const byName = new Map(servers.map((s) => [s['Name'], s]));
    for (const name of ['ph-web-1', 'ph-data-1', 'ph-data-bfv']) assert.equal(byName.get(name)?.['Status'], 'ACTIVE', `${name} runs on the target`);
    assert.match(JSON.stringify(byName.get('ph-web-1')?.['Networks']), /203\.0\.113\./, 'ph-web-1 has its floating IP again');
    const volumes = openstack(target!, 'volume', 'list', '--all-projects', '--long') as Array<Record<string, unknown>>;
    const volume = (name: string) => volumes.find((v) => v['Name'] === name);
    assert.equal(volume('ph-data-vol')?.['Status'], 'in-use');
    assert.match(JSON.stringify(volume('ph-data-vol')?.['Attached to']), new RegExp(String(byName.get('ph-data-1')?.['ID'])));
    assert.equal(volume('ph-data-root')?.['Status'], 'in-use', 'the boot volume serves ph-data-bfv');
    const flavor = openstack(target!, 'flavor', 'show', 'ph-small') as Record<string, unknown>;
    assert.match(JSON.stringify(flavor['properties']), /hw:cpu_policy/);
    const sourceServers = openstack(source!, 'server', 'list', '--all-projects') as Array<Record<string, unknown>>;
    // This plan's servers (ph-web-*, ph-data-*); the kitchen-sink's (ph-ks-*) moved with `source: keep` in their own test.
    for (const s of sourceServers.filter((x) => /^ph-(web|data)-/.test(String(x['Name'])))) assert.equal(s['Status'], 'SHUTOFF', `${String(s['Name'])} is kept stopped on the source`);

    // Generated passwords: only in the passwords file, owner-readable only, never printed.
    const passwordsPath = files.path('passwords.yaml');
    assert.equal(statSync(passwordsPath).mode & 0o777, 0o600);
    const passwords = readFileSync(passwordsPath, 'utf8');
    const alice = /ph-alice: (\S+)/.exec(passwords)?.[1];
    assert.ok(alice && alice.length >= 20);
    assert.ok(!applied.stdout.includes(alice) && !applied.stderr.includes(alice), 'the password is not printed');
    assert.ok(!readFileSync(files.path('state.json'), 'utf8').includes(alice), 'the password is not in the state');

    const replanned = await cli('plan', files.path('move.yaml'), '--state', files.path('state.json'));
    assert.equal(replanned.code, 0, replanned.stderr);
    assert.match(replanned.stdout, /No changes\./);
  });
});
