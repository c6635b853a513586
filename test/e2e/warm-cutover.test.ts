import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import type { CloudStore } from '../../src/simulator/store.js';
import { applyUntil, type EventLine } from '../helpers/apply-until.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

// Warm cutover (plans/warm.yaml: web-* warm, db-1 cold) on the sandbox: the downtime of a warm
// server holds no copying; an apply SIGKILLed at every phase of a warm move (pre-copy snapshot,
// stream, boot, copy built, source stopped, floating IP released, copy started, verified) and
// resumed ends as an uninterrupted apply does, with one verified copy per server; a cutover that
// fails after the source stopped gives the floating IP back and starts the source again.

type Env = Awaited<ReturnType<typeof privateSandbox>>;
type KillPoint = { name: string; hit: (e: EventLine) => boolean };

const POLL = { PUMPHOUSE_POLL_MS: '20' };
const phase = (prefix: string, text: RegExp): KillPoint => ({ name: `${prefix} ${text.source}`, hit: (e) => e.type === 'step_progress' && String(e.data['step']).startsWith(prefix) && text.test(String(e.data['phase'] ?? '')) });
const streaming = (prefix: string): KillPoint => ({ name: `${prefix} mid-stream`, hit: (e) => e.type === 'step_progress' && String(e.data['step']).startsWith(prefix) && typeof e.data['bytes'] === 'number' && (e.data['bytes'] as number) < ((e.data['totalBytes'] as number | undefined) ?? Infinity) });
const finished = (prefix: string): KillPoint => ({ name: `after ${prefix}`, hit: (e) => e.type === 'step_finished' && e.data['outcome'] === 'done' && String(e.data['step']).startsWith(prefix) });
const WARM = 'migrate-server:server:demo/web-';

