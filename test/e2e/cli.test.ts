import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { hasStackTrace, REPO_ROOT, runCli } from '../helpers/cli.js';
import { sandboxForTests } from '../helpers/sandbox.js';
import { tempFiles } from '../helpers/tmp.js';

// The real CLI, in child processes, against a sandbox served by this test process.
const env = sandboxForTests();

const schema = (name: string) => JSON.parse(readFileSync(`${REPO_ROOT}/schemas/${name}.schema.json`, 'utf8')) as object;

test('pumphouse --version prints the package version; with any other argument the CLI parses it', async () => {
  const version = (JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { version: string }).version;
  const alone = await runCli(['--version']);
  assert.equal(alone.code, 0);
  assert.equal(alone.stdout, `${version}\n`);
  const parsed = await runCli(['--version', '--no-color']);
  assert.equal(parsed.code, 0, parsed.stderr);
  assert.equal(parsed.stdout.trim(), version, 'yargs answers --version the same way');
});

describe('pumphouse clouds', () => {
  test('shows every service of both clouds with versions and microversion ranges', async () => {
    const result = await runCli(['--config', env.files().path('pumphouse.yaml'), 'clouds', '--output', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const { clouds } = JSON.parse(result.stdout) as { clouds: Array<{ label: string; keystoneVersion: string; services: Array<{ type: string; endpoints: unknown[]; version?: string; maxMicroversion?: string }> }> };
    assert.deepEqual(clouds.map((c) => c.label), ['source', 'target']);
    for (const cloud of clouds) {
      assert.match(cloud.keystoneVersion, /^v3\.\d+/);
      const types = cloud.services.map((s) => s.type);
      for (const type of ['identity', 'compute', 'image', 'network']) assert.ok(types.includes(type), `${cloud.label} lacks ${type}: ${types.join(',')}`);
      assert.ok(types.some((t) => /volume/.test(t)), 'a block-storage service');
      const compute = cloud.services.find((s) => s.type === 'compute');
      assert.equal(compute?.maxMicroversion, '2.93');
      assert.equal(compute?.endpoints.length, 3, 'public, internal and admin endpoints');
    }
  });

  test('human output names the region and the services', async () => {
    const result = await runCli(['--config', env.files().path('pumphouse.yaml'), 'clouds']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /source: http:\/\/127\.0\.0\.1:\d+\/identity\/v3/);
    assert.match(result.stdout, /region RegionOne/);
    assert.match(result.stdout, /compute\s+nova\s+public/);
  });
});

describe('pumphouse discover', () => {
  test('the JSON inventory validates against its schema and resolves every reference', async () => {
    const result = await runCli(['--config', env.files().path('pumphouse.yaml'), 'discover', '--output', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const inventory = JSON.parse(result.stdout) as { cloud: string; partial: boolean; resources: Array<{ kind: string; address: string; refs: Record<string, string | string[]> }> };
    const validate = new Ajv2020({ strict: false }).compile(schema('inventory'));
    assert.ok(validate(inventory), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.equal(inventory.cloud, 'source');
    assert.equal(inventory.partial, false);
    const addresses = new Set(inventory.resources.map((r) => r.address));
    assert.equal(addresses.size, inventory.resources.length, 'addresses are unique');
    for (const resource of inventory.resources) {
      for (const [role, ref] of Object.entries(resource.refs)) {
        for (const target of Array.isArray(ref) ? ref : [ref]) assert.ok(addresses.has(target), `${resource.address} refs.${role} → ${target}, which is not in the inventory`);
      }
    }
    const kinds = new Set(inventory.resources.map((r) => r.kind));
    for (const kind of ['project', 'user', 'role-assignment', 'flavor', 'keypair', 'image', 'network', 'subnet', 'port', 'router', 'floating-ip', 'security-group', 'volume', 'volume-snapshot', 'server', 'server-group', 'hypervisor', 'compute-service']) {
      assert.ok(kinds.has(kind), `the demo inventory has ${kind}s`);
    }
  });

  test('human output counts per kind and per project, for both clouds', async () => {
    const result = await runCli(['--config', env.files().path('pumphouse.yaml'), 'discover']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^source: \d+ resources/m);
    assert.match(result.stdout, /^target: \d+ resources/m);
    assert.match(result.stdout, /KIND\s+COUNT/);
    assert.match(result.stdout, /PROJECT\s+servers/);
    assert.match(result.stdout, /^\s+demo\s+\d+/m);
  });

  test('--out writes the inventory file; JSON of both clouds at once is refused with a hint', async () => {
    const out = env.files().path('target.json');
    const ok = await runCli(['--config', env.files().path('pumphouse.yaml'), 'discover', '--cloud', 'target', '--out', out]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { cloud: string }).cloud, 'target');
    const refused = await runCli(['--config', env.files().path('pumphouse.yaml'), 'discover', '--cloud', 'both', '--output', 'json']);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /"code":"PH0003"/);
  });
});

describe('bad input: one clear message, exit 1, no stack trace, no secret', () => {
  async function expectFailure(args: string[], pattern: RegExp, secret?: string) {
    const result = await runCli(args);
    assert.equal(result.code, 1, `exit code; stdout=${result.stdout} stderr=${result.stderr}`);
    assert.match(result.stderr, pattern);
    assert.match(result.stderr, /hint:/, 'says what to do');
    assert.equal(hasStackTrace(result.stderr), false, `no stack trace:\n${result.stderr}`);
    if (secret) assert.equal(`${result.stdout}${result.stderr}`.includes(secret), false, 'the secret is not echoed');
    return result;
  }

  function configWith(auth: Record<string, string>): string {
    const path = env.files().path(`bad-${Math.random().toString(36).slice(2)}.yaml`);
    const body = { auth_url: env.sandbox().source.authUrl, username: 'admin', project_name: 'admin', user_domain_name: 'Default', project_domain_name: 'Default', ...auth };
    writeFileSync(path, `source:\n  auth: ${JSON.stringify(body)}\ntarget:\n  cloud: sandbox-target\nclouds_file: clouds.yaml\n`);
    return path;
  }

  test('wrong password', async () => {
    await expectFailure(['--config', configWith({ password: 'not-the-password-42' }), 'discover'], /authentication|password/i, 'not-the-password-42');
  });

  test('unreachable auth URL', async () => {
    const port = await closedPort();
    await expectFailure(['--config', configWith({ password: 'x', auth_url: `http://127.0.0.1:${port}/v3` }), 'clouds'], new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  test('unknown cloud name', async () => {
    const path = env.files().path('unknown-cloud.yaml');
    writeFileSync(path, 'clouds_file: clouds.yaml\nsource:\n  cloud: sandbox-sorce\ntarget:\n  cloud: sandbox-target\n');
    await expectFailure(['--config', path, 'clouds'], /unknown-cloud\.yaml:3:10[\s\S]*did you mean "sandbox-source"/);
  });

  test('malformed clouds.yaml', async () => {
    const dir = tempFiles({ 'clouds.yaml': 'clouds:\n  a: [\n', 'pumphouse.yaml': 'clouds_file: clouds.yaml\nsource: {cloud: a}\ntarget: {cloud: a}\n' });
    try {
      await expectFailure(['--config', dir.path('pumphouse.yaml'), 'clouds'], /PH1203.*clouds\.yaml is not valid YAML[\s\S]*clouds\.yaml:\d+:\d+/);
    } finally {
      dir.cleanup();
    }
  });

  test('malformed pumphouse.yaml', async () => {
    const dir = tempFiles({ 'pumphouse.yaml': 'source:\n  cloud: a\n  verify: maybe\ntarget: {cloud: a}\n' });
    try {
      await expectFailure(['--config', dir.path('pumphouse.yaml'), 'clouds'], /PH1107.*source\.verify must be a boolean[\s\S]*pumphouse\.yaml:3:\d+/);
    } finally {
      dir.cleanup();
    }
  });

  test('missing config file', async () => {
    await expectFailure(['--config', '/nonexistent/pumphouse.yaml', 'discover'], /PH1101.*\/nonexistent\/pumphouse\.yaml cannot be read: no such file/);
  });

  test('an unknown flag names the flag', async () => {
    await expectFailure(['discover', '--clowd', 'source'], /clowd/);
  });

  test('--debug adds the stack trace', async () => {
    const result = await runCli(['--debug', '--config', '/nonexistent/pumphouse.yaml', 'discover']);
    assert.equal(result.code, 1);
    assert.ok(hasStackTrace(result.stderr), result.stderr);
  });
});

test('pumphouse demo (npm start) runs the whole job on its own sandbox and exits 0', async () => {
  const result = await runCli(['demo']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /== pumphouse clouds/);
  assert.match(result.stdout, /== pumphouse discover/);
  assert.match(result.stdout, /^source: \d+ resources/m);
  assert.match(result.stdout, /^target: \d+ resources/m);
  // The host wave end to end, both ways: cmp-3 (a BMC) and cmp-1 (a node of the source's Fuel environment)
  // start serving the source, and end as Fuel compute nodes of the target.
  assert.match(result.stdout, /== pumphouse hosts --check[^\n]*\n[^=]*cmp-1\s+enabled, up .* Fuel\s+-\s+node-6\.domain\.tld \(#6\) ready compute in old-cloud/);
  assert.match(result.stdout, /== pumphouse hosts --check[^\n]*\n[^=]*cmp-3\s+enabled, up .* redfish 127\.0\.0\.1:\d+\s+on\s+not in Fuel/);
  for (const phase of [/evacuate-host:hypervisor:cmp-3/, /setting PXE as the next boot/, /register/, /provisioning node #9/, /deploying node #9/, /to serve the target/]) assert.match(result.stderr, phase);
  for (const phase of [/evacuate-host:hypervisor:cmp-1/, /unassigning Fuel node #6 \(cmp-1\) from environment old-cloud/, /removing node #6 from environment old-cloud/, /register again/, /deploying node #10/]) assert.match(result.stderr, phase);
  assert.match(result.stdout, /cmp-3\s+not in the source .* node-9\.domain\.tld \(#9\) ready compute in mos-9/);
  assert.match(result.stdout, /cmp-1\s+not in the source .* node-10\.domain\.tld \(#10\) ready compute in mos-9/);
  assert.match(result.stdout, /\(again\)[\s\S]*No changes\./);
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
