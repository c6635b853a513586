import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { PasswordsFile } from '../../../src/apply/passwords.js';
import { PumphouseError } from '../../../src/errors.js';
import { StateStore } from '../../../src/state/store.js';
import { tempFiles } from '../../helpers/tmp.js';

// The files only their owner may read (the passwords file, the state) are written through a
// temporary another local user cannot have planted: created exclusively with an unpredictable
// name and mode 0600, whatever waits at `<file>.tmp`. A world-writable folder without the sticky
// bit (anyone could swap the file) and a passwords path that is a symbolic link are refused.

const isRoot = process.getuid?.() === 0;

/** Another user's file, as a hostile local user would leave it: mode 0666, owned by nobody when we can. */
function plant(path: string, content: string): void {
  writeFileSync(path, content);
  chmodSync(path, 0o666);
  if (isRoot) chownSync(path, 65534, 65534);
}

async function refusal(work: () => Promise<unknown>): Promise<PumphouseError> {
  try {
    await work();
  } catch (error) {
    assert.ok(error instanceof PumphouseError, String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

describe('private files', () => {
  test('the passwords file ignores a planted <file>.tmp: a symlink is not followed, a foreign file not reused', async () => {
    const files = tempFiles({ 'victim.txt': 'keep me\n' });
    try {
      const path = files.path('wave.passwords.yaml');
      symlinkSync(files.path('victim.txt'), `${path}.tmp`);
      const passwords = await PasswordsFile.open(path);
      await passwords.record('alice', 'pw-alice');
      assert.equal(readFileSync(files.path('victim.txt'), 'utf8'), 'keep me\n', 'the symlink target is untouched');
      assert.equal(lstatSync(path).isSymbolicLink(), false);
      assert.equal(statSync(path).mode & 0o777, 0o600);

      const other = files.path('other.passwords.yaml');
      plant(`${other}.tmp`, '');
      await (await PasswordsFile.open(other)).record('bob', 'pw-bob');
      const written = statSync(other);
      assert.equal(written.mode & 0o777, 0o600, 'mode 0600, not the planted 0666');
      assert.equal(written.uid, process.getuid?.(), 'owned by us, not by whoever planted the temporary');
      assert.match(readFileSync(other, 'utf8'), /bob: pw-bob/);
      assert.deepEqual(readdirSync(files.dir).filter((n) => n.endsWith('.tmp')).sort(), ['other.passwords.yaml.tmp', 'wave.passwords.yaml.tmp'], 'no temporary of ours is left behind');
    } finally {
      files.cleanup();
    }
  });

  test('a passwords path that is a symlink, or in a world-writable folder without the sticky bit, is refused with PH1607', async () => {
    const files = tempFiles({ 'victim.txt': 'keep me\n' });
    try {
      const link = files.path('link.passwords.yaml');
      symlinkSync(files.path('victim.txt'), link);
      const linked = await refusal(async () => (await PasswordsFile.open(link)).record('alice', 'pw'));
      assert.equal(linked.code, 'PH1607');
      assert.match(linked.message, /symbolic link/);
      assert.equal(readFileSync(files.path('victim.txt'), 'utf8'), 'keep me\n');

      const open = files.path('open');
      mkdirSync(open);
      chmodSync(open, 0o777);
      const unsafe = await refusal(async () => (await PasswordsFile.open(`${open}/p.yaml`)).record('alice', 'pw'));
      assert.equal(unsafe.code, 'PH1607');
      assert.match(unsafe.message, /world-writable/);
      chmodSync(open, 0o1777);
      await (await PasswordsFile.open(`${open}/p.yaml`)).record('alice', 'pw');
      assert.equal(statSync(`${open}/p.yaml`).mode & 0o777, 0o600, 'a sticky folder (like /tmp) is fine');
    } finally {
      files.cleanup();
    }
  });

  test('the state file ignores a planted state.json.tmp and refuses a world-writable folder without the sticky bit (PH1709)', async () => {
    const files = tempFiles({ 'victim.txt': 'keep me\n' });
    try {
      const path = files.path('state.json');
      symlinkSync(files.path('victim.txt'), `${path}.tmp`);
      const store = await StateStore.open(path, { command: 'test' });
      await store.update((s) => {
        s.mappings['network:demo/net'] = 'n-1';
      });
      await store.close();
      assert.equal(readFileSync(files.path('victim.txt'), 'utf8'), 'keep me\n');
      assert.equal(lstatSync(path).isSymbolicLink(), false);

      const other = files.path('b/state.json');
      mkdirSync(files.path('b'));
      plant(`${other}.tmp`, '');
      const second = await StateStore.open(other, { command: 'test' });
      await second.update((s) => {
        s.mappings['network:demo/net'] = 'n-1';
      });
      await second.close();
      assert.equal(statSync(other).mode & 0o777, 0o600);
      assert.equal(statSync(other).uid, process.getuid?.());

      const open = files.path('open');
      mkdirSync(open);
      chmodSync(open, 0o777);
      const unsafe = await refusal(async () => {
        const s = await StateStore.open(`${open}/state.json`, { command: 'test' });
        try {
          await s.update((doc) => {
            doc.mappings['x'] = 'y';
          });
        } finally {
          await s.close().catch(() => undefined);
        }
      });
      assert.equal(unsafe.code, 'PH1709');
      assert.match(unsafe.message, /world-writable/);
    } finally {
      files.cleanup();
    }
  });
});
