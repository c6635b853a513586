import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { PasswordsFile } from '../../../src/apply/passwords.js';
import { applyWorld } from '../../helpers/apply-world.js';
import { tempFiles } from '../../helpers/tmp.js';

// The passwords file is how Pumphouse later works as the users it created (booting their servers):
// a resumed apply must keep the passwords of earlier runs, and a password is written before its
// user exists, so a kill never leaves a user nobody knows the password of.
describe('the passwords file', () => {
  test('a resumed apply opens the file with the passwords it already holds, and keeps them', async () => {
    const files = tempFiles({});
    try {
      const path = files.path('wave.passwords.yaml');
      await (await PasswordsFile.open(path)).record('alice', 'first-run-secret');
      const resumed = await PasswordsFile.open(path);
      assert.equal(resumed.known('alice'), 'first-run-secret');
      await resumed.record('bob', 'second-run-secret');
      const text = readFileSync(path, 'utf8');
      assert.match(text, /alice: first-run-secret/);
      assert.match(text, /bob: second-run-secret/);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal((await PasswordsFile.open(files.path('none.yaml'))).known('alice'), undefined);
    } finally {
      files.cleanup();
    }
  });

  test('a user\'s password is recorded before the user is created', { timeout: 60_000 }, async () => {
    const world = await applyWorld();
    try {
      const target = world.sandbox.clouds.target.store;
      const existedWhenRecorded: string[] = [];
      const recorded: string[] = [];
      const passwords = {
        record: async (user: string) => {
          recorded.push(user);
          if (target.users.by('name', user).length > 0) existedWhenRecorded.push(user);
        },
        known: () => undefined,
      };
      const report = await world.apply(await world.plan('identity: { projects: [demo], passwords: reset }\n'), { passwords });
      assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
      assert.deepEqual(recorded.sort(), ['alice', 'bob']);
      assert.deepEqual(existedWhenRecorded, []);
    } finally {
      await world.stop();
    }
  });
});
