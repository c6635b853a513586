import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { StateStore, readState } from '../../src/state/store.js';
import { hasStackTrace, runCli } from '../helpers/cli.js';
import { tempFiles } from '../helpers/tmp.js';

// `pumphouse state show | unlock` with the real CLI, on a state written by the real store. Both
// are offline: run from a folder with neither a config nor a cloud.
const files = tempFiles({});
after(() => files.cleanup());
const statePath = files.path('.pumphouse/state.json');
const lockPath = `${statePath}.lock`;
const state = (...args: string[]) => runCli(['state', ...args], { cwd: files.dir });
const FOREIGN_LOCK = JSON.stringify({ command: 'pumphouse apply plans/wave-1.yaml', pid: 4242, host: 'ops-7', user: 'ada', startedAt: '2026-11-25T10:42:01Z' });

before(async () => {
  const store = await StateStore.open(statePath, { command: 'test' });
  await store.update((s) => {
    s.clouds = { source: { authUrl: 'http://127.0.0.1:5000/v3' }, target: { authUrl: 'http://127.0.0.1:6000/v3' } };
    s.plan = { name: 'wave-1', hash: 'ab'.repeat(32), startedAt: '2026-11-25T10:40:00Z' };
    s.steps['create:network:demo/net'] = { status: 'done', attempts: 1 };
    s.steps['create:subnet:demo/sub'] = { status: 'failed', attempts: 3, error: { code: 'PH1630', message: 'subnet stuck in ERROR' } };
    s.steps['migrate-server:server:demo/web-1'] = { status: 'skipped', attempts: 0, error: { message: 'upstream failed: create:subnet:demo/sub' } };
    s.mappings['network:demo/net'] = 'n-1';
    s.downtime['server:demo/db-1'] = { stoppedAt: '2026-11-25T10:41:00Z', verifiedAt: '2026-11-25T10:41:42Z', seconds: 42 };
    s.temporaries['snapshot:demo/db-1'] = { cloud: 'source', kind: 'image', id: 'img-9', purpose: 'snapshot of server:demo/db-1', createdAt: '2026-11-25T10:41:05Z' };
  });
  await store.close();
});

describe('pumphouse state', () => {
  test('show: lineage, plan, counts per status, failed steps with their errors, downtime, temporaries', async () => {
    const written = await readState(statePath);
    const result = await state('show');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const out = result.stdout;
    assert.match(out, new RegExp(`lineage ${written?.lineage}, serial ${written?.serial}`));
    assert.match(out, /plan +"wave-1" \(abababababab…\)/);
    assert.match(out, /clouds +http:\/\/127\.0\.0\.1:5000\/v3 → http:\/\/127\.0\.0\.1:6000\/v3/);
    assert.match(out, /lock +free/);
    assert.match(out, /^Steps: 3 \(1 done, 1 failed, 1 skipped\)$/m);
    assert.match(out, /create:subnet:demo\/sub \(attempt 3\): PH1630 subnet stuck in ERROR/);
    assert.match(out, /server:demo\/db-1 +moved, 42\.0 s/);
    assert.match(out, /^Id mappings: 1$/m);
    assert.match(out, /source image img-9: snapshot of server:demo\/db-1/);
  });

  test('show --output json is the state itself', async () => {
    const result = await state('show', '--output', 'json');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), await readState(statePath));
  });

  test('show names the holder of a lock; unlock refuses without --force, and with it says whose lock it removed', async () => {
    writeFileSync(lockPath, FOREIGN_LOCK);
    try {
      const shown = await state('show');
      assert.match(shown.stdout, /lock +held by "pumphouse apply plans\/wave-1\.yaml" \(pid 4242 on host ops-7/);

      const refused = await state('unlock');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /PH1711: .*state\.json is locked by "pumphouse apply plans\/wave-1\.yaml" \(pid 4242 on host ops-7, user ada, since 2026-11-25T10:42:01Z\); not unlocking without --force/);
      assert.match(refused.stderr, /unlock --force/);
      assert.equal(hasStackTrace(refused.stderr), false, refused.stderr);
      assert.equal(existsSync(lockPath), true, 'the lock is still there');

      const forced = await state('unlock', '--force');
      assert.equal(forced.code, 0, forced.stderr);
      assert.match(forced.stdout, /Removed the lock of .*state\.json, held by "pumphouse apply plans\/wave-1\.yaml" \(pid 4242 on host ops-7/);
      assert.equal(existsSync(lockPath), false);

      const again = await state('unlock', '--force');
      assert.equal(again.code, 0);
      assert.match(again.stdout, /is not locked/);
    } finally {
      rmSync(lockPath, { force: true });
    }
  });

  test('a missing state file is a clear error, exit 1, no stack trace', async () => {
    const result = await state('show', '--state', 'nowhere/state.json');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /PH1706: there is no state file at nowhere\/state\.json/);
    assert.match(result.stderr, /--state PATH/);
    assert.equal(result.stdout, '');
    assert.equal(hasStackTrace(result.stderr), false, result.stderr);
  });

  test('a damaged state file is quoted, never echoed: control characters and an RTL override come out escaped', async () => {
    writeFileSync(files.path('hostile.json'), '{"formatVersion": \u202e\u001b[2J\u0007 1}');
    const result = await state('show', '--state', 'hostile.json');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /PH1702/);
    assert.doesNotMatch(result.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u, JSON.stringify(result.stderr));
    assert.match(result.stderr, /\\u202e/, 'the override is shown as an escape');
  });

  test('a state folder that cannot be written is PH1708 with a permissions hint, not an internal error', async () => {
    const dir = files.path('read-only');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    chmodSync(files.dir, 0o755);
    writeFileSync(files.path('config.yaml'), 'source: { auth: { auth_url: "http://127.0.0.1:9/v3", username: a, password: b, project_name: p } }\ntarget: { auth: { auth_url: "http://127.0.0.1:9/v3", username: a, password: b, project_name: p } }\n', { mode: 0o644 });
    writeFileSync(files.path('plan.yaml'), 'apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: x }\nspec:\n  workloads:\n    - projects: [demo]\n', { mode: 0o644 });
    // As root a mode does not stop a write: run as nobody then.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const result = await runCli(['--config', files.path('config.yaml'), 'apply', files.path('plan.yaml'), '--auto-approve', '--state', `${dir}/state.json`], { cwd: files.dir, ...asNobody });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /PH1708: cannot .*read-only/);
    assert.match(result.stderr, /permission/i);
    assert.doesNotMatch(result.stderr, /PH0001|bug in pumphouse/);
  });

  test('a damaged state file names itself and its backup, exit 1, no stack trace', async () => {
    writeFileSync(files.path('damaged.json'), '{"formatVersion": 1, "lin');
    const result = await state('show', '--state', 'damaged.json');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /PH1702: the state file damaged\.json is not valid JSON/);
    assert.match(result.stderr, /cp damaged\.json\.backup damaged\.json/);
    assert.equal(hasStackTrace(result.stderr), false, result.stderr);
  });
});
