import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { CLI, hasStackTrace, REPO_ROOT, runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

// `pumphouse apply` with the real CLI against the sandbox's demo scenario and plans/demo.yaml
// (its host upgrade excluded: these tests are about the workloads; test/e2e/hosts.test.ts has the hosts).
const DEMO_SOURCE = `${REPO_ROOT}/plans/demo.yaml`;
const NO_HOSTS = ['--exclude', 'hypervisor:cmp-3'];

interface EventLine { type: string; time: string; data: Record<string, unknown> }
/** The demo plan copied next to the sandbox's config, so its passwords file lands there too. */
function demoPlan(env: { files: { path(name: string): string } }): string {
  const path = env.files.path('demo.yaml');
  copyFileSync(DEMO_SOURCE, path);
  return path;
}

const eventsOf = (stdout: string): EventLine[] => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as EventLine);

describe('pumphouse apply', () => {
  test('plan → apply → plan says "No changes."; no source server is deleted before its copy is verified', { timeout: 240_000 }, async () => {
    const deletes = new Map<string, number>();
    const env = await privateSandbox({
      onRequest: (entry) => {
        const m = /^\/compute\/v2\.1\/servers\/([0-9a-f-]+)$/.exec(entry.path);
        if (entry.cloud === 'sandbox-source' && entry.method === 'DELETE' && m) deletes.set(m[1]!, Date.now());
      },
    });
    try {
      const DEMO = demoPlan(env);
      const state = env.files.path('state.json');
      const sourceIds = ['web-1', 'web-2', 'db-1'].map((name) => [name, env.sandbox.clouds.source.store.servers.by('name', name)[0]!.id] as const);
      const applied = await runCli(['--config', env.config, '--output', 'json', 'apply', DEMO, ...NO_HOSTS, '--auto-approve', '--state', state], { timeoutMs: 200_000 });
      assert.equal(applied.code, 0, applied.stderr.slice(-3000));
      assert.ok(!hasStackTrace(applied.stderr));
      const events = eventsOf(applied.stdout);
      const finished = events.filter((e) => e.type === 'apply_finished');
      assert.equal(finished.length, 1);
      assert.equal(finished[0]!.data['failed'], 0);

      const source = env.sandbox.clouds.source.store;
      const target = env.sandbox.clouds.target.store;
      // demo servers move with source: delete; it-ops ops-* with keep-stopped. Each copy is in the
      // power state its source had before the move: ops-monitor was stopped, the others ran.
      for (const name of ['web-1', 'web-2', 'db-1', 'ops-bastion', 'ops-monitor', 'ops-bfv']) {
        const copy = target.servers.by('name', name)[0];
        const want = name === 'ops-monitor' ? 'SHUTOFF' : 'ACTIVE';
        assert.equal(copy?.status, want, `${name} is ${want} on the target, as on the source before the move`);
        assert.ok(copy!.tags.some((t) => t.startsWith('pumphouse-source=')), `${name} carries its mark`);
      }
      assert.equal(target.volumes.all().filter((v) => v.name === 'db-data').length, 1, 'the attached volume moved once');
      for (const name of ['web-1', 'web-2', 'db-1']) assert.equal(source.servers.by('name', name).length, 0, `${name} was deleted from the source`);
      for (const name of ['ops-bastion', 'ops-monitor']) assert.equal(source.servers.by('name', name)[0]?.status, 'SHUTOFF', `${name} is kept, stopped`);

      // Each source server was deleted only after the event saying its copy was verified.
      const verifiedAt = new Map(events.filter((e) => e.type === 'server_downtime' && e.data['outcome'] === 'migrated').map((e) => [String(e.data['server']), Date.parse(e.time)]));
      assert.equal(deletes.size, 3);
      for (const [name, id] of sourceIds) {
        const deleted = deletes.get(id);
        const verified = verifiedAt.get(`server:demo/${name}`);
        assert.ok(deleted !== undefined && verified !== undefined, `${name}: deleted and verified`);
        assert.ok(verified <= deleted, `${name}: copy verified (${verified}) before the source delete (${deleted})`);
      }

      assert.equal(statSync(env.files.path('demo.passwords.yaml')).mode & 0o777, 0o600, 'generated passwords are owner-only');
      const replanned = await runCli(['--config', env.config, 'plan', DEMO, ...NO_HOSTS, '--state', state]);
      assert.equal(replanned.code, 0, replanned.stderr);
      // The sources kept stopped are SHUTOFF because apply stopped them: not a difference.
      assert.doesNotMatch(replanned.stdout, /attributes\.status/);
      assert.match(replanned.stdout, /No changes\./);
      const again = await runCli(['--config', env.config, 'apply', DEMO, ...NO_HOSTS, '--auto-approve', '--state', state]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /No changes\./);
    } finally {
      await env.stop();
    }
  });

  test('a second apply is refused while one runs, naming the holder; Ctrl-C stops the first with exit 3 and a resume finishes', { timeout: 240_000 }, async () => {
    // web-1's copy hangs in BUILD, so the first apply is still running when the second starts.
    const env = await privateSandbox();
    try {
      const DEMO = demoPlan(env);
      const state = env.files.path('state.json');
      await fetch(`${env.sandbox.target.authUrl.replace('/identity/v3', '')}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ hang: [{ kind: 'server', name: 'web-1' }] }) });
      const first = spawn(process.execPath, [CLI, '--config', env.config, 'apply', DEMO, ...NO_HOSTS, '--auto-approve', '--state', state], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', PUMPHOUSE_POLL_MS: '50' } });
      let firstErr = '';
      first.stderr.on('data', (d: Buffer) => (firstErr += d.toString()));
      const exited = new Promise<number | null>((resolve) => first.on('close', (code) => resolve(code)));
      const deadline = Date.now() + 60_000;
      while (!/booting the copy/.test(firstErr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const second = await runCli(['--config', env.config, 'apply', DEMO, ...NO_HOSTS, '--auto-approve', '--state', state]);
      assert.equal(second.code, 1);
      assert.match(second.stderr, new RegExp(`locked by .*pid ${first.pid}`));
      first.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 500));
      first.kill('SIGINT');
      assert.equal(await exited, 3, firstErr.slice(-2000));
      await fetch(`${env.sandbox.target.authUrl.replace('/identity/v3', '')}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ hang: [] }) });
      const resumed = await runCli(['--config', env.config, 'apply', DEMO, ...NO_HOSTS, '--auto-approve', '--state', state], { timeoutMs: 200_000, env: { PUMPHOUSE_POLL_MS: '50' } });
      assert.equal(resumed.code, 0, resumed.stderr.slice(-3000));
      // The hung BUILD copy was found by its mark and waited for, never booted twice.
      assert.equal(env.sandbox.clouds.target.store.servers.by('name', 'web-1').length, 1);
    } finally {
      await env.stop();
    }
  });

  test('with 5 % errors, latency and tokens expiring mid-apply, the apply completes', { timeout: 300_000 }, async () => {
    const env = await privateSandbox({ faults: { errorRate: 0.05, latencyMs: 2, seed: 7 }, tokenTtlSeconds: 4 });
    try {
      const DEMO = demoPlan(env);
      const applied = await runCli(['--config', env.config, 'apply', DEMO, ...NO_HOSTS, '--auto-approve', '--state', env.files.path('state.json')], { timeoutMs: 280_000, env: { PUMPHOUSE_POLL_MS: '50' } });
      assert.equal(applied.code, 0, applied.stderr.slice(-3000));
      for (const name of ['web-1', 'web-2', 'db-1', 'ops-bastion', 'ops-monitor', 'ops-bfv']) {
        assert.equal(env.sandbox.clouds.target.store.servers.by('name', name).length, 1, `${name} exactly once on the target`);
      }
    } finally {
      await env.stop();
    }
  });

  test('a saved plan whose objects changed on the source is refused as stale', { timeout: 120_000 }, async () => {
    const env = await privateSandbox();
    try {
      const DEMO = demoPlan(env);
      const saved = env.files.path('plan.json');
      const planned = await runCli(['--config', env.config, 'plan', DEMO, ...NO_HOSTS, '--out', saved]);
      assert.equal(planned.code, 0, planned.stderr);
      const web1 = env.sandbox.clouds.source.store.servers.by('name', 'web-1')[0]!;
      web1.metadata = { ...web1.metadata, changed: 'after the review' };
      const applied = await runCli(['--config', env.config, 'apply', saved, '--auto-approve', '--state', env.files.path('state.json')]);
      assert.equal(applied.code, 1);
      assert.match(applied.stderr, /PH1602.*stale.*server:demo\/web-1/s);
      assert.match(applied.stderr, /pumphouse plan/);
      assert.equal(env.sandbox.clouds.target.store.servers.all().length, 0, 'nothing was changed');
      assert.ok(!readFileSync(saved, 'utf8').includes('secret'));
    } finally {
      await env.stop();
    }
  });

  test('a saved plan is stale when the target now has an object it creates', { timeout: 120_000 }, async () => {
    const env = await privateSandbox();
    try {
      const DEMO = demoPlan(env);
      const saved = env.files.path('plan.json');
      const planned = await runCli(['--config', env.config, 'plan', DEMO, ...NO_HOSTS, '--out', saved]);
      assert.equal(planned.code, 0, planned.stderr);
      const target = env.sandbox.clouds.target.store;
      const domain = target.domains.by('name', 'Default')[0]!;
      // Someone makes a project demo on the target after the review: the plan would create it.
      target.projects.insert({ id: 'f00dfeed00000000000000000000cafe', name: 'demo', domainId: domain.id, description: 'made by hand', enabled: true, tags: [], parentId: domain.id });
      const applied = await runCli(['--config', env.config, 'apply', saved, '--auto-approve', '--state', env.files.path('state.json')]);
      assert.equal(applied.code, 1);
      assert.match(applied.stderr, /PH1602.*stale.*project:demo \(the target has it now: project:demo\)/s);
      assert.equal(target.servers.all().length, 0, 'nothing was changed');
    } finally {
      await env.stop();
    }
  });

  test('migrate server NAME moves one server with what it needs', { timeout: 120_000 }, async () => {
    const env = await privateSandbox();
    try {
      const moved = await runCli(['--config', env.config, 'migrate', 'server', 'ops-bastion', '--map-network', 'public=admin_floating_net', '--auto-approve', '--state', env.files.path('state.json')], { env: { PUMPHOUSE_POLL_MS: '50' } });
      assert.equal(moved.code, 0, moved.stderr.slice(-3000));
      const target = env.sandbox.clouds.target.store;
      assert.equal(target.servers.by('name', 'ops-bastion')[0]?.status, 'ACTIVE');
      assert.equal(target.servers.all().length, 1, 'only that server');
      assert.ok(target.networks.by('name', 'it-ops-net').length === 1, 'its network came along');
    } finally {
      await env.stop();
    }
  });

  test('migrate volume NAME moves a detached volume with its project and keeps the source', { timeout: 120_000 }, async () => {
    const env = await privateSandbox();
    try {
      const moved = await runCli(['--config', env.config, 'migrate', 'volume', 'fin-archive', '--auto-approve', '--state', env.files.path('state.json')], { env: { PUMPHOUSE_POLL_MS: '50' } });
      assert.equal(moved.code, 0, moved.stderr.slice(-3000));
      const [source, target] = [env.sandbox.clouds.source.store, env.sandbox.clouds.target.store];
      const original = source.volumes.all().find((v) => v.name === 'fin-archive')!;
      const copies = target.volumes.all().filter((v) => v.name === 'fin-archive');
      assert.equal(copies.length, 1);
      assert.equal(copies[0]!.status, 'available');
      assert.equal(copies[0]!.sizeGb, original.sizeGb);
      assert.equal(copies[0]!.metadata['pumphouse_source'], original.id, 'the copy carries its mark');
      assert.equal(target.projects.by('name', 'finance')[0]?.id, copies[0]!.projectId, 'in the copy of its project');
      assert.equal(original.status, 'available', 'the source volume is kept');
      assert.equal(target.servers.all().length, 0, 'no server moved');
      assert.equal(target.volumes.all().filter((v) => v.name.startsWith('pumphouse-temp')).length, 0, 'no temporaries left');
    } finally {
      await env.stop();
    }
  });
});
