import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { hostname } from 'node:os';
import type { PumphouseConfig } from '../../../src/config/load.js';
import { PumphouseError } from '../../../src/errors.js';
import { allowedHosts } from '../../../src/server/guard.js';
import { startApiServer, type ApiServerOptions } from '../../../src/server/server.js';
import { tempFiles } from '../../helpers/tmp.js';

// What `serve` refuses before any route runs, so that a web page in the operator's browser cannot
// drive it: a Host that is not the server's own (DNS rebinding), a foreign Origin on a request that
// changes something, a body that is not JSON or YAML (what a cross-site form or a text/plain
// fetch can send without a preflight), and, unless explicitly switched off, a request without
// the token. None of the requests below reach a cloud: refused ones never reach a route, and the
// accepted one asks for an apply of a plan that does not exist (404).

const CONFIG = { hosts: {}, settings: { timeoutMs: 1000, discovery: { concurrency: 1, pageSize: 10 } } } as unknown as PumphouseConfig;
const TOKEN = 'unit-token-0123456789';

interface Answer { status: number; code?: string }

function send(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(text.startsWith('{') ? { code: (JSON.parse(text) as { error?: { code?: string } }).error?.code } : {}) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function withServer(options: Partial<ApiServerOptions>, work: (url: string, port: number) => Promise<void>): Promise<void> {
  const files = tempFiles({});
  const server = await startApiServer({ config: CONFIG, statePath: files.path('state.json'), host: '127.0.0.1', port: 0, ...options });
  try {
    await work(server.url, Number(new URL(server.url).port));
  } finally {
    await server.close();
    files.cleanup();
  }
}

/** The PH code startApiServer refused with; a server that started after all is closed first. */
async function refusalCode(options: ApiServerOptions): Promise<string> {
  let server: Awaited<ReturnType<typeof startApiServer>> | undefined;
  try {
    server = await startApiServer(options);
  } catch (error) {
    assert.ok(error instanceof PumphouseError, String(error));
    return error.code;
  }
  await server.close();
  return 'started';
}

test('without a token the engine refuses to serve, unless told explicitly (noToken), and never beyond loopback', async () => {
  const files = tempFiles({});
  try {
    const base = { config: CONFIG, statePath: files.path('state.json'), port: 0 };
    assert.equal(await refusalCode({ ...base, host: '127.0.0.1' }), 'PH4010');
    assert.equal(await refusalCode({ ...base, host: '0.0.0.0' }), 'PH4010');
    assert.equal(await refusalCode({ ...base, host: '0.0.0.0', noToken: true }), 'PH4010');
    assert.equal(await refusalCode({ ...base, host: '127.0.0.1', noToken: true }), 'started');
  } finally {
    files.cleanup();
  }
});

test('a cross-site request cannot start an apply without a token: Host, Origin and content type are checked first', async () => {
  await withServer({ noToken: true }, async (url, port) => {
    const json = { 'content-type': 'application/json' };
    const applies = JSON.stringify({ planId: 'no-such-plan' });
    // The check that lets a request through at all: a same-origin JSON request reaches the route.
    assert.deepEqual(await send(url, 'POST', '/v1/applies', { ...json, origin: `http://127.0.0.1:${port}` }, applies), { status: 404, code: 'PH4002' });
    assert.deepEqual(await send(url, 'POST', '/v1/applies', { ...json, host: `localhost:${port}` }, applies), { status: 404, code: 'PH4002' });
    // DNS rebinding: the page's own name in Host.
    assert.deepEqual(await send(url, 'POST', '/v1/applies', { ...json, host: `evil.example:${port}` }, applies), { status: 403, code: 'PH4012' });
    assert.deepEqual(await send(url, 'GET', '/v1/applies', { host: `evil.example:${port}` }), { status: 403, code: 'PH4012' });
    assert.deepEqual(await send(url, 'GET', '/v1/applies', { host: '127.0.0.1:1' }), { status: 403, code: 'PH4012' }, 'the port counts');
    // The original project's routes need no body: a foreign Origin or a form/text body is refused.
    assert.deepEqual(await send(url, 'POST', '/hosts/cmp-2', { origin: 'http://evil.example', 'content-type': 'text/plain' }, 'x'), { status: 403, code: 'PH4013' });
    assert.deepEqual(await send(url, 'POST', '/hosts/cmp-2', { origin: 'null' }), { status: 403, code: 'PH4013' });
    assert.deepEqual(await send(url, 'POST', '/hosts/cmp-2', { 'content-type': 'text/plain' }, 'x'), { status: 415, code: 'PH4004' });
    assert.deepEqual(await send(url, 'DELETE', '/hosts/cmp-2', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=b'), { status: 415, code: 'PH4004' });
    assert.deepEqual(await send(url, 'POST', '/v1/plans', { 'content-type': 'text/plain' }, 'apiVersion: pumphouse/v1'), { status: 415, code: 'PH4004' }, 'plans are YAML, not text/plain');
  });
});

test('with a token every route wants it, loopback or not; a wrong Host is refused even with it', async () => {
  await withServer({ token: TOKEN }, async (url, port) => {
    assert.deepEqual(await send(url, 'GET', '/v1/applies', {}), { status: 401, code: 'PH4001' });
    assert.deepEqual(await send(url, 'GET', '/resources', {}), { status: 401, code: 'PH4001' });
    assert.equal((await send(url, 'GET', '/v1/applies', { authorization: `Bearer ${TOKEN}` })).status, 200);
    assert.deepEqual(await send(url, 'GET', '/v1/applies', { authorization: `Bearer ${TOKEN}`, host: `evil.example:${port}` }), { status: 403, code: 'PH4012' });
    assert.equal((await send(url, 'GET', '/', { host: `evil.example:${port}` })).status, 403, 'the dashboard too');
  });
});

test('a malformed % escape in the path is a 400 PH4006, not a 500; an internal error is logged as an event', async () => {
  const files = tempFiles({});
  const server = await startApiServer({ config: CONFIG, statePath: files.path('state.json'), host: '127.0.0.1', port: 0, token: TOKEN });
  const logged: Array<{ level: string; message: string; code?: string }> = [];
  server.journal.bus.on((e) => logged.push({ level: e.level, message: e.message, code: (e.data as { code?: string }).code }));
  try {
    const auth = { authorization: `Bearer ${TOKEN}` };
    assert.deepEqual(await send(server.url, 'GET', '/v1/plans/%E0%A4%A', auth), { status: 400, code: 'PH4006' });
    assert.deepEqual(await send(server.url, 'GET', '/%zz', {}), { status: 400, code: 'PH4006' });
    assert.equal(logged.length, 0, 'a client\'s mistake is not the server\'s error');
    // The config names no cloud: planning fails inside the server, which says so in its log.
    const plan = 'apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: x }\nspec:\n  workloads:\n    - projects: [demo]\n';
    const failed = await send(server.url, 'POST', '/v1/plans', { ...auth, 'content-type': 'application/yaml' }, plan);
    assert.deepEqual(failed, { status: 500, code: 'PH4099' });
    assert.equal(logged.length, 1, JSON.stringify(logged));
    assert.equal(logged[0]!.level, 'error');
    assert.equal(logged[0]!.code, 'PH4099');
    assert.match(logged[0]!.message, /internal error on POST "\/v1\/plans"/);
  } finally {
    await server.close();
    files.cleanup();
  }
});

test('the Host names a server answers to: its address and loopback with its port; a wildcard adds this machine; --allow-host adds more', () => {
  const loopback = allowedHosts('127.0.0.1', 8080);
  assert.deepEqual([...loopback].sort(), ['127.0.0.1:8080', '[::1]:8080', 'localhost:8080']);
  const wildcard = allowedHosts('0.0.0.0', 8080, ['Pumphouse.Example']);
  assert.ok(wildcard.has(`${hostname().toLowerCase()}:8080`));
  assert.ok(wildcard.has('pumphouse.example:8080'));
  assert.ok(!wildcard.has('0.0.0.0:8080'));
  assert.ok(allowedHosts('127.0.0.1', 80).has('localhost'), 'port 80 may be left out');
});
