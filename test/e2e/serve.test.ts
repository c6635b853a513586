import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { CLI, hasStackTrace, REPO_ROOT, runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

// `pumphouse serve` through HTTP, as curl would use it: a token on every request, a plan
// posted and returned with an id, an apply started from it and followed to its end on the
// event stream, the stream resumed with Last-Event-ID, and bad requests answered with JSON
// errors that name what to fix.

const TOKEN = 'test-token-0123456789';
const PLAN = `apiVersion: pumphouse/v1
kind: MigrationPlan
metadata: { name: api-wave }
spec:
  workloads:
    - projects: ["*"]
      servers: { names: [ops-bastion] }
      source: delete
  maps:
    networks: { public: admin_floating_net }
`;

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: any }
interface SseEvent { id: number; event: string; data: any }

let env: Awaited<ReturnType<typeof privateSandbox>>;
/** A plan posted before an apply changed the clouds (kept to ask for it again after a restart). */
let earlyPlanId: string;
let server: ChildProcess;
let base: string;

function call(method: string, path: string, options: { body?: string; type?: string; token?: string | null; headers?: Record<string, string>; base?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== null) headers['authorization'] = `Bearer ${options.token ?? TOKEN}`;
    if (options.type) headers['content-type'] = options.type;
    const req = request(`${options.base ?? base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Reads the event stream until `until` says stop (or the time runs out); returns what came. */
function follow(until: (e: SseEvent) => boolean, headers: Record<string, string> = {}, query = ''): Promise<SseEvent[]> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const req = request(`${base}/v1/events${query}`, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } }, (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
      let buffer = '';
      res.on('data', (d: Buffer) => {
        buffer += d.toString();
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
          if (fields['id'] === undefined) continue;
          const event = { id: Number(fields['id']), event: String(fields['event']), data: JSON.parse(String(fields['data'])) };
          events.push(event);
          if (until(event)) {
            req.destroy();
            resolve(events);
          }
        }
      });
    });
    req.on('error', (error) => (events.length > 0 ? resolve(events) : reject(error)));
    req.setTimeout(120_000, () => req.destroy(new Error('the event stream went quiet')));
    req.end();
  });
}

describe('pumphouse serve', () => {
  before(async () => {
    env = await privateSandbox({ hardware: false });
    server = spawn(process.execPath, [CLI, '--config', env.config, 'serve', '--listen', '127.0.0.1:0', '--state', env.files.path('state.json')], {
      cwd: REPO_ROOT, env: { ...process.env, PUMPHOUSE_API_TOKEN: TOKEN, PUMPHOUSE_POLL_MS: '50' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    base = await new Promise<string>((resolve, reject) => {
      let text = '';
      server.stderr!.on('data', (d: Buffer) => {
        text += d.toString();
        const found = /on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(text);
        if (found) resolve(found[1]!);
      });
      server.once('exit', (code) => reject(new Error(`serve exited ${code}: ${text}`)));
    });
  });
  after(async () => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await env.stop();
  });

  test('no token, a wrong token: 401 with a JSON error; with it the clouds answer', async () => {
    for (const token of [null, 'wrong-token']) {
      const denied = await call('GET', '/v1/clouds', { token });
      assert.equal(denied.status, 401);
      assert.equal(denied.body.error.code, 'PH4001');
      assert.match(String(denied.headers['www-authenticate']), /Bearer/);
    }
    const clouds = await call('GET', '/v1/clouds');
    assert.equal(clouds.status, 200);
    assert.deepEqual(clouds.body.clouds.map((c: { label?: string; cloud?: string }) => c.label ?? c.cloud).length, 2);
  });

  test('bad requests get 4xx JSON errors that say what to fix', async () => {
    const missing = await call('GET', '/v1/nope');
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'PH4002']);
    const method = await call('DELETE', '/v1/plans');
    assert.deepEqual([method.status, method.body.error.code], [405, 'PH4003']);
    const type = await call('POST', '/v1/plans', { body: PLAN, type: 'application/json' });
    assert.deepEqual([type.status, type.body.error.code], [415, 'PH4004']);
    const big = await call('POST', '/v1/plans', { body: 'x'.repeat((1 << 20) + 10), type: 'application/yaml' });
    assert.deepEqual([big.status, big.body.error.code], [413, 'PH4005']);
    const broken = await call('POST', '/v1/plans', { body: PLAN.replace('servers:', 'servrs:'), type: 'application/yaml' });
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.diagnostics[0].code, 'PH1304');
    assert.equal(broken.body.error.diagnostics[0].location.line, 7, 'the diagnostic points into the posted file');
    const unknown = await call('GET', '/v1/plans/00000000-0000-0000-0000-000000000000');
    assert.equal(unknown.status, 404);
    const noPlan = await call('POST', '/v1/applies', { body: '{}', type: 'application/json' });
    assert.deepEqual([noPlan.status, noPlan.body.error.code], [400, 'PH4006']);
    const notJson = await call('POST', '/v1/applies', { body: '{oops', type: 'application/json' });
    assert.equal(notJson.status, 400);
    assert.equal((await call('GET', '/v1/clouds')).status, 200, 'the server is still up');
  });

  test('a plan posted, applied and followed on the event stream to the end; the stream resumes with Last-Event-ID', { timeout: 180_000 }, async () => {
    const early = await call('POST', '/v1/plans', { body: PLAN, type: 'application/yaml' });
    assert.equal(early.status, 201, JSON.stringify(early.body));
    earlyPlanId = early.body.id;
    const posted = await call('POST', '/v1/plans', { body: PLAN, type: 'application/yaml' });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    assert.equal(posted.body.plan.changes.find((c: { address: string }) => c.address === 'server:it-ops/ops-bastion')?.action, 'migrate');
    const again = await call('GET', `/v1/plans/${posted.body.id}`);
    assert.deepEqual(again.body.plan.steps, posted.body.plan.steps);

    const stream = follow((e) => e.event === 'apply_finished');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = await call('POST', '/v1/applies', { body: JSON.stringify({ planId: posted.body.id }), type: 'application/json' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.status, 'running');
    const busy = await call('POST', '/v1/applies', { body: JSON.stringify({ planId: posted.body.id }), type: 'application/json' });
    assert.equal(busy.status, 409, 'one apply at a time');
    const events = await stream;
    const finished = events.at(-1)!;
    assert.equal(finished.data.data.failed, 0);
    assert.ok(events.some((e) => e.event === 'step_finished' && e.data.data.step === 'migrate-server:server:it-ops/ops-bastion'));
    const ids = events.map((e) => e.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ids increase');

    let status = (await call('GET', `/v1/applies/${started.body.id}`)).body;
    for (let i = 0; i < 50 && status.status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await call('GET', `/v1/applies/${started.body.id}`)).body;
    }
    assert.equal(status.status, 'done', JSON.stringify(status));
    assert.equal(status.report.counts.failed, 0);
    assert.equal(env.sandbox.clouds.target.store.servers.by('name', 'ops-bastion')[0]?.status, 'ACTIVE');
    const state = await call('GET', '/v1/state');
    assert.ok(state.body.mappings['server:it-ops/ops-bastion'], 'the API wrote the same state file as the CLI');

    // A client that lost the stream asks for what came after the last event it saw.
    const middle = ids[Math.floor(ids.length / 2)]!;
    const resumed = await follow((e) => e.id === finished.id, { 'last-event-id': String(middle) });
    assert.equal(resumed[0]!.id, middle + 1);
    assert.deepEqual(resumed.map((e) => e.id), ids.filter((id) => id > middle));

    // The plan made before that apply would move a server that is no longer on the source: its
    // steps would fail (PH1620); it is refused as stale before anything starts.
    const stale = await call('POST', '/v1/applies', { body: JSON.stringify({ planId: early.body.id }), type: 'application/json' });
    assert.equal(stale.status, 409, JSON.stringify(stale.body));
    assert.equal(stale.body.error.code, 'PH1602');
    assert.match(stale.body.error.message, /server:it-ops\/ops-bastion/);
    assert.match(stale.body.error.hint, /POST the plan file to \/v1\/plans again/);
  });

  test('while an API apply runs, a CLI apply on the same state is refused; cancel stops the API apply', { timeout: 120_000 }, async () => {
    env.sandbox.clouds.target.faults.update({ hang: [{ kind: 'server', name: 'ops-monitor' }] });
    try {
      const posted = await call('POST', '/v1/plans', { body: PLAN.replace('api-wave', 'api-wave-2').replace('[ops-bastion]', '[ops-monitor]'), type: 'application/yaml' });
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      const hung = follow((e) => e.event === 'step_progress' && /waiting for the copy/.test(String(e.data.data.phase)), {}, '?after=0');
      const started = await call('POST', '/v1/applies', { body: JSON.stringify({ planId: posted.body.id }), type: 'application/json' });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      await hung;
      const plan = env.files.path('cli.yaml');
      writeFileSync(plan, PLAN.replace('api-wave', 'cli-wave'));
      const cli = await runCli(['--config', env.config, 'apply', plan, '--auto-approve', '--state', env.files.path('state.json')]);
      assert.equal(cli.code, 1);
      assert.match(cli.stderr, /PH1710.*pumphouse serve/s, 'the CLI is told the API holds the state');
      assert.equal((await call('POST', `/v1/applies/${started.body.id}/cancel`)).status, 202);
      assert.equal((await call('POST', `/v1/applies/${started.body.id}/cancel`)).status, 202, 'a second cancel stops the running steps');
      let status = (await call('GET', `/v1/applies/${started.body.id}`)).body;
      for (let i = 0; i < 100 && status.status === 'running'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = (await call('GET', `/v1/applies/${started.body.id}`)).body;
      }
      assert.equal(status.status, 'interrupted', JSON.stringify(status));
    } finally {
      env.sandbox.clouds.target.faults.update({ hang: [] });
    }
  });

  test('the original project\'s routes: /resources shows both clouds; POST /hosts/{id} evacuates through a plan', { timeout: 120_000 }, async () => {
    const resources = await call('GET', '/resources');
    assert.equal(resources.status, 200);
    assert.ok(resources.body.source.projects.some((p: { name: string }) => p.name === 'demo'));
    assert.ok(resources.body.source.servers.some((s: { name: string; status: string; host: string }) => s.name === 'web-1' && s.status === 'ACTIVE' && s.host));
    assert.deepEqual(resources.body.source.hosts.map((h: { name: string }) => h.name), ['cmp-1', 'cmp-2', 'cmp-3']);
    assert.ok(Array.isArray(resources.body.destination.projects));
    const denied = await call('GET', '/resources', { token: null });
    assert.equal(denied.status, 401, 'the original routes want the token too');

    const started = await call('POST', '/hosts/cmp-2');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.follow, `/v1/applies/${started.body.applyId}`);
    let status = (await call('GET', started.body.follow)).body;
    for (let i = 0; i < 300 && status.status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await call('GET', started.body.follow)).body;
    }
    assert.equal(status.status, 'done', JSON.stringify(status));
    const source = env.sandbox.clouds.source.store;
    assert.equal(source.computeServices.all().find((s) => s.host === 'cmp-2' && s.binary === 'nova-compute')?.status, 'disabled');
    assert.equal(source.servers.all().filter((s) => s.host === 'cmp-2').length, 0, 'cmp-2 runs nothing');
    const unknown = await call('POST', '/hosts/cmp-9');
    assert.equal(unknown.status, 400, 'a host the source does not have is a plan error');
    assert.equal(unknown.body.error.diagnostics[0].code, 'PH1410');
  });

  test('refuses --no-token beyond loopback, and says when the address is taken', async () => {
    const refused = await runCli(['--config', env.config, 'serve', '--no-token', '--listen', '0.0.0.0:0'], { env: { PUMPHOUSE_API_TOKEN: '' } });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /PH4010.*without a token/);
    const taken = await runCli(['--config', env.config, 'serve', '--listen', base.slice('http://'.length)]);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /PH4011: cannot listen on 127\.0\.0\.1:\d+: the address is in use/);
    assert.ok(!hasStackTrace(taken.stderr));
  });

  test('without PUMPHOUSE_API_TOKEN a token is generated and printed with the dashboard\'s address; every route wants it', async () => {
    const other = await startServe(['--state', env.files.path('other/state.json')], { PUMPHOUSE_API_TOKEN: '' }, /#token=([\w-]+)/);
    try {
      const token = other.found[1]!;
      assert.ok(token.length >= 32, 'a long random token');
      assert.match(other.log, new RegExp(`Open the dashboard at\\s+${other.base.replace(/[.]/g, '\\.')}/#token=`));
      assert.equal((await call('GET', '/v1/applies', { token: null, base: other.base })).status, 401, 'loopback is no excuse');
      assert.equal((await call('GET', '/v1/applies', { token, base: other.base })).status, 200);
    } finally {
      await other.stop();
    }
  });

  test('--no-token is loudly warned; a cross-site form or text/plain POST /hosts/cmp-2 still cannot touch the host', async () => {
    const old = await startServe(['--no-token', '--state', env.files.path('old/state.json')], {}, /WARNING: --no-token/);
    try {
      assert.equal((await call('GET', '/v1/applies', { token: null, base: old.base })).status, 200, 'an old client without a token is served');
      const before = env.sandbox.clouds.source.store.computeServices.all().find((svc) => svc.host === 'cmp-1' && svc.binary === 'nova-compute')?.status;
      const forged = await call('POST', '/hosts/cmp-1', { token: null, base: old.base, body: 'x', type: 'text/plain', headers: { origin: 'http://evil.example' } });
      assert.deepEqual([forged.status, forged.body.error.code], [403, 'PH4013']);
      const plain = await call('POST', '/hosts/cmp-1', { token: null, base: old.base, body: 'x', type: 'text/plain' });
      assert.deepEqual([plain.status, plain.body.error.code], [415, 'PH4004']);
      const rebound = await call('POST', '/hosts/cmp-1', { token: null, base: old.base, headers: { host: 'evil.example' } });
      assert.deepEqual([rebound.status, rebound.body.error.code], [403, 'PH4012']);
      assert.equal(env.sandbox.clouds.source.store.computeServices.all().find((svc) => svc.host === 'cmp-1' && svc.binary === 'nova-compute')?.status, before, 'cmp-1 untouched');
    } finally {
      await old.stop();
    }
  });
  test('plans posted before a restart are found after it; an unknown one is a 404 saying to post it again', { timeout: 60_000 }, async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    const restarted = await startServe(['--state', env.files.path('state.json')], { PUMPHOUSE_API_TOKEN: TOKEN }, /Serving/);
    try {
      const again = await call('GET', `/v1/plans/${earlyPlanId}`, { base: restarted.base });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.id, earlyPlanId);
      const gone = await call('GET', '/v1/plans/00000000-0000-4000-8000-000000000000', { base: restarted.base });
      assert.equal(gone.status, 404);
      assert.match(gone.body.error.hint, /POST the plan file to \/v1\/plans again/);
    } finally {
      await restarted.stop();
    }
  });
});

/** Another `pumphouse serve` on the sandbox, until `stop()`; resolves once its stderr matches `ready`. */
async function startServe(args: string[], extraEnv: Record<string, string>, ready: RegExp): Promise<{ base: string; log: string; found: RegExpExecArray; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [CLI, '--config', env.config, 'serve', '--listen', '127.0.0.1:0', ...args], {
    cwd: REPO_ROOT, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const found = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const match = ready.exec(log);
      if (match && /on http:\/\/127\.0\.0\.1:\d+\/v1/.test(log)) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${log}`)));
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { base: /on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(log)![1]!, log, found, stop };
}
