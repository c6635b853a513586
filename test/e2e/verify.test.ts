import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

// What verification by read-back protects against, end to end on the sandbox (issue Hardening,
// items 1 and 5): a router left without its interfaces is finished by the next apply, a server
// step that fails after its copy booted leaves no copy running, and a wrong id mapping in the
// state is not trusted.

type Env = Awaited<ReturnType<typeof privateSandbox>>;
const WEB = ['--target', 'server:demo/web-*'];
const POLL = { PUMPHOUSE_POLL_MS: '50' };

async function webSandbox(options: Parameters<typeof privateSandbox>[0] = {}): Promise<{ env: Env; plan: string; state: string }> {
  const env = await privateSandbox(options);
  const plan = env.files.path('demo.yaml');
  copyFileSync(`${REPO_ROOT}/plans/demo.yaml`, plan);
  return { env, plan, state: env.files.path('state.json') };
}

async function setTargetFaults(env: Env, faults: object): Promise<void> {
  const response = await fetch(`${env.sandbox.target.authUrl.replace('/identity/v3', '')}/_sandbox/faults`, { method: 'POST', body: JSON.stringify(faults) });
  assert.equal(response.status, 200);
}

/** Apply's code and all it printed (steps and the summary go to stderr). */
async function apply(w: { env: Env; plan: string; state: string }, narrow: string[]): Promise<{ code: number | null; output: string }> {
  const run = await runCli(['--config', w.env.config, 'apply', w.plan, ...narrow, '--auto-approve', '--state', w.state], { timeoutMs: 200_000, env: POLL });
  return { code: run.code, output: `${run.stdout}\n${run.stderr}` };
}

const planJson = async (w: { env: Env; plan: string; state: string }): Promise<{ changes: Array<{ address: string; action: string; differences: Array<{ path: string }> }>; diagnostics: Array<{ code: string; severity: string; message: string }> }> => {
  const planned = await runCli(['--config', w.env.config, '--output', 'json', 'plan', w.plan, ...WEB, '--state', w.state]);
  assert.equal(planned.code, 0, planned.stderr);
  return JSON.parse(planned.stdout);
};

/** Each named server runs once, on the target only (the demo plan deletes the sources). */
function assertMovedOnce(env: Env, names: string[]): void {
  const [source, target] = [env.sandbox.clouds.source.store, env.sandbox.clouds.target.store];
  for (const name of names) {
    const copies = target.servers.by('name', name);
    assert.equal(copies.length, 1, `${name}: one copy on the target`);
    assert.equal(copies[0]!.status, 'ACTIVE', `${name}: its copy runs`);
    assert.equal(source.servers.by('name', name).length, 0, `${name}: gone from the source`);
  }
}

