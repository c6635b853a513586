import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import type { CloudStore } from '../../src/simulator/store.js';
import { applyUntil as applyUntilEvent, type EventLine } from '../helpers/apply-until.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

// Crash safety: an apply SIGKILLed at 20+ different points (after each step kind, mid image
// stream, mid volume copy, mid server boot) and resumed each time ends exactly where an
// uninterrupted apply ends: nothing duplicated, nothing lost, and every source server either
// untouched, running again, or replaced by a verified copy.

type KillPoint = { name: string; hit: (e: EventLine) => boolean };

const finished = (prefix: string): KillPoint => ({ name: `after ${prefix}`, hit: (e) => e.type === 'step_finished' && e.data['outcome'] === 'done' && String(e.data['step']).startsWith(prefix) });
const phase = (prefix: string, text: RegExp): KillPoint => ({ name: `${prefix} ${text.source}`, hit: (e) => e.type === 'step_progress' && String(e.data['step']).startsWith(prefix) && text.test(String(e.data['phase'] ?? '')) });
const streaming = (prefix: string): KillPoint => ({ name: `${prefix} mid-stream`, hit: (e) => e.type === 'step_progress' && String(e.data['step']).startsWith(prefix) && typeof e.data['bytes'] === 'number' && (e.data['bytes'] as number) < ((e.data['totalBytes'] as number | undefined) ?? Infinity) });

const KILL_POINTS: KillPoint[] = [
  finished('create:project:'), finished('create:user:'), finished('create:role-assignment:'), finished('create:quota:'),
  finished('create:keypair:'), streaming('create:image:'), finished('create:image:'), finished('create:security-group:'),
  finished('sync-rules:'), finished('create:network:'), finished('create:subnet:'), finished('create:router:'),
  finished('create:port:'), finished('create:floating-ip:'), finished('create:server-group:'),
  phase('migrate-volume:', /snapshotting/), phase('migrate-volume:', /uploading/), streaming('migrate-volume:'),
  phase('migrate-volume:', /waiting for the volume/), finished('migrate-volume:'),
  phase('migrate-server:', /^stopping/), phase('migrate-server:', /snapshotting the server/), streaming('migrate-server:'),
  phase('migrate-server:', /waiting for the copy/), { name: 'copy verified', hit: (e) => e.type === 'server_downtime' }, finished('migrate-server:'),
];

/** Runs apply until the first remaining kill point, SIGKILLs it there; resolves which point hit (or none: it finished). */
async function applyUntilKill(config: string, plan: string, state: string, points: KillPoint[]): Promise<{ point?: KillPoint; code: number | null; stderr: string }> {
  let point: KillPoint | undefined;
  const args = ['--config', config, '--output', 'json', 'apply', plan, '--exclude', 'hypervisor:cmp-3', '--auto-approve', '--state', state, '--parallelism', '1'];
  const { code, stderr } = await applyUntilEvent(args, { PUMPHOUSE_POLL_MS: '20' }, (event) => (point = points.find((p) => p.hit(event))) !== undefined);
  return { ...(point ? { point } : {}), code, stderr };
}

/** The target as an operator would list it: names per kind (sorted), duplicates visible. */
function picture(store: CloudStore): Record<string, string[]> {
  const names = (rows: Array<{ name: string }>) => rows.map((r) => r.name).sort();
  return {
    projects: names(store.projects.all()), users: names(store.users.all()), flavors: names(store.flavors.all()),
    keypairs: store.keypairs.all().map((k) => `${store.users.get(k.userId)?.name ?? '?'}/${k.name}`).sort(),
    images: names(store.images.all().filter((i) => !i.name.startsWith('pumphouse-temp'))),
    networks: names(store.networks.all()), subnets: names(store.subnets.all()), routers: names(store.routers.all()),
    ports: store.ports.all().filter((p) => p.deviceOwner.startsWith('compute:')).map((p) => `${p.macAddress}`).sort(),
    floatingIps: store.floatingIps.all().map((f) => `${f.floatingIpAddress}→${f.portId ? 'port' : '-'}`).sort(),
    securityGroups: store.securityGroups.all().map((g) => `${store.projects.get(g.projectId)?.name ?? g.projectId}/${g.name}/${store.securityGroupRules.by('group', g.id).length}`).sort(),
    servers: store.servers.all().map((s) => `${s.name}:${s.status}`).sort(),
    volumes: store.volumes.all().map((v) => `${v.name}:${v.status}`).sort(),
  };
}

describe('apply survives SIGKILL anywhere', () => {
  test('killed at 20+ points and resumed, it ends as an uninterrupted apply does', { timeout: 600_000 }, async () => {
    const clean = await privateSandbox();
    const killed = await privateSandbox();
    try {
      const plan = (env: typeof clean) => {
        const path = env.files.path('demo.yaml');
        copyFileSync(`${REPO_ROOT}/plans/demo.yaml`, path);
        return path;
      };
      const reference = await runCli(['--config', clean.config, 'apply', plan(clean), '--exclude', 'hypervisor:cmp-3', '--auto-approve', '--state', clean.files.path('state.json')], { timeoutMs: 300_000, env: { PUMPHOUSE_POLL_MS: '20' } });
      assert.equal(reference.code, 0, reference.stderr.slice(-2000));

      const state = killed.files.path('state.json');
      const planPath = plan(killed);
      const remaining = [...KILL_POINTS];
      const hits: string[] = [];
      for (let run = 0; run < KILL_POINTS.length + 5; run++) {
        const result = await applyUntilKill(killed.config, planPath, state, remaining);
        if (!result.point) {
          assert.equal(result.code, 0, `the final resume succeeds: ${result.stderr.slice(-2000)}`);
          break;
        }
        hits.push(result.point.name);
        remaining.splice(remaining.indexOf(result.point), 1);
      }
      assert.ok(hits.length >= 20, `killed at ${hits.length} points (${hits.join('; ')})`);

      assert.deepEqual(picture(killed.sandbox.clouds.target.store), picture(clean.sandbox.clouds.target.store));
      // The source: the same servers gone (moved, source: delete), the same kept stopped, the rest untouched.
      const servers = (env: typeof clean) => env.sandbox.clouds.source.store.servers.all().map((s) => `${s.name}:${s.status}`).sort();
      assert.deepEqual(servers(killed), servers(clean));
      const replanned = await runCli(['--config', killed.config, 'plan', planPath, '--exclude', 'hypervisor:cmp-3', '--state', state]);
      assert.match(replanned.stdout, /No changes\./);
    } finally {
      await clean.stop();
      await killed.stop();
    }
  });
});
