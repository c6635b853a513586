import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { CLI, REPO_ROOT } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

// The dashboard (dashboard/ in the repository, served at / by `pumphouse serve`) in headless
// Chromium against the demo sandbox: it signs in from a #token= link, shows both clouds, makes
// a plan from a pasted plan file, applies it and follows the apply live on the event stream,
// follows an apply someone else started with the API, and says so when the token is wrong.

const TOKEN = 'browser-token-0123456789';
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(REPO_ROOT, 'test-artifacts', 'dashboard.png');
const UI_TIMEOUT_MS = 20_000;

function planFile(name: string, server: string): string {
  return `apiVersion: pumphouse/v1
kind: MigrationPlan
metadata: { name: ${name} }
spec:
  workloads:
    - projects: ["*"]
      servers: { names: [${server}] }
  maps:
    networks: { public: admin_floating_net }
`;
}

interface CloudSummary {
  projects: Array<{ name: string }>;
  servers: Array<{ name: string; project: string | null; status: string; host: string | null }>;
  hosts: Array<{ name: string }>;
}

let env: Awaited<ReturnType<typeof privateSandbox>>;
let server: ChildProcess;
let serverLog = '';
let base: string;
let browser: Browser;
let page: Page;

/** An API call as curl would make it, with the token. */
function call(method: string, path: string, body?: string, type?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
    if (type) headers['content-type'] = type;
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts `pumphouse serve` (on `port`, 0 for any) and resolves to its base URL. */
async function startServe(port = 0): Promise<string> {
  serverLog = '';
  server = spawn(process.execPath, [CLI, '--config', env.config, 'serve', '--listen', `127.0.0.1:${port}`, '--state', env.files.path('state.json')], {
    cwd: REPO_ROOT, env: { ...process.env, PUMPHOUSE_API_TOKEN: TOKEN, PUMPHOUSE_POLL_MS: '50' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise<string>((resolve, reject) => {
    server.stderr!.on('data', (d: Buffer) => {
      serverLog += d.toString();
      const found = /on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(serverLog);
      if (found) resolve(found[1]!);
    });
    server.once('exit', (code) => reject(new Error(`serve exited ${code}: ${serverLog}`)));
  });
}

async function stopServe(): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

/** The seq of the last event the server wrote to its journal (beside the state file). */
function lastJournalSeq(): number {
  const lines = readFileSync(env.files.path('events.ndjson'), 'utf8').trimEnd().split('\n');
  return (JSON.parse(lines[lines.length - 1]!) as { seq: number }).seq;
}

/** The texts of a table row's cells (its header cell first). */
function cellsOf(row: Locator): Promise<string[]> {
  return row.locator('th, td').allInnerTexts();
}

/** Waits until `read` gives a text `pattern` matches, and returns it (the last text seen on timeout, in the message). */
async function textBecomes(read: () => Promise<string>, pattern: RegExp, timeoutMs = UI_TIMEOUT_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await read();
    if (pattern.test(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`waited ${timeoutMs} ms for ${pattern}; the page shows: ${JSON.stringify(text)}`);
}

/** Lets the held ops-monitor copy go on (the sandbox re-schedules what the hang held). */
function liftHang(): void {
  env.sandbox.clouds.target.faults.update({ hang: [] });
  env.sandbox.clouds.target.lifecycle.release();
}

const stepRow = (step: string): Locator => page.locator(`#apply-steps tr[data-step="${step}"]`);
const applyStatus = (): Promise<string> => page.locator('#apply-status').innerText();

describe('the dashboard in headless Chromium', { timeout: 120_000 }, () => {
  before(async () => {
    env = await privateSandbox({ hardware: false });
    base = await startServe();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
  });
  after(async () => {
    await browser?.close();
    await stopServe();
    await env?.stop();
  });

  test('signs in from #token=, drops it from the address bar, and shows both clouds with their counts', async () => {
    const resources = await call('GET', '/resources');
    assert.equal(resources.status, 200);
    const { source, destination: target } = resources.body as { source: CloudSummary; destination: CloudSummary };

    await page.goto(`${base}/#token=${TOKEN}`);
    assert.equal(new URL(page.url()).hash, '', 'the token is not left in the address bar');
    await page.locator('#cloud-source tr', { hasText: 'web-1' }).waitFor();

    assert.equal(await page.locator('#source-projects h4').innerText(), `Projects (${source.projects.length})`);
    assert.equal(await page.locator('#source-servers h4').innerText(), `Servers (${source.servers.length})`);
    assert.equal(await page.locator('#source-hosts h4').innerText(), `Hosts (${source.hosts.length})`);
    assert.equal(await page.locator('#target-projects h4').innerText(), `Projects (${target.projects.length})`);
    assert.equal(await page.locator('#target-servers h4').innerText(), `Servers (${target.servers.length})`);
    assert.ok(await page.locator('#source-projects td', { hasText: /^demo$/ }).count() === 1, 'project demo is listed');
    const web1 = source.servers.find((s) => s.name === 'web-1')!;
    assert.deepEqual(await cellsOf(page.locator('#source-servers tr', { hasText: 'web-1' })), ['web-1', web1.project, web1.status, web1.host]);
    const targetNames = await page.locator('#target-projects tbody td:first-child').allInnerTexts();
    assert.deepEqual(targetNames, target.projects.map((p) => p.name));
  });

  test('a plan file with errors shows its diagnostics with line and column', async () => {
    await page.locator('#plan-text').fill(planFile('broken', 'ops-bastion').replace('servers:', 'servrs:'));
    await page.getByRole('button', { name: 'Make the plan' }).click();
    const row = page.locator('#plan-diagnostics tbody tr').first();
    await row.waitFor();
    const [where, code] = await cellsOf(row);
    assert.match(where!, /\.yaml:7:\d+$/);
    assert.equal(code, 'PH1304');
  });

  test('a plan posted through the page shows its changes grouped by action, and Apply follows it live to the end', async () => {
    await page.locator('#plan-text').fill(planFile('browser-wave', 'ops-bastion'));
    await page.getByRole('button', { name: 'Make the plan' }).click();
    const migrate = page.getByRole('region', { name: /^migrate \(\d+\)$/ });
    await migrate.waitFor();
    assert.deepEqual((await cellsOf(migrate.locator('tr', { hasText: 'server:it-ops/ops-bastion' }))).slice(0, 3), ['server:it-ops/ops-bastion', 'server', 'it-ops']);
    assert.match(await page.locator('#plan-result .summary').innerText(), /^Plan: \d+ to create, \d+ to update, 1 to migrate, 0 hosts to upgrade\.$/);

    await page.getByRole('button', { name: 'Apply this plan' }).click();
    const finished = await textBecomes(applyStatus, /Apply of plan browser-wave (finished|failed|was interrupted)/, 60_000);
    assert.match(finished, /finished in .*: \d+ done, \d+ already done, 0 failed, 0 skipped, 0 pending\./);
    assert.deepEqual((await cellsOf(stepRow('migrate-server:server:it-ops/ops-bastion'))).slice(0, 2), ['migrate-server:server:it-ops/ops-bastion', 'done']);
    const states = await page.locator('#apply-steps td.state').allInnerTexts();
    assert.ok(states.length > 1 && states.every((s) => s === 'done'), `every step done: ${states.join(', ')}`);
    assert.match(await page.locator('#apply-counts').innerText(), /^0 running, \d+ done, 0 failed, 0 skipped\.$/);
    // The clouds are discovered again once the apply ends: the server now runs on the target.
    await page.locator('#cloud-target tr', { hasText: 'ops-bastion' }).waitFor();
  });

  test('an apply started through the API (not the page) shows live on the page, step by step', async () => {
    // Held in the middle by the sandbox, the step's progress is on the page while it runs.
    env.sandbox.clouds.target.faults.update({ hang: [{ kind: 'server', name: 'ops-monitor' }] });
    let lifted = false;
    try {
      const posted = await call('POST', '/v1/plans', planFile('api-wave', 'ops-monitor'), 'application/yaml');
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      const started = await call('POST', '/v1/applies', JSON.stringify({ planId: posted.body.id }), 'application/json');
      assert.equal(started.status, 202, JSON.stringify(started.body));

      const step = 'migrate-server:server:it-ops/ops-monitor';
      await textBecomes(applyStatus, /^Applying plan api-wave: \d+ steps\.$/);
      await textBecomes(() => stepRow(step).innerText(), /\trunning\t.*waiting/);
      assert.match(await page.locator('#apply-counts').innerText(), /^1 running, \d+ done, 0 failed, 0 skipped/);

      liftHang();
      lifted = true;
      const finished = await textBecomes(applyStatus, /Apply of plan api-wave (finished|failed|was interrupted)/, 60_000);
      assert.match(finished, /finished in .*, 0 failed, 0 skipped, 0 pending\./);
      assert.equal((await cellsOf(stepRow(step)))[1], 'done');
      const imageCopy = await cellsOf(stepRow('create:image:admin/ubuntu-22.04'));
      // The CLI's words (src/render/format.ts, which the dashboard loads as /format.js).
      assert.match(imageCopy[2]!, /[\d.]+ MiB of [\d.]+ MiB at [\d.]+ [KMG]?i?B\/s, \d+ s left/, 'bytes, rate and time left of the copy');
      await page.locator('#cloud-target tr', { hasText: 'ops-monitor' }).waitFor();
      mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      if (!lifted) liftHang();
    }
  });

  test('when the event stream drops (the server restarts), the page reconnects and resumes after the last event it saw', async () => {
    const port = new URL(base).port;
    const reconnect = page.waitForRequest((r) => r.url().endsWith('/v1/events') && r.headers()['last-event-id'] !== undefined, { timeout: UI_TIMEOUT_MS });
    await stopServe();
    const lastSeen = lastJournalSeq();
    await textBecomes(() => page.locator('#connection').innerText(), /connection lost; reconnecting/);
    assert.equal(await startServe(Number(port)), base);
    assert.equal((await reconnect).headers()['last-event-id'], String(lastSeen), 'it asks for what came after the last event it saw');
    await textBecomes(() => page.locator('#connection').innerText(), /^Live events: connected\.$/);
  });

  test('a wrong token shows the 401 message and the form; the right one typed in signs in', async () => {
    const context = await browser.newContext();
    try {
      const other = await context.newPage();
      await other.goto(`${base}/#token=wrong-token`);
      await other.locator('#auth-message', { hasText: '401' }).waitFor();
      assert.match(await other.locator('#auth-message').innerText(), /refused the token \(401 Unauthorized\)/);
      assert.equal(await other.locator('#clouds').isHidden(), true, 'nothing of the clouds is shown');
      await other.getByLabel(/API token/).fill(TOKEN);
      await other.getByRole('button', { name: 'Use this token' }).click();
      await other.locator('#cloud-source tr', { hasText: 'web-1' }).waitFor();
      assert.equal(await other.locator('#auth').isHidden(), true);
    } finally {
      await context.close();
    }
  });
});
