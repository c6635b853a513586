import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CLI, REPO_ROOT, runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

/**
 * A temporary is on record before the call that creates it: a SIGKILL while the source makes it
 * (its id not yet known to apply) leaves an intent in the state, and `pumphouse cleanup` removes
 * the object by the name the intent gives.
 */
describe('temporaries survive a kill at their creation', () => {
  test('killed while the source uploads a volume to an image: cleanup removes that image', { timeout: 180_000 }, async () => {
    let child: ReturnType<typeof spawn> | undefined;
    let killedAt: string | undefined;
    const env = await privateSandbox({
      onRequest: (entry) => {
        // The first volume action on the source is os-volume_upload_image (of the attached volume's clone).
        if (!killedAt && entry.cloud === 'sandbox-source' && entry.method === 'POST' && /\/volumes\/[^/]+\/action$/.test(entry.path)) {
          killedAt = entry.path;
          child?.kill('SIGKILL');
        }
      },
    });
    try {
      const plan = env.files.path('demo.yaml');
      copyFileSync(`${REPO_ROOT}/plans/demo.yaml`, plan);
      const state = env.files.path('state.json');
      const code = await new Promise<number | null>((resolve) => {
        child = spawn(process.execPath, [CLI, '--config', env.config, 'apply', plan, '--exclude', 'hypervisor:cmp-3', '--auto-approve', '--state', state, '--parallelism', '1'], {
          cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', PUMPHOUSE_POLL_MS: '20' }, stdio: 'ignore',
        });
        child.on('close', resolve);
      });
      assert.ok(killedAt, `apply finished (exit ${code}) without uploading a volume`);
      const uploaded = () => env.sandbox.clouds.source.store.images.all().filter((i) => i.name.startsWith('pumphouse-temp-'));
      assert.equal(uploaded().length, 1, 'the upload made its image before the kill');
      const recorded = Object.values(JSON.parse(readFileSync(state, 'utf8')).temporaries as Record<string, { kind: string; id?: string; name?: string }>);
      assert.ok(recorded.some((t) => t.kind === 'image' && t.id === undefined && t.name === uploaded()[0]?.name), 'the intent names the image');

      const cleanup = await runCli(['--config', env.config, 'cleanup', '--state', state]);
      assert.equal(cleanup.code, 0, cleanup.stderr);
      assert.deepEqual(uploaded(), [], 'cleanup removed the image only the intent knew of');
      const store = env.sandbox.clouds.source.store;
      assert.deepEqual([...store.volumes.all(), ...store.snapshots.all()].filter((o) => o.name.startsWith('pumphouse-temp-')).map((o) => o.name), []);
      const after = JSON.parse(readFileSync(state, 'utf8')).temporaries as Record<string, unknown>;
      assert.deepEqual(after, {}, 'nothing left on record');
    } finally {
      await env.stop();
    }
  });
});
