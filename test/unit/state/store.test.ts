import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { PumphouseError } from '../../../src/errors.js';
import { StateStore, readState } from '../../../src/state/store.js';
import { tempFiles } from '../../helpers/tmp.js';

describe('state store', () => {
  test('creates, writes durably, reopens; keeps the previous version as a backup', async () => {
    const files = tempFiles({});
    try {
      const path = files.path('nested/state.json');
      const store = await StateStore.open(path, { command: 'test' });
      await store.update((s) => {
        s.mappings['network:demo/net'] = 'n-1';
      });
      await store.update((s) => {
        s.steps['create:network:demo/net'] = { status: 'done', attempts: 1 };
      });
      const lineage = store.state.lineage;
      await store.close();
      assert.equal(existsSync(`${path}.lock`), false, 'the lock is released');
      const again = await readState(path);
      assert.equal(again?.lineage, lineage);
      assert.equal(again?.mappings['network:demo/net'], 'n-1');
      assert.equal(again?.steps['create:network:demo/net']?.status, 'done');
      const backup = JSON.parse(readFileSync(`${path}.backup`, 'utf8')) as { serial: number };
      assert.equal(backup.serial, (again?.serial ?? 0) - 1, 'the backup is the version before the last');
    } finally {
      files.cleanup();
    }
  });

  test('updates of one turn of the event loop share one write', async () => {
    const files = tempFiles({});
    try {
      const store = await StateStore.open(files.path('state.json'), { command: 'test' });
      await Promise.all(Array.from({ length: 1000 }, (_, i) => store.update((s) => {
        s.mappings[`port:p/${i}`] = `t-${i}`;
      })));
      assert.ok(store.writes <= 2, `${store.writes} writes for 1000 updates`);
      await store.close();
      assert.equal(Object.keys((await readState(files.path('state.json')))?.mappings ?? {}).length, 1000);
    } finally {
      files.cleanup();
    }
  });

  test('a damaged file is an error naming the file and the backup', async () => {
    const files = tempFiles({ 'state.json': '{"formatVersion": 1, "lineage": ' });
    try {
      await assert.rejects(readState(files.path('state.json')), (error: unknown) => {
        assert.ok(error instanceof PumphouseError);
        assert.equal(error.code, 'PH1702');
        assert.match(error.message, /state\.json is not valid JSON/);
        assert.match(error.hint ?? '', /state\.json\.backup/);
        return true;
      });
      writeFileSync(files.path('state.json'), JSON.stringify({ formatVersion: 1, lineage: 'x' }));
      await assert.rejects(readState(files.path('state.json')), /PH1704|not a Pumphouse state/);
    } finally {
      files.cleanup();
    }
  });

  test('a second opener is refused and told who holds the lock; a dead holder is taken over', async () => {
    const files = tempFiles({});
    try {
      const path = files.path('state.json');
      const first = await StateStore.open(path, { command: 'pumphouse apply a.yaml' });
      await assert.rejects(StateStore.open(path, { command: 'pumphouse apply b.yaml' }), (error: unknown) => {
        assert.ok(error instanceof PumphouseError);
        assert.equal(error.code, 'PH1710');
        assert.match(error.message, new RegExp(`pumphouse apply a\\.yaml.*pid ${process.pid} on host ${hostname()}`));
        assert.match(error.hint ?? '', /state unlock --force/);
        return true;
      });
      await first.close();
      // A lock left by a process that died (SIGKILL) on this host is stale.
      const child = spawn(process.execPath, ['-e', '']);
      await new Promise((resolve) => child.on('close', resolve));
      writeFileSync(`${path}.lock`, JSON.stringify({ command: 'pumphouse apply gone.yaml', pid: child.pid, host: hostname(), user: 'x', startedAt: 'then' }));
      const taken = await StateStore.open(path, { command: 'pumphouse apply c.yaml' });
      assert.equal(taken.tookOverStaleLock?.pid, child.pid);
      await taken.close();
      // Another host's lock is never taken over.
      writeFileSync(`${path}.lock`, JSON.stringify({ command: 'pumphouse apply far.yaml', pid: 1, host: 'elsewhere', user: 'x', startedAt: 'then' }));
      await assert.rejects(StateStore.open(path, { command: 'test' }), /locked by .*host elsewhere/);
    } finally {
      files.cleanup();
    }
  });

  test('SIGKILLed mid-write, the file or its backup is always a valid state', async () => {
    const files = tempFiles({});
    try {
      const path = files.path('state.json');
      const script = `import('${process.cwd()}/dist/src/state/store.js').then(async ({ StateStore }) => {
        const s = await StateStore.open(${JSON.stringify(path)}, { command: 'writer' });
        for (let i = 0; ; i++) await s.update((d) => { d.mappings['k' + (i % 500)] = 'v'.repeat(i % 300); });
      });`;
      for (let round = 0; round < 20; round++) {
        const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
        // Once it writes (node starts slowly on a busy machine), kill it at a random moment.
        const firstWriteBy = Date.now() + 20_000;
        while (!existsSync(path) && Date.now() < firstWriteBy) await new Promise((resolve) => setTimeout(resolve, 10));
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 200)));
        child.kill('SIGKILL');
        await new Promise((resolve) => child.on('close', resolve));
        const state = await readState(path).catch(() => undefined) ?? await readState(`${path}.backup`);
        assert.ok(state, `round ${round}: a valid state survives`);
      }
    } finally {
      files.cleanup();
    }
  });
});
