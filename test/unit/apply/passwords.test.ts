import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';
import { PasswordsFile, warnUsersWithoutPasswords } from '../../../src/apply/passwords.js';
import { PumphouseError } from '../../../src/errors.js';
import { RecordingSink } from '../../../src/events/sink.js';
import type { Change } from '../../../src/diff/changes.js';
import type { Step } from '../../../src/graph/steps.js';
import { demoSource } from '../../helpers/small-inventory.js';
import { tempFiles } from '../../helpers/tmp.js';

// Passwords of copied users survive a resume: the file only ever gains entries, and a user that
// is on the target without its password in the file is named in a warning saying what to do.

const usersIn = (path: string): Record<string, string> => (YAML.parse(readFileSync(path, 'utf8')) as { users: Record<string, string> }).users;

test('a resumed apply adds to the passwords file: the first run\'s passwords stay', async () => {
  const files = tempFiles({});
  try {
    const path = files.path('wave.passwords.yaml');
    const first = await PasswordsFile.open(path);
    await first.record('alice', 'pw-alice');
    const resumed = await PasswordsFile.open(path);
    await resumed.record('bob', 'pw-bob');
    assert.deepEqual(usersIn(path), { alice: 'pw-alice', bob: 'pw-bob' });
    assert.equal(resumed.has('alice'), true);
  } finally {
    files.cleanup();
  }
});

test('passwords recorded at once (parallel user steps): each is in the file once its record returns', async () => {
  const files = tempFiles({});
  try {
    const path = files.path('wave.passwords.yaml');
    const sink = await PasswordsFile.open(path);
    const names = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    // Each record is checked the moment it returns: then its user is made on the target.
    await Promise.all(names.map(async (name) => {
      await sink.record(name, `pw-${name}`);
      assert.equal(usersIn(path)[name], `pw-${name}`, `${name} is in the file when its record returns`);
    }));
    assert.deepEqual(Object.keys(usersIn(path)).sort(), [...names].sort());
  } finally {
    files.cleanup();
  }
});

test('a passwords file that is not Pumphouse\'s is refused, never overwritten', async () => {
  const files = tempFiles({ 'p.yaml': '- a list, not the users mapping\n' });
  try {
    await assert.rejects(PasswordsFile.open(files.path('p.yaml')), (error: unknown) => error instanceof PumphouseError && error.code === 'PH1607');
    assert.equal(readFileSync(files.path('p.yaml'), 'utf8'), '- a list, not the users mapping\n');
  } finally {
    files.cleanup();
  }
});

test('a user on the target whose password the file lacks is named in a PH1609 warning with how to reset it', async () => {
  const files = tempFiles({});
  try {
    const path = files.path('wave.passwords.yaml');
    writeFileSync(path, YAML.stringify({ users: { carol: 'pw-carol' } }));
    const passwords = await PasswordsFile.open(path);
    const change = (address: string, action: Change['action']): Change => ({ address, kind: 'user', action, differences: [], reason: '', impact: 'none', willNotSurvive: [] });
    const step = (address: string): Step => ({ id: `create:${address}`, action: 'create', kind: 'user', address, dependsOn: [] });
    const source = demoSource();
    source.resources.push({ ...source.resources.find((r) => r.address === 'user:alice')!, address: 'user:carol', id: 'id-carol', name: 'carol' });
    source.resources.push({ ...source.resources.find((r) => r.address === 'user:alice')!, address: 'user:dave', id: 'id-dave', name: 'dave' });
    const events = new RecordingSink();
    warnUsersWithoutPasswords({
      // An earlier run of this state created alice (her password since lost from the file); carol
      // is in the file; dave's copy failed: not on the target; admin is the target's own user.
      changes: [change('user:alice', 'noop'), change('user:carol', 'create'), change('user:dave', 'create'), change('user:admin', 'noop')],
      steps: [step('user:carol'), step('user:dave')],
      records: { 'create:user:alice': { status: 'done', attempts: 1 }, 'create:user:carol': { status: 'done', attempts: 1 }, 'create:user:dave': { status: 'failed', attempts: 1 } },
      source,
      passwords,
      events,
    });
    const warnings = events.ofType('warning');
    assert.deepEqual(warnings.map((w) => w.data.code), ['PH1609']);
    assert.match(warnings[0]!.message, /user "alice" is on the target.*not in .*wave\.passwords\.yaml/);
    assert.match(String(warnings[0]!.data.hint), /openstack user set --password-prompt alice/);
  } finally {
    files.cleanup();
  }
});