const KILL_POINTS: KillPoint[] = [
  phase('precopy-server:', /snapshotting the server/), phase('precopy-server:', /admin-down/), streaming('precopy-server:'), phase('precopy-server:', /waiting for the copy/),
  phase('precopy-server:', /stopping the pre-copy/), finished('precopy-server:'),
  phase(WARM, /^stopping/), phase(WARM, /released on the source/), phase(WARM, /ports admin state as the source's/), phase(WARM, /starting the copy on the target/),
  phase(WARM, /^starting the copy of/), { name: 'warm copy verified', hit: (e) => e.type === 'server_downtime' && String(e.data['server']).startsWith('server:demo/web-') },
];

function warmPlan(env: Env): string {
  const path = env.files.path('warm.yaml');
  copyFileSync(`${REPO_ROOT}/plans/warm.yaml`, path);
  return path;
}

async function applyUntilKill(env: Env, plan: string, state: string, points: KillPoint[]): Promise<{ point?: KillPoint; code: number | null; stderr: string }> {
  let point: KillPoint | undefined;
  const args = ['--config', env.config, '--output', 'json', 'apply', plan, '--auto-approve', '--state', state, '--parallelism', '1'];
  const { code, stderr } = await applyUntil(args, POLL, (event) => (point = points.find((p) => p.hit(event))) !== undefined);
  return { ...(point ? { point } : {}), code, stderr };
}

/** The target's servers, floating IPs (address → server) and images, and the source's servers and floating IPs. */
function picture(env: Env): Record<string, string[]> {
  const fips = (store: CloudStore) => store.floatingIps.all().map((f) => {
    const device = f.portId ? store.ports.get(f.portId)?.deviceId : undefined;
    return `${f.floatingIpAddress}→${device ? (store.servers.get(device)?.name ?? '?') : '-'}`;
  }).sort();
  const servers = (store: CloudStore) => store.servers.all().map((s) => `${s.name}:${s.status}`).sort();
  const [source, target] = [env.sandbox.clouds.source.store, env.sandbox.clouds.target.store];
  return {
    targetServers: servers(target), targetFloatingIps: fips(target), targetImages: target.images.all().map((i) => i.name).sort(),
    targetVolumes: target.volumes.all().map((v) => `${v.name}:${v.status}`).sort(),
    sourceServers: servers(source), sourceFloatingIps: fips(source), targetPorts: portStates(target),
  };
}

/** Each compute port of a store as MAC → admin state and status. */
function portStates(store: CloudStore): string[] {
  return store.ports.all().filter((p) => p.deviceOwner.startsWith('compute:')).map((p) => `${p.macAddress}:${p.adminStateUp ? 'up' : 'down'}:${p.status}`).sort();
}

/**
 * While an apply runs, samples (every 2 ms, in this process where the sandbox runs) the ports of
 * each running web-* copy whose source still runs too: the pre-copy's window, where the same MAC
 * and IP would otherwise be live on both clouds.
 */
function watchPrecopyPorts(env: Env): { samples: string[]; stop: () => void } {
  const [source, target] = [env.sandbox.clouds.source.store, env.sandbox.clouds.target.store];
  const samples: string[] = [];
  const timer = setInterval(() => {
    for (const copy of target.servers.all().filter((s) => s.name.startsWith('web-') && s.status === 'ACTIVE')) {
      if (source.servers.by('name', copy.name)[0]?.status !== 'ACTIVE') continue;
      for (const port of target.serverPorts(copy.id)) samples.push(`${copy.name} ${port.macAddress}:${port.adminStateUp ? 'up' : 'down'}:${port.status}`);
    }
  }, 2);
  return { samples, stop: () => clearInterval(timer) };
}

interface StateFile { downtime: Record<string, { stoppedAt?: string; verifiedAt?: string; seconds?: number }>; temporaries: Record<string, unknown> }
const stateOf = (path: string): StateFile => JSON.parse(readFileSync(path, 'utf8')) as StateFile;

describe('warm cutover', () => {
  test('a warm server is down for the cutover only; its floating IP keeps its address', { timeout: 300_000 }, async () => {
    const env = await privateSandbox();
    try {
      const plan = warmPlan(env);
      const planned = await runCli(['--config', env.config, 'plan', plan]);
      assert.match(planned.stdout, /server:demo\/web-1: disk writes after the snapshot \(cutover: warm\)/);
      assert.doesNotMatch(planned.stdout, /server:demo\/db-1: disk writes after the snapshot/);
      const state = env.files.path('state.json');
      const watch = watchPrecopyPorts(env);
      const run = await runCli(['--config', env.config, 'apply', plan, '--auto-approve', '--state', state], { timeoutMs: 200_000, env: POLL });
      watch.stop();
      assert.equal(run.code, 0, run.stderr.slice(-3000));
      // The pre-copies ran on admin-down ports: never reachable while their sources served.
      for (const name of ['web-1', 'web-2']) assert.ok(watch.samples.some((s) => s.startsWith(`${name} `)), `${name}: its pre-copy was seen running`);
      assert.deepEqual(watch.samples.filter((s) => !s.endsWith(':down:DOWN')), [], 'every port of a running pre-copy is admin-down and DOWN');
      const target = env.sandbox.clouds.target.store;
      for (const name of ['web-1', 'web-2', 'db-1']) assert.deepEqual(target.servers.by('name', name).map((s) => s.status), ['ACTIVE'], `${name}: one running copy`);
      const source = env.sandbox.clouds.source.store;
      const webFip = target.floatingIps.all().find((f) => f.floatingIpAddress === '203.0.113.104');
      assert.ok(webFip, 'web-1 keeps its floating IP address on the target');
      assert.equal(source.floatingIps.all().filter((f) => f.floatingIpAddress === '203.0.113.104').length, 0, 'released on the source');
      // db-1 moves cold: its stop, its snapshot and its stream are inside its downtime; web-*'s are not.
      const downtime = stateOf(state).downtime;
      const [web, db] = [downtime['server:demo/web-1']?.seconds ?? Infinity, downtime['server:demo/db-1']?.seconds ?? 0];
      assert.ok(web < db, `warm web-1 (${web} s) is down for less than cold db-1 (${db} s)`);
      assert.deepEqual(stateOf(state).temporaries, {}, 'no temporary left');
      // After the cutover each copy port is as its source port was (all enabled in the demo) and carries traffic.
      const sourcePorts = new Map(source.ports.all().map((p) => [p.macAddress, p.adminStateUp]));
      const copyPorts = target.ports.all().filter((p) => p.deviceOwner.startsWith('compute:'));
      assert.ok(copyPorts.length >= 3, `the copies' ports: ${portStates(target).join(', ')}`);
      for (const port of copyPorts) {
        assert.equal(port.adminStateUp, sourcePorts.get(port.macAddress), `${port.macAddress}: admin state as on the source`);
        assert.equal(port.status, 'ACTIVE', `${port.macAddress}: up on its running copy`);
      }
      const replanned = await runCli(['--config', env.config, 'plan', plan, '--state', state]);
      assert.match(replanned.stdout, /No changes\./, replanned.stderr.slice(-2000));
    } finally {
      await env.stop();
    }
  });

  test('killed at every warm phase and resumed, it ends as an uninterrupted apply does', { timeout: 600_000 }, async () => {
    const clean = await privateSandbox();
    const killed = await privateSandbox();
    try {
      const reference = await runCli(['--config', clean.config, 'apply', warmPlan(clean), '--auto-approve', '--state', clean.files.path('state.json')], { timeoutMs: 300_000, env: POLL });
      assert.equal(reference.code, 0, reference.stderr.slice(-2000));
      const state = killed.files.path('state.json');
      const plan = warmPlan(killed);
      const remaining = [...KILL_POINTS];
      const hits: string[] = [];
      for (let run = 0; run < KILL_POINTS.length + 5; run++) {
        const result = await applyUntilKill(killed, plan, state, remaining);
        if (!result.point) {
          assert.equal(result.code, 0, `the final resume succeeds: ${result.stderr.slice(-2000)}`);
          break;
        }
        hits.push(result.point.name);
        remaining.splice(remaining.indexOf(result.point), 1);
      }
      assert.ok(hits.length >= KILL_POINTS.length - 1, `killed at ${hits.length} of ${KILL_POINTS.length} points (${hits.join('; ')})`);
      assert.deepEqual(picture(killed), picture(clean));
      const replanned = await runCli(['--config', killed.config, 'plan', plan, '--state', state]);
      assert.match(replanned.stdout, /No changes\./);
      const cleanup = await runCli(['--config', killed.config, 'cleanup', '--state', state]);
      assert.equal(cleanup.code, 0, cleanup.stderr);
      assert.equal(killed.sandbox.clouds.source.store.images.all().filter((i) => i.name.startsWith('pumphouse-')).length, 0, 'no snapshot left on the source');
    } finally {
      await clean.stop();
      await killed.stop();
    }
  });

  test('a cutover that fails after the source stopped gives the floating IP back and starts the source', { timeout: 300_000 }, async () => {
    const env = await privateSandbox();
    try {
      const plan = warmPlan(env);
      const state = env.files.path('state.json');
      const narrow = ['--target', 'server:demo/web-*'];
      // The target's first two server actions stop the pre-copies; every later one (a cutover's start) is refused.
      env.sandbox.clouds.target.faults.update({ failCalls: [{ route: 'POST /compute/v2.1/servers/*/action', nth: 3, times: 1000, status: 400 }] });
      const failed = await runCli(['--config', env.config, 'apply', plan, ...narrow, '--auto-approve', '--state', state], { timeoutMs: 200_000, env: POLL });
      assert.equal(failed.code, 1, failed.stderr.slice(-3000));
      const [source, target] = [env.sandbox.clouds.source.store, env.sandbox.clouds.target.store];
      const web1 = source.servers.by('name', 'web-1')[0]!;
      assert.equal(web1.status, 'ACTIVE', 'the source runs again');
      const fip = source.floatingIps.all().find((f) => f.floatingIpAddress === '203.0.113.104');
      assert.ok(fip?.portId && source.ports.get(fip.portId)?.deviceId === web1.id, 'its floating IP is back on its port');
      assert.equal(target.floatingIps.all().filter((f) => f.floatingIpAddress === '203.0.113.104').length, 0, 'and gone from the target');
      assert.equal(target.servers.by('name', 'web-1').length, 0, 'the unverified copy is removed');
      assert.equal(target.floatingIps.all().length, 0, 'no floating IP left on the target');
      const web1Macs = new Set(source.ports.all().filter((p) => p.deviceId === web1.id).map((p) => p.macAddress));
      const left = target.ports.all().filter((p) => web1Macs.has(p.macAddress));
      assert.ok(left.length > 0 && left.every((p) => !p.adminStateUp), `no port of the removed copy is left enabled (${left.map((p) => `${p.macAddress}:${p.adminStateUp}`).join(', ')}; target: ${portStates(target).join(', ')} ${target.ports.all().map((p) => p.macAddress).join(' ')}; source ${[...web1Macs].join(' ')})`);
      env.sandbox.clouds.target.faults.update({ failCalls: [] });
      const again = await runCli(['--config', env.config, 'apply', plan, ...narrow, '--auto-approve', '--state', state], { timeoutMs: 200_000, env: POLL });
      assert.equal(again.code, 0, again.stderr.slice(-3000));
      for (const name of ['web-1', 'web-2']) assert.deepEqual(target.servers.by('name', name).map((s) => s.status), ['ACTIVE'], `${name}: the next apply pre-copies afresh and cuts over`);
      assert.ok(target.floatingIps.all().some((f) => f.floatingIpAddress === '203.0.113.104' && f.portId), 'web-1 has its address on the target');
      assert.deepEqual(source.floatingIps.all().filter((f) => f.floatingIpAddress === '203.0.113.104'), [], 'the address given back is released on the source again: never on both');
    } finally {
      await env.stop();
    }
  });
});