describe('verification after apply', () => {
  test('a router whose interfaces failed is finished by the next apply; its servers move once', { timeout: 300_000 }, async () => {
    const w = await webSandbox();
    try {
      await setTargetFaults(w.env, { failCalls: [{ route: 'PUT /network/v2.0/routers/*/add_router_interface', nth: 1, times: 1000, status: 400 }] });
      const first = await apply(w, WEB);
      assert.equal(first.code, 1, first.output.slice(-2000));
      assert.match(first.output, /create:router:demo\/demo-router/);
      const target = w.env.sandbox.clouds.target.store;
      assert.equal(target.servers.all().length, 0, 'no server booted behind a router without interfaces');

      await setTargetFaults(w.env, { failCalls: [] });
      const replanned = await planJson(w);
      const router = replanned.changes.find((c) => c.address === 'router:demo/demo-router');
      assert.equal(router?.action, 'update', 'the marked router is not taken for done');
      assert.ok(router?.differences.some((d) => d.path === 'refs.subnets'), 'its missing interface is the difference');

      const second = await apply(w, WEB);
      assert.equal(second.code, 0, second.output.slice(-3000));
      const routerCopy = target.routers.all().find((r) => r.name === 'demo-router')!;
      const subnetCopy = target.subnets.all().find((s) => s.name === 'demo-subnet')!;
      assert.ok(target.ports.all().some((p) => p.deviceId === routerCopy.id && p.fixedIps.some((ip) => ip.subnetId === subnetCopy.id)), 'the router has its interface');
      assertMovedOnce(w.env, ['web-1', 'web-2']);
    } finally {
      await w.env.stop();
    }
  });

  test('a copy the target did not keep as written fails its server step, which removes it and starts the source again; the next apply moves it once', { timeout: 300_000 }, async () => {
    // The target changes web-1's copy right after accepting its boot: what apply reads back differs.
    let tamper = true;
    let target: Env['sandbox']['clouds']['target']['store'] | undefined;
    const w = await webSandbox({
      onRequest: (entry) => {
        if (!tamper || entry.cloud !== 'sandbox-target' || entry.method !== 'POST' || entry.path !== '/compute/v2.1/servers' || entry.status !== 202) return;
        for (const copy of target?.servers.by('name', 'web-1') ?? []) copy.description = 'not what apply wrote';
      },
    });
    target = w.env.sandbox.clouds.target.store;
    const source = w.env.sandbox.clouds.source.store;
    try {
      const failed = await apply(w, ['--target', 'server:demo/web-1']);
      assert.equal(failed.code, 1, failed.output.slice(-2000));
      assert.match(failed.output, /PH1632 server:demo\/web-1: its copy \S+ does not hold what the source holds after the step — attributes\.description: the target has "not what apply wrote", the source null/);
      assert.equal(target.servers.by('name', 'web-1').length, 0, 'the unverified copy was removed');
      assert.equal(source.servers.by('name', 'web-1')[0]?.status, 'ACTIVE', 'the source runs again');
      assert.deepEqual(source.images.all().filter((i) => i.name.startsWith('pumphouse-snapshot')).map((i) => i.name), [], 'the stale snapshot is dropped');
      assert.deepEqual(target.images.all().filter((i) => i.name.startsWith('pumphouse-snapshot')).map((i) => i.name), [], 'and its copy on the target');

      tamper = false;
      const again = await apply(w, ['--target', 'server:demo/web-1']);
      assert.equal(again.code, 0, again.output.slice(-3000));
      assertMovedOnce(w.env, ['web-1']);
    } finally {
      await w.env.stop();
    }
  });

  test('a state mapping pointing web-1 at web-2’s copy is ignored with a warning, and web-1 moves', { timeout: 300_000 }, async () => {
    const w = await webSandbox();
    try {
      const web2 = await apply(w, ['--target', 'server:demo/web-2']);
      assert.equal(web2.code, 0, web2.output.slice(-3000));
      const state = JSON.parse(readFileSync(w.state, 'utf8')) as { mappings: Record<string, string> };
      state.mappings['server:demo/web-1'] = state.mappings['server:demo/web-2']!;
      writeFileSync(w.state, JSON.stringify(state));

      const replanned = await planJson(w);
      assert.equal(replanned.changes.find((c) => c.address === 'server:demo/web-1')?.action, 'migrate', 'web-1 is not taken for moved');
      const warning = replanned.diagnostics.find((d) => d.code === 'PH1413');
      assert.equal(warning?.severity, 'warning');
      assert.match(warning?.message ?? '', /maps server:demo\/web-1 to server:demo\/web-2 \(.*\) on the target, which is the copy of another source object/);

      const web1 = await apply(w, WEB);
      assert.equal(web1.code, 0, web1.output.slice(-3000));
      assertMovedOnce(w.env, ['web-1', 'web-2']);
    } finally {
      await w.env.stop();
    }
  });

  test('an image whose bytes are not what the source recorded fails with both hashes named, leaves no copy, and moves once the source is sound', { timeout: 300_000 }, async () => {
    // The source store's bytes of ops-tools are damaged (same size, other content): the target
    // Glance hashes what it receives, and that is what apply compares with the source's record.
    const w = await webSandbox();
    writeFileSync(w.plan, 'apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: damaged }\nspec:\n  identity: { projects: [it-ops] }\n  images: { names: [ops-tools] }\n');
    const IMAGE = ['--target', 'image:it-ops/ops-tools'];
    const [source, target] = [w.env.sandbox.clouds.source.store, w.env.sandbox.clouds.target.store];
    try {
      const original = source.images.by('name', 'ops-tools')[0]!;
      source.blobs.copy(`image:${original.id}`, 'sound-ops-tools');
      source.blobs.synthetic(`image:${original.id}`, original.sizeBytes ?? 0, 'damaged');
      const failed = await apply(w, IMAGE);
      assert.equal(failed.code, 1, failed.output.slice(-2000));
      assert.match(failed.output, new RegExp(`create:image:it-ops/ops-tools: PH1643 image \\S+ on target has md5 [0-9a-f]{32}, the source recorded ${original.checksum}: removed`));
      assert.deepEqual(target.images.by('name', 'ops-tools'), [], 'the damaged copy is not left on the target');

      source.blobs.copy('sound-ops-tools', `image:${original.id}`);
      const again = await apply(w, IMAGE);
      assert.equal(again.code, 0, again.output.slice(-3000));
      const copies = target.images.by('name', 'ops-tools');
      assert.equal(copies.length, 1, 'one copy');
      assert.equal(copies[0]!.checksum, original.checksum);
      assert.equal(copies[0]!.osHashValue, original.osHashValue);
    } finally {
      await w.env.stop();
    }
  });
});
