import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PumphouseError } from '../../../src/errors.js';
import { removeStaleLock, StateLock, type LockHolder } from '../../../src/state/lock.js';
import { StateStore } from '../../../src/state/store.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { tempFiles } from '../../helpers/tmp.js';

const STORE_MODULE = JSON.stringify(join(REPO_ROOT, 'dist', 'src', 'state', 'store.js'));

/** Runs `body` (an async function body with `StateStore` and `path` in scope) in a child node. */
function runChild(path: string, body: string): Promise<{ code: number | null; stdout: string }> {
  const script = `import(${STORE_MODULE}).then(async ({ StateStore }) => { const path = ${JSON.stringify(path)}; ${body} });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('close', resolve));
  assert.ok(child.pid);
  return child.pid;
}

describe('state lock', () => {
  test('names its holder, is private, and leaves nothing behind once released', () => {
    const files = tempFiles({});
    try {
      const lock = StateLock.acquire(files.path('state.json.lock'), 'pumphouse apply plan.yaml');
      const written = JSON.parse(readFileSync(files.path('state.json.lock'), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(Object.keys(written).sort(), ['command', 'host', 'pid', 'startedAt', 'user']);
      assert.equal(written.command, 'pumphouse apply plan.yaml');
      assert.equal(written.pid, process.pid);
      assert.equal(written.host, hostname());
      assert.equal(statSync(files.path('state.json.lock')).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(files.dir), ['state.json.lock'], 'no draft left next to it');
      lock.release();
      assert.deepEqual(readdirSync(files.dir), []);
    } finally {
      files.cleanup();
    }
  });

  test('an unreadable lock is never taken over', () => {
    const files = tempFiles({ 'state.json.lock': '{"pid": 12' });
    try {
      assert.throws(() => StateLock.acquire(files.path('state.json.lock'), 'test'), (error: unknown) => {
        assert.ok(error instanceof PumphouseError);
        assert.equal(error.code, 'PH1710');
        assert.match(error.message, /locked by an unknown process \(the lock file is unreadable\)/);
        return true;
      });
    } finally {
      files.cleanup();
    }
  });

  test('a lock naming our own pid that we do not hold was left by a dead process that had it before', () => {
    const files = tempFiles({});
    try {
      // A restarted container numbers its processes afresh: the killed apply may have had our pid.
      const old = { command: 'pumphouse apply old.yaml', pid: process.pid, host: hostname(), user: 'x', startedAt: '2026-01-01T00:00:00Z' };
      writeFileSync(files.path('state.json.lock'), JSON.stringify(old));
      const lock = StateLock.acquire(files.path('state.json.lock'), 'test');
      assert.deepEqual(lock.tookOver, old);
      // But one we hold is not stale, even though its pid is alive and ours.
      assert.throws(() => StateLock.acquire(files.path('state.json.lock'), 'test'), /locked by "test"/);
      lock.release();
    } finally {
      files.cleanup();
    }
  });

  test('release leaves alone a lock that is no longer ours (unlocked by force, taken by another)', () => {
    const files = tempFiles({});
    try {
      const lock = StateLock.acquire(files.path('state.json.lock'), 'test');
      const other = JSON.stringify({ command: 'pumphouse apply other.yaml', pid: 1, host: 'elsewhere', user: 'x', startedAt: 'now' });
      writeFileSync(files.path('state.json.lock'), other);
      lock.release();
      assert.equal(readFileSync(files.path('state.json.lock'), 'utf8'), other);
    } finally {
      files.cleanup();
    }
  });

  test('a process that exits without closing its store releases the lock', async () => {
    const files = tempFiles({});
    try {
      const path = files.path('state.json');
      const result = await runChild(path, `
        const s = await StateStore.open(path, { command: 'pumphouse apply x.yaml' });
        await s.update((d) => { d.mappings.a = 'b'; });
        const { existsSync } = await import('node:fs');
        process.stdout.write(existsSync(path + '.lock') ? 'locked' : 'not locked');
        process.exit(0);`);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, 'locked');
      assert.equal(existsSync(`${path}.lock`), false);
    } finally {
      files.cleanup();
    }
  });

  test('a stale lock is removed only if it is still the one judged stale, and by one opener at a time', () => {
    const files = tempFiles({});
    try {
      const lockPath = files.path('state.json.lock');
      const dead: LockHolder = { command: 'pumphouse apply gone.yaml', pid: 999_999, host: hostname(), user: 'x', startedAt: 'then' };
      const fresh = JSON.stringify({ ...dead, command: 'pumphouse apply new.yaml', pid: process.pid, startedAt: 'now' });
      // Another opener took the dead lock over between our reading it and removing it.
      writeFileSync(lockPath, fresh);
      assert.equal(removeStaleLock(lockPath, dead), false);
      assert.equal(readFileSync(lockPath, 'utf8'), fresh, 'the new holder keeps its lock');
      // Another opener is taking it over right now (its guard is fresh): leave it to them.
      writeFileSync(lockPath, JSON.stringify(dead));
      writeFileSync(`${lockPath}.takeover`, '1');
      assert.equal(removeStaleLock(lockPath, dead), false);
      assert.equal(existsSync(lockPath), true);
      // A guard left by an opener killed mid-takeover is cleared once old, and the next try works.
      const old = new Date(Date.now() - 60_000);
      utimesSync(`${lockPath}.takeover`, old, old);
      assert.equal(removeStaleLock(lockPath, dead), false);
      assert.equal(existsSync(`${lockPath}.takeover`), false);
      assert.equal(removeStaleLock(lockPath, dead), true);
      assert.equal(existsSync(lockPath), false);
    } finally {
      files.cleanup();
    }
  });

  test('openers racing for the same stale lock: exactly one gets it', async () => {
    const files = tempFiles({});
    try {
      const path = files.path('state.json');
      writeFileSync(`${path}.lock`, JSON.stringify({ command: 'pumphouse apply gone.yaml', pid: await deadPid(), host: hostname(), user: 'x', startedAt: 'then' }));
      // All start at the same instant (busy-waiting for it; 4 s leaves a loaded machine time to
      // start four nodes), and the winner holds on long enough
      // for every other to find it alive.
      const at = Date.now() + 4000;
      const runs = Array.from({ length: 4 }, () => runChild(path, `
        while (Date.now() < ${at});
        try {
          const s = await StateStore.open(path, { command: 'racer ' + process.pid });
          process.stdout.write(s.tookOverStaleLock ? 'took over' : 'got a free lock');
          await new Promise((r) => setTimeout(r, 4000));
          await s.close();
        } catch (error) {
          process.stdout.write(error.code ?? String(error));
        }`));
      const outcomes = (await Promise.all(runs)).map((r) => r.stdout).sort();
      // Exactly one holder. Usually it is the one that took the stale lock over; on a loaded
      // machine another may slip in between the removal and the taker's own lock, which is as safe.
      assert.equal(outcomes.filter((o) => o === 'took over' || o === 'got a free lock').length, 1, outcomes.join(', '));
      assert.ok(outcomes.every((o) => o === 'took over' || o === 'got a free lock' || o === 'PH1710' || o === 'PH1712'), outcomes.join(', '));
      assert.equal(existsSync(`${path}.lock`), false);
      assert.equal(existsSync(`${path}.lock.takeover`), false);
    } finally {
      files.cleanup();
    }
  });
});
