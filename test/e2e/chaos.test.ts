import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import YAML from 'yaml';
import type { Sandbox } from '../../src/simulator/sandbox.js';
import { CLI, REPO_ROOT, runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

/**
 * Chaos: the demo plan applied under SIGKILL at random moments (at least 30 kills over the runs)
 * with 10 % of every cloud call failing, and a first failure forced on the router interfaces and
 * the volume uploads. Every run must converge: no server running on both clouds (the demo plan
 * keeps no source running), no object made twice, no temporary left after `cleanup`, every
 * generated password in the passwords file and good for a login on the target, and the plan
 * after says "No changes.". The seed is printed, so a failing run can be replayed.
 */
const RUNS = 3;
const KILLS_PER_RUN = 10;
const KILLS = 30;
/**
 * A kill moment past the last event of an apply (a resumed one has less left to do) does not
 * land: that apply finishes and the run ends early. Runs are added, each from a fresh sandbox,
 * until KILLS have landed (at most MAX_RUNS).
 */
const MAX_RUNS = 8;
const SEED = Number(process.env['PUMPHOUSE_CHAOS_SEED'] ?? Date.now() % 100_000);

/** A small PRNG (mulberry32), so a seed replays the same kill moments. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Run {
  config: string;
  plan: string;
  state: string;
}

/** Runs apply; kills it after `killAfterEvents` events (undefined: lets it finish). */
function applyOnce(run: Run, killAfterEvents: number | undefined): Promise<{ killed: boolean; code: number | null; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--config', run.config, '--output', 'json', 'apply', run.plan, '--exclude', 'hypervisor:cmp-3', '--auto-approve', '--state', run.state], {
      cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', PUMPHOUSE_POLL_MS: '20' }, stdio: ['ignore', 'pipe', 'ignore'],
    });
    let events = 0;
    let killed = false;
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      events += chunk.toString().split('\n').length - 1;
      tail = (tail + chunk.toString()).slice(-4000);
      if (!killed && killAfterEvents !== undefined && events >= killAfterEvents) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('close', (code) => resolve({ killed, code, tail }));
  });
}

function duplicates(names: string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}

function checkConverged(sandbox: Sandbox, run: Run): void {
  const source = sandbox.clouds.source.store;
  const target = sandbox.clouds.target.store;
  const sourceRunning = new Set(source.servers.all().filter((s) => s.status === 'ACTIVE').map((s) => s.name));
  const onBoth = target.servers.all().filter((s) => s.status === 'ACTIVE' && sourceRunning.has(s.name)).map((s) => s.name);
  assert.deepEqual(onBoth, [], 'servers running on both clouds');
  const inProject = (rows: Array<{ projectId: string; name: string }>) => rows.map((r) => `${r.projectId}/${r.name}`);
  assert.deepEqual(duplicates(inProject(target.networks.all())), [], 'networks made twice');
  assert.deepEqual(duplicates(inProject(target.routers.all())), [], 'routers made twice');
  assert.deepEqual(duplicates(inProject(target.servers.all())), [], 'servers made twice');
  assert.deepEqual(duplicates(inProject(target.volumes.all())), [], 'volumes made twice');
  assert.deepEqual(duplicates(target.ports.all().map((p) => p.macAddress)), [], 'ports made twice');
  assert.deepEqual(duplicates(target.images.all().map((i) => i.name)), [], 'images made twice');
  const temporary = (name: string) => name.startsWith('pumphouse-temp-') || name.startsWith('pumphouse-snapshot-');
  for (const store of [source, target]) {
    // A snapshot server's copy boots from its snapshot's copy: that one image stays, in use.
    const inUse = new Set(store.servers.all().map((s) => s.imageId));
    const left = [...store.images.all().filter((i) => !inUse.has(i.id)), ...store.volumes.all(), ...store.snapshots.all()].filter((o) => temporary(o.name)).map((o) => o.name);
    assert.deepEqual(left, [], `temporaries left on ${store.meta.name}`);
  }
  const recorded = JSON.parse(readFileSync(run.state, 'utf8')) as { temporaries: Record<string, unknown> };
  assert.deepEqual(recorded.temporaries, {}, 'temporaries still on record');
}

