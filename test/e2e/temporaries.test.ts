import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { AnswerEntry } from '../../src/simulator/cloud.js';
import type { CloudStore } from '../../src/simulator/store.js';
import { CLI, REPO_ROOT, runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

/**
 * A temporary is on record before the call that creates it: a SIGKILL while the source makes it
 * (its id not yet known to apply) leaves an intent in the state, and `pumphouse cleanup` removes
 * the object by the name the intent gives; a resumed apply adopts it instead of making another.
 * The apply is killed once the source has served the call and before it answers (the sandbox's
 * `beforeAnswer`), so the kill lands in that window every time, however loaded the machine is.
 */
type Env = Awaited<ReturnType<typeof privateSandbox>>;
type Temporaries = Record<string, { kind: string; id?: string; name?: string }>;

/** The first source request `matches` picks: the volume step's creations, by their route. */
const UPLOAD = (e: AnswerEntry): boolean => e.method === 'POST' && /\/volumes\/[^/]+\/action$/.test(e.path);
const SNAPSHOT = (e: AnswerEntry): boolean => e.method === 'POST' && /\/volume\/v3\/[^/]+\/snapshots$/.test(e.path);

/** A sandbox whose apply (started by `apply`) is killed at the first source call `matches` picks, before its answer. */
async function killingSandbox(matches: (e: AnswerEntry) => boolean): Promise<{ env: Env; apply(): Promise<string | undefined> }> {
  let child: ReturnType<typeof spawn> | undefined;
  let killedAt: string | undefined;
  const env = await privateSandbox({
    beforeAnswer: (entry) => {
      if (!killedAt && child && entry.cloud === 'sandbox-source' && entry.status < 300 && matches(entry)) {
        killedAt = entry.path;
        child.kill('SIGKILL');
      }
    },
  });
  copyFileSync(`${REPO_ROOT}/plans/demo.yaml`, env.files.path('demo.yaml'));
  return {
    env,
    apply: async () => {
      child = undefined;
      await new Promise<number | null>((resolve) => {
        child = spawn(process.execPath, [CLI, ...applyArgs(env), '--parallelism', '1'], {
          cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', PUMPHOUSE_POLL_MS: '20' }, stdio: 'ignore',
        });
        child.on('close', resolve);
      });
      return killedAt;
    },
  };
}

const applyArgs = (env: Env): string[] => ['--config', env.config, 'apply', env.files.path('demo.yaml'), '--exclude', 'hypervisor:cmp-3', '--auto-approve', '--state', env.files.path('state.json')];
const recorded = (env: Env): Temporaries => JSON.parse(readFileSync(env.files.path('state.json'), 'utf8')).temporaries as Temporaries;
const temporaryNames = (store: CloudStore): string[] =>
  [...store.images.all(), ...store.volumes.all(), ...store.snapshots.all()].filter((o) => o.name.startsWith('pumphouse-temp-')).map((o) => o.name);

async function cleanup(env: Env): Promise<void> {
  const result = await runCli(['--config', env.config, 'cleanup', '--state', env.files.path('state.json')]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(temporaryNames(env.sandbox.clouds.source.store), [], 'no temporary left on the source');
  assert.deepEqual(recorded(env), {}, 'nothing left on record');
}

describe('temporaries survive a kill at their creation', () => {
  test('killed while the source uploads a volume to an image: cleanup removes that image', { timeout: 180_000 }, async () => {
    const { env, apply } = await killingSandbox(UPLOAD);
    try {
      assert.ok(await apply(), 'apply finished without uploading a volume');
      const uploaded = () => env.sandbox.clouds.source.store.images.all().filter((i) => i.name.startsWith('pumphouse-temp-'));
      assert.equal(uploaded().length, 1, 'the upload made its image before the kill');
      assert.ok(Object.values(recorded(env)).some((t) => t.kind === 'image' && t.id === undefined && t.name === uploaded()[0]?.name), 'the intent names the image');
      await cleanup(env);
    } finally {
      await env.stop();
    }
  });

  test('killed while the source snapshots an attached volume: cleanup removes the snapshot', { timeout: 180_000 }, async () => {
    const { env, apply } = await killingSandbox(SNAPSHOT);
    try {
      assert.ok(await apply(), 'apply finished without snapshotting a volume');
      const store = env.sandbox.clouds.source.store;
      const [snapshot] = store.snapshots.all().filter((s) => s.name.startsWith('pumphouse-temp-'));
      assert.ok(snapshot, 'the snapshot was made before the kill');
      assert.ok(Object.values(recorded(env)).some((t) => t.kind === 'volume-snapshot' && t.id === undefined && t.name === snapshot.name), 'the intent names the snapshot');
      await cleanup(env);
    } finally {
      await env.stop();
    }
  });

  test('killed while the source snapshots an attached volume: the resumed apply adopts that snapshot, nothing is left', { timeout: 300_000 }, async () => {
    const { env, apply } = await killingSandbox(SNAPSHOT);
    try {
      assert.ok(await apply(), 'apply finished without snapshotting a volume');
      const resumed = await runCli(applyArgs(env), { env: { PUMPHOUSE_POLL_MS: '20' }, timeoutMs: 240_000 });
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(env.sandbox.clouds.source.store.snapshots.all().filter((s) => s.name.startsWith('pumphouse-temp-')).length, 0, 'the snapshot the killed apply made is gone with the one the resumed apply used');
      await cleanup(env);
    } finally {
      await env.stop();
    }
  });
});
