import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { Engine } from '../../src/engine/index.js';
import { startApiServer, type ApiServer } from '../../src/server/server.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

// One engine behind both front ends: the CLI and the API make a plan the same way (every
// pre-flight input, the target's Nova microversion included) and build the same plan for the
// same granular action; and what a user notices: OS_CLOUD and --source-cloud/--target-cloud
// without pumphouse.yaml, the OpenAPI document served, a glob in `migrate image`.

const TOKEN = 'engine-token-0123456789';
let env: Awaited<ReturnType<typeof privateSandbox>>;
let server: ApiServer;
let statePath: string;

interface Answer { status: number; type: string; text: string; body: any }

function call(method: string, path: string, body?: { text: string; type: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': body.type } : {}) };
    const req = request(`${server.url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        const type = String(res.headers['content-type'] ?? '');
        resolve({ status: res.statusCode ?? 0, type, text, body: type.startsWith('application/json') && text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body?.text);
  });
}

const cli = (...args: string[]) => runCli(['--config', env.config, ...args]);

/** The api-features pre-flight check of a plan, as the engine made it. */
function apiFeatures(plan: { preflight: Array<{ check: string; status: string; message: string }> }) {
  return plan.preflight.find((c) => c.check === 'api-features');
}

before(async () => {
  env = await privateSandbox();
  statePath = env.files.path('state/state.json');
  server = await startApiServer({ config: loadConfig(env.config, {}), statePath, host: '127.0.0.1', port: 0, token: TOKEN });
});

after(async () => {
  await server?.close();
  await env?.stop();
});

describe('the api-features pre-flight check runs the same in every front end', () => {
  test('plan', async () => {
    const result = await cli('plan', 'plans/demo.yaml', '--output', 'json', '--state', statePath);
    assert.equal(result.code, 0, result.stderr);
    const check = apiFeatures(JSON.parse(result.stdout));
    assert.equal(check?.status, 'ok', JSON.stringify(check));
    assert.match(check?.message ?? '', /the target's Nova \(up to 2\.93\)/);
  });

  test('apply PLAN.yaml (the plan it shows before asking)', async () => {
    const result = await cli('apply', 'plans/demo.yaml', '--state', statePath);
    assert.equal(result.code, 1, 'no terminal to ask for approval');
    assert.match(result.stderr, /PH1605/);
    assert.match(result.stdout, /ok +api-features: the target's Nova \(up to 2\.93\) has every feature the copies use/);
  });

  test('POST /v1/plans', async () => {
    const posted = await call('POST', '/v1/plans', { text: readFileSync(join(REPO_ROOT, 'plans', 'demo.yaml'), 'utf8'), type: 'application/yaml' });
    assert.equal(posted.status, 201, posted.text);
    const check = apiFeatures(posted.body.plan);
    assert.equal(check?.status, 'ok', JSON.stringify(check));
    assert.match(check?.message ?? '', /the target's Nova \(up to 2\.93\)/);
  });
});

describe('clouds without pumphouse.yaml', () => {
  let empty: string;
  before(() => {
    empty = mkdtempSync(join(tmpdir(), 'pumphouse-no-config-'));
  });
  after(() => rmSync(empty, { recursive: true, force: true }));
  const inEmpty = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: empty, env: { OS_CLIENT_CONFIG_FILE: env.files.path('clouds.yaml'), OS_CLOUD: '', ...extra } });
  const authUrls = (stdout: string) => (JSON.parse(stdout) as { clouds: Array<{ label: string; authUrl: string }> }).clouds.map((c) => `${c.label} ${c.authUrl}`);

  test('OS_CLOUD names the source: clouds and discover work with it alone; the target is asked for only when needed', async () => {
    const clouds = await inEmpty(['clouds', '--cloud', 'source', '--output', 'json'], { OS_CLOUD: 'sandbox-source' });
    assert.equal(clouds.code, 0, clouds.stderr);
    assert.deepEqual(authUrls(clouds.stdout), [`source ${env.sandbox.source.authUrl}`]);
    const discovered = await inEmpty(['discover', '--output', 'json'], { OS_CLOUD: 'sandbox-source' });
    assert.equal(discovered.code, 0, discovered.stderr);
    const inventory = JSON.parse(discovered.stdout) as { cloud: string; authUrl: string };
    assert.deepEqual([inventory.cloud, inventory.authUrl], ['source', env.sandbox.source.authUrl]);
    const both = await inEmpty(['clouds'], { OS_CLOUD: 'sandbox-source' });
    assert.equal(both.code, 1);
    assert.match(both.stderr, /PH1440: no target cloud: there is no pumphouse\.yaml and no --target-cloud/);
  });

  test('--source-cloud and --target-cloud name both clouds (and win over OS_CLOUD)', async () => {
    const result = await inEmpty(['--source-cloud', 'sandbox-target', '--target-cloud', 'sandbox-source', 'clouds', '--output', 'json'], { OS_CLOUD: 'sandbox-source' });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(authUrls(result.stdout), [`source ${env.sandbox.target.authUrl}`, `target ${env.sandbox.source.authUrl}`]);
  });

  test('with a pumphouse.yaml, OS_CLOUD changes nothing; without one and nothing named, the missing file is the error', async () => {
    const withFile = await runCli(['clouds', '--output', 'json'], { cwd: env.files.dir, env: { OS_CLOUD: 'no-such-cloud' } });
    assert.equal(withFile.code, 0, withFile.stderr);
    assert.deepEqual(authUrls(withFile.stdout), [`source ${env.sandbox.source.authUrl}`, `target ${env.sandbox.target.authUrl}`]);
    const nothing = await inEmpty(['clouds']);
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /PH1101: config file pumphouse\.yaml cannot be read/);
  });
});

describe('the OpenAPI document', () => {
  test('serve answers GET /v1/openapi.yaml with the repository\'s document (token needed)', async () => {
    const served = await call('GET', '/v1/openapi.yaml');
    assert.equal(served.status, 200);
    assert.match(served.type, /^application\/yaml/);
    assert.equal(served.text, readFileSync(join(REPO_ROOT, 'schemas', 'openapi.yaml'), 'utf8'));
    assert.match(served.text, /\/v1\/openapi\.yaml:/, 'it documents itself');
  });

  test('the package ships it, with the built CLI it is served by', () => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ files: Array<{ path: string }> }>;
    const files = new Set(packed[0]!.files.map((f) => f.path));
    for (const path of ['schemas/openapi.yaml', 'bin/pumphouse.js', 'dist/bundle/main.mjs', 'dist/src/server/routes.js', 'dashboard/index.html']) assert.ok(files.has(path), `the package holds ${path}`);
  });
});

describe('granular actions', () => {
  test('migrate image with a glob: every image it matches moves (and a plan saved before is stale for the engine)', { timeout: 120_000 }, async () => {
    const saved = env.files.path('demo.plan.json');
    const before = await cli('plan', 'plans/demo.yaml', '--out', saved, '--state', statePath);
    assert.equal(before.code, 0, before.stderr);
    const engine = new Engine({ config: () => loadConfig(env.config, {}) });
    assert.equal((await engine.loadSavedPlan(saved, statePath)).plan.name, 'demo', 'fresh while the clouds are as it saw them');
    const result = await cli('migrate', 'image', 'cirros-*', '--auto-approve', '--state', statePath);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /The plan for this command is \S+\/migrate-image-cirros-[0-9a-f]{8}\.yaml/);
    const copied = env.sandbox.clouds.target.store.images.all().filter((i) => i.name.startsWith('cirros-'));
    assert.deepEqual(copied.map((i) => i.name), ['cirros-0.6.2-x86_64-disk']);
    await assert.rejects(engine.loadSavedPlan(saved, statePath), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PH1602');
      assert.match(error.message, /image:admin\/cirros-0\.6\.2-x86_64-disk \(the target has it now/);
      return true;
    });
  });

  test('the CLI\'s `migrate project --strategy rebuild` and the API\'s POST /tenants/{id} build the same plan (passwords reset in both)', { timeout: 180_000 }, async () => {
    const project = env.sandbox.clouds.source.store.projects.all().find((p) => p.name === 'finance');
    assert.ok(project, 'the demo scenario has finance');
    // The original API takes no maps: the target's external network is named as the source's, so the plan can be applied.
    const targetNetworks = env.sandbox.clouds.target.store.networks;
    const external = targetNetworks.find((n) => n.name === 'admin_floating_net');
    assert.ok(external);
    targetNetworks.update(external, (n) => {
      n.name = 'public';
    });
    // The original API rebuilds servers from their images, as the original's default provision_server: image did.
    const asked = await cli('migrate', 'project', project.id, '--strategy', 'rebuild', '--state', statePath);
    assert.equal(asked.code, 1, 'no terminal to approve: the plan is written and shown, nothing applied');
    const file = /The plan for this command is (\S+);/.exec(asked.stderr)?.[1];
    assert.ok(file, asked.stderr);
    const planned = await cli('plan', file, '--output', 'json', '--state', statePath);
    assert.equal(planned.code, 0, planned.stderr);
    const started = await call('POST', `/tenants/${project.id}`);
    assert.equal(started.status, 202, started.text);
    const fromApi = (await call('GET', `/v1/plans/${started.body.planId}`)).body.plan;
    await call('POST', `/v1/applies/${started.body.applyId}/cancel`);
    await untilEnded(started.body.applyId);
    const fromCli = JSON.parse(planned.stdout);
    assert.equal(fromApi.settings.passwords, 'reset');
    assert.ok(fromApi.steps.some((s: { address: string }) => s.address.startsWith('user:')), 'the project\'s users are created');
    assert.deepEqual(comparable(fromApi), comparable(fromCli));
  });
});

/** A plan without what names where and when it was made (the plan file's path and hash, the times), nor what its probe measured (downtime estimates). */
function comparable(plan: any): unknown {
  const { createdAt: _time, plan: made, settings, inventories, summary, changes, ...rest } = plan;
  const { file: _file, fileHash: _hash, ...name } = made;
  const untimed = (inventory: { takenAt: string }) => ({ ...inventory, takenAt: '<time>' });
  const unprobed = (change: any) => (change.move ? { ...change, move: { ...change.move, downtimeSeconds: '<probed>', basis: '<probed>' } } : change);
  return {
    ...rest, plan: name, summary: { ...summary, downtimeSeconds: '<probed>' }, changes: changes.map(unprobed),
    inventories: { source: untimed(inventories.source), target: untimed(inventories.target) },
    settings: { ...settings, passwordsFile: basename(String(settings.passwordsFile)) },
  };
}

async function untilEnded(applyId: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const status = (await call('GET', `/v1/applies/${applyId}`)).body;
    if (status.status !== 'running') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`apply ${applyId} still running`);
}
