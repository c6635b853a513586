import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PumphouseError } from '../../../src/errors.js';
import { StateStore, readState } from '../../../src/state/store.js';
import { REPO_ROOT } from '../../helpers/cli.js';
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
      assert.equal(statSync(path).mode & 0o777, 0o600, 'only its owner reads the state');
      assert.equal(existsSync(`${path}.tmp`), false);
      // Reopened, it goes on from where it was: same lineage, serials keep counting.
      const reopened = await StateStore.open(path, { command: 'test' });
      assert.equal(reopened.state.lineage, lineage);
      await reopened.update((s) => {
        s.mappings['subnet:demo/sub'] = 's-1';
      });
      assert.equal(reopened.state.serial, (again?.serial ?? 0) + 1);
      await reopened.close();
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

  test('updates arriving while a write is on its way share the next one, and resolve once on disk', async () => {
    const files = tempFiles({});
    try {
      const path = files.path('state.json');
      const store = await StateStore.open(path, { command: 'test' });
      const first = store.update((s) => {
        s.mappings.first = '1';
      });
      // Let the first write start (it counts itself as it begins), then pile updates up behind it.
      while (store.writes === 0) await new Promise((resolve) => setImmediate(resolve));
      const later = Array.from({ length: 500 }, (_, i) => store.update((s) => {
        s.mappings[`later-${i}`] = String(i);
      }));
      await first;
      await Promise.all(later);
      assert.equal(store.writes, 2, 'one write in flight, one queued for all the rest');
      const onDisk = await readState(path);
      assert.equal(onDisk?.mappings['later-499'], '499', 'resolved only once durable');
      await store.close();
    } finally {
      files.cleanup();
    }
  });

  test('a write that would hold a known secret is refused, and says where without saying what', async () => {
    const files = tempFiles({});
    try {
      const path = files.path('state.json');
      const password = 'hunter2-but-longer';
      const store = await StateStore.open(path, { command: 'test' }, { secrets: [password] });
      await store.update((s) => {
        s.steps['create:user:demo/alice'] = { status: 'done', attempts: 1 };
      });
      const written = readFileSync(path, 'utf8');
      await assert.rejects(store.update((s) => {
        s.steps['create:user:demo/bob'] = { status: 'failed', attempts: 1, error: { message: `400: {"password": "${password}"}` } };
      }), (error: unknown) => {
        assert.ok(error instanceof PumphouseError);
        assert.equal(error.code, 'PH1707');
        assert.match(error.message, /\/steps\/create:user:demo~1bob\/error\/message holds a known secret/);
        assert.doesNotMatch(`${error.message} ${error.hint}`, /hunter2/);
        return true;
      });
      assert.equal(readFileSync(path, 'utf8'), written, 'nothing reached the disk');
      assert.doesNotMatch(readFileSync(path, 'utf8'), /hunter2/);
      await store.close().catch(() => undefined);
    } finally {
      files.cleanup();
    }
  });

  test('a write that fails is an error naming the state file', async () => {
    const files = tempFiles({});
    try {
      const path = files.path('state.json');
      const store = await StateStore.open(path, { command: 'test' });
      mkdirSync(path); // a folder where the state goes: the write fails, as on a full disk or a read-only folder
      await assert.rejects(store.update((s) => {
        s.mappings.x = 'y';
      }), (error: unknown) => {
        assert.ok(error instanceof PumphouseError);
        assert.equal(error.code, 'PH1708');
        assert.match(error.message, /cannot write the state file .*state\.json:/);
        return true;
      });
      await store.close().catch(() => undefined);
      assert.equal(existsSync(`${path}.lock`), false, 'the lock is released all the same');
    } finally {
      files.cleanup();
    }
  });

  test('a note goes out with the next write; one that never reached the disk fails close, unless a later write carried it', async () => {
    const files = tempFiles({});
    try {
      const path = files.path('state.json');
      const store = await StateStore.open(path, { command: 'test' });
      store.note((s) => {
        s.mappings['server:demo/web-1'] = 'copy-1';
      });
      assert.equal(store.state.mappings['server:demo/web-1'], 'copy-1', 'in memory at once');
      await store.update((s) => {
        s.downtime['server:demo/web-1'] = { wasActive: true };
      });
      assert.equal(JSON.parse(readFileSync(path, 'utf8')).mappings['server:demo/web-1'], 'copy-1', 'the next durable write carried the note');

      renameSync(path, `${path}.kept`);
      mkdirSync(path); // writes fail from here on: a folder stands where the state goes
      store.note((s) => {
        s.mappings['server:demo/web-2'] = 'copy-2';
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      rmSync(path, { recursive: true });
      renameSync(`${path}.kept`, path);
      store.note((s) => {
        s.mappings['server:demo/web-3'] = 'copy-3';
      });
      await store.close();
      const written = JSON.parse(readFileSync(path, 'utf8')) as { mappings: Record<string, string> };
      assert.deepEqual(Object.keys(written.mappings).sort(), ['server:demo/web-1', 'server:demo/web-2', 'server:demo/web-3'], 'a later write carried the failed note');

      const again = await StateStore.open(path, { command: 'test' });
      rmSync(path);
      mkdirSync(path);
      again.note((s) => {
        s.mappings['server:demo/web-4'] = 'copy-4';
      });
      await assert.rejects(again.close(), (error: unknown) => error instanceof PumphouseError && error.code === 'PH1708', 'a note that never reached the disk fails close');
      assert.equal(existsSync(`${path}.lock`), false, 'the lock is released all the same');
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
      await assert.rejects(readState(files.path('state.json')), (error: unknown) => {
        assert.ok(error instanceof PumphouseError);
        assert.equal(error.code, 'PH1704');
        assert.match(error.message, /state\.json is not a Pumphouse state/);
        assert.match(error.hint ?? '', /cp .*state\.json\.backup .*state\.json/);
        return true;
      });
      writeFileSync(files.path('state.json'), JSON.stringify({ formatVersion: 2, lineage: 'x' }));
      await assert.rejects(readState(files.path('state.json')), (error: unknown) => {
        assert.ok(error instanceof PumphouseError);
        assert.equal(error.code, 'PH1703');
        assert.match(error.message, /state\.json has format 2, newer than this Pumphouse understands \(1\)/);
        return true;
      });
      // Opening a damaged file does not leave it locked.
      await assert.rejects(StateStore.open(files.path('state.json'), { command: 'test' }), /PH1703|newer/);
      assert.equal(existsSync(files.path('state.json.lock')), false);
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

  test('SIGKILLed at random moments 20 times, the file is always a valid state and the next run goes on', async () => {
    const files = tempFiles({});
    try {
      const path = files.path('state.json');
      // Opens the state (taking over the lock of the writer killed before), says so once its
      // first write is durable, then writes as fast as it can until it is killed.
      const script = `import(${JSON.stringify(join(REPO_ROOT, 'dist', 'src', 'state', 'store.js'))}).then(async ({ StateStore }) => {
        const s = await StateStore.open(${JSON.stringify(path)}, { command: 'writer' });
        await s.update((d) => { d.steps['step-' + d.serial] = { status: 'running', attempts: 1 }; });
        process.stdout.write('ready\\n');
        for (let i = 0; ; i++) {
          for (let j = 0; j < 50; j++) s.update((d) => { d.mappings['k' + ((i + j) % 500)] = 'v'.repeat((i * j) % 300); });
          await s.update((d) => { d.steps['step-' + (i % 100)] = { status: 'done', attempts: 1 }; });
        }
      });`;
      let lastSerial = 0;
      let lineage: string | undefined;
      for (let round = 0; round < 20; round++) {
        const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        const closed = new Promise((resolve) => child.on('close', resolve));
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', () => resolve());
          child.on('close', (code) => reject(new Error(`round ${round}: the writer exited (${code}) before writing`)));
        });
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 60)));
        child.kill('SIGKILL');
        await closed;
        const state = await readState(path);
        assert.ok(state, `round ${round}: the state file is there`);
        lineage ??= state.lineage;
        assert.equal(state.lineage, lineage, `round ${round}: the same state, continued`);
        assert.ok(state.serial > lastSerial, `round ${round}: serial ${state.serial} after ${lastSerial}: the writer took the dead one's lock over and wrote`);
        lastSerial = state.serial;
        if (existsSync(`${path}.backup`)) assert.ok(await readState(`${path}.backup`), `round ${round}: the backup is valid too`);
      }
    } finally {
      files.cleanup();
    }
  });
});