/** Checks the users apply made on the target (`before`: the ids the target had before it; its own service users are not Pumphouse's). */
async function checkPasswords(sandbox: Sandbox, passwordsFile: string, before: ReadonlySet<string>): Promise<void> {
  assert.ok(existsSync(passwordsFile), 'the passwords file exists');
  const users = (YAML.parse(readFileSync(passwordsFile, 'utf8')) as { users: Record<string, string> }).users;
  const created = sandbox.clouds.target.store.users.all().filter((u) => !before.has(u.id));
  assert.ok(created.length > 0, 'apply made users on the target');
  for (const user of created) {
    const password = users[user.name];
    assert.ok(password, `the passwords file has ${user.name}`);
    const response = await fetch(`${sandbox.target.authUrl.replace(/\/$/, '')}/auth/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: user.name, domain: { id: user.domainId }, password } } } } }),
    });
    assert.equal(response.status, 201, `${user.name} logs in on the target with the password in the file`);
  }
}

describe(`chaos (seed ${SEED})`, () => {
  test(`${RUNS}+ runs, up to ${KILLS_PER_RUN} random kills each, ${KILLS}+ in all, 10 % errors: each converges`, { timeout: 2_400_000 }, async () => {
    const random = prng(SEED);
    let kills = 0;
    for (let r = 0; r < RUNS || (kills < KILLS && r < MAX_RUNS); r++) {
      const env = await privateSandbox({
        faults: {
          errorRate: 0.1, seed: SEED + r,
          failCalls: [{ route: 'PUT /network/v2.0/routers/*/add_router_interface', nth: 1 }, { route: 'POST /volume/v3/*/volumes/*/action', nth: 1 }],
        },
      });
      try {
        const run: Run = { config: env.config, plan: env.files.path('demo.yaml'), state: env.files.path('state.json') };
        copyFileSync(`${REPO_ROOT}/plans/demo.yaml`, run.plan);
        const usersBefore = new Set(env.sandbox.clouds.target.store.users.all().map((u) => u.id));
        for (let k = 0; k < KILLS_PER_RUN; k++) {
          const result = await applyOnce(run, 1 + Math.floor(random() * 120));
          if (result.killed) kills++;
          else if (result.code === 0) break;
        }
        let last = { killed: false, code: 1 as number | null, tail: '' };
        for (let attempt = 0; attempt < 3 && last.code !== 0; attempt++) last = await applyOnce(run, undefined);
        // The failing apply's last events say which step failed and why; a refused plan, the plan.
        const why = last.code === 0 ? '' : (await runCli(['--config', env.config, 'plan', run.plan, '--exclude', 'hypervisor:cmp-3', '--state', run.state])).stdout.slice(-4000);
        assert.equal(last.code, 0, `run ${r} (seed ${SEED}): apply converges after the kills; its last events:\n${last.tail}\nthe plan now:\n${why}`);
        const cleanup = await runCli(['--config', env.config, 'cleanup', '--state', run.state]);
        assert.equal(cleanup.code, 0, cleanup.stderr);
        checkConverged(env.sandbox, run);
        await checkPasswords(env.sandbox, env.files.path('demo.passwords.yaml'), usersBefore);
        for (const cloud of [env.sandbox.clouds.source, env.sandbox.clouds.target]) cloud.faults.update({ errorRate: 0, failCalls: [] });
        const replan = await runCli(['--config', env.config, 'plan', run.plan, '--exclude', 'hypervisor:cmp-3', '--state', run.state]);
        assert.match(replan.stdout, /No changes\./, `run ${r} (seed ${SEED}): ${replan.stdout.slice(-3000)}`);
      } finally {
        await env.stop();
      }
    }
    assert.ok(kills >= KILLS, `only ${kills} kills landed in ${MAX_RUNS} runs (seed ${SEED})`);
  });
});
