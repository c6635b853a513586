import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudStore } from '../../../src/simulator/store.js';
import { applyWorld, SANDBOX_MAPS, type ApplyWorld } from '../../helpers/apply-world.js';

// Issue "Fidelity": the copies were owned by the admin user, and the owner's keypair was imported
// into the admin's keypairs as well. Apply boots a copy as its owner when it knows the owner's
// password on the target; otherwise as itself, with the key lent to it for the boot only.
const plan = (passwords: 'reset' | 'skip') =>
  `identity: { projects: [demo], passwords: ${passwords} }\nworkloads:\n  - { projects: [demo], servers: { names: ["web-*"] }, strategy: rebuild, source: keep }\n${SANDBOX_MAPS}`;

const userName = (store: CloudStore, id: string) => store.users.get(id)?.name;
const keypairsOf = (store: CloudStore, user: string) => store.keypairs.by('user', store.users.by('name', user)[0]!.id).map((k) => k.name).sort();
const copies = (store: CloudStore) => ['web-1', 'web-2'].map((name) => store.servers.by('name', name)[0]!);

async function withWorld(body: (world: ApplyWorld, target: CloudStore) => Promise<void>): Promise<void> {
  const world = await applyWorld();
  try {
    await body(world, world.sandbox.clouds.target.store);
  } finally {
    await world.stop();
  }
}

describe('who owns the copies', () => {
  test('passwords: reset: each copy is booted by, and owned by, its owner, with her key; nothing is left in the admin\'s keypairs', { timeout: 60_000 }, () => withWorld(async (world, target) => {
    const planned = await world.plan(plan('reset'));
    assert.deepEqual(planned.changes.flatMap((c) => c.willNotSurvive).filter((l) => l.startsWith('owner:')), []);
    const report = await world.apply(planned);
    assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
    for (const copy of copies(target)) {
      assert.equal(userName(target, copy.userId), 'alice', `${copy.name} is alice's`);
      assert.equal(copy.keyName, 'alice-key');
    }
    assert.deepEqual(keypairsOf(target, 'alice'), ['alice-key']);
    assert.deepEqual(keypairsOf(target, 'admin'), []);
    const again = await world.plan(plan('reset'));
    assert.deepEqual(again.changes.flatMap((c) => c.differences.map((d) => `${c.address} ${d.path}`)).filter((d) => d.endsWith('refs.owner')), []);
  }));

  test('passwords: skip: the plan says the admin will own them; the key is lent to the admin for each boot and taken back', { timeout: 60_000 }, () => withWorld(async (world, target) => {
    const planned = await world.plan(plan('skip'));
    const losses = planned.changes.filter((c) => c.kind === 'server').map((c) => c.willNotSurvive.find((l) => l.startsWith('owner:')));
    assert.deepEqual(losses, Array(2).fill('owner: the copy is owned by admin, not user:alice: Pumphouse sets no password for user:alice (passwords: skip), so it cannot boot the copy as them'));
    const report = await world.apply(planned);
    assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
    for (const copy of copies(target)) {
      assert.equal(userName(target, copy.userId), 'admin');
      assert.equal(copy.keyName, 'alice-key', `${copy.name} still boots with alice's key`);
    }
    assert.deepEqual(keypairsOf(target, 'alice'), ['alice-key']);
    assert.deepEqual(keypairsOf(target, 'admin'), [], 'the lent key is gone from the admin\'s keypairs');
    assert.deepEqual(world.state.state.temporaries, {});
  }));

  test('an owner whose login the target refuses: a warning, and the admin boots the copy', { timeout: 60_000 }, () => withWorld(async (world, target) => {
    const identityOnly = await world.apply(await world.plan('identity: { projects: [demo], passwords: reset }\n'));
    assert.equal(identityOnly.counts.failed, 0);
    target.users.update(target.users.by('name', 'alice')[0]!, (u) => (u.password = 'changed-by-someone'));
    const report = await world.apply(await world.plan(plan('reset')));
    assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
    const warnings = world.events.ofType('warning').filter((w) => w.data.code === 'PH1625');
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!.message, /refused the login of its owner user:alice/);
    assert.ok(!warnings.some((w) => w.message.includes('changed-by-someone')), 'no password in a message');
    for (const copy of copies(target)) assert.equal(userName(target, copy.userId), 'admin');
    assert.deepEqual(keypairsOf(target, 'admin'), []);
  }));
});

describe('keys lent to Pumphouse\'s user', () => {
  test('two owners\' different keys of one name take turns: each copy boots with its owner\'s key', { timeout: 60_000 }, () => withWorld(async (world, target) => {
    // alice's web-1/web-2 and bob's db-1 all use a key called "shared" — two different keys.
    const source = world.sandbox.clouds.source.store;
    for (const key of source.keypairs.all().filter((k) => ['alice-key', 'bob-key'].includes(k.name))) {
      source.keypairs.delete(key.id);
      source.keypairs.insert({ ...key, id: `${key.userId}/shared`, name: 'shared' });
    }
    for (const server of source.servers.all()) if (server.keyName === 'alice-key' || server.keyName === 'bob-key') source.servers.update(server, (s) => (s.keyName = 'shared'));
    const publicKeyOf = (store: CloudStore, user: string) => store.keypairs.by('user', store.users.by('name', user)[0]!.id).find((k) => k.name === 'shared')?.publicKey;
    // What was under "shared" in the booting user's keypairs when each copy was created.
    const bootedWith = new Map<string, string | undefined>();
    const insert = target.servers.insert.bind(target.servers);
    target.servers.insert = (row) => {
      bootedWith.set(row.name, target.keypairs.by('user', row.userId).find((k) => k.name === row.keyName)?.publicKey);
      return insert(row);
    };
    const plan = `identity: { projects: [demo], passwords: skip }\nworkloads:\n  - { projects: [demo], strategy: rebuild, source: keep }\n${SANDBOX_MAPS}`;
    const report = await world.apply(await world.plan(plan));
    assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
    assert.equal(bootedWith.get('web-1'), publicKeyOf(source, 'alice'));
    assert.equal(bootedWith.get('web-2'), publicKeyOf(source, 'alice'));
    assert.equal(bootedWith.get('db-1'), publicKeyOf(source, 'bob'));
    assert.notEqual(publicKeyOf(source, 'alice'), publicKeyOf(source, 'bob'));
    assert.deepEqual(keypairsOf(target, 'admin'), []);
    assert.deepEqual(world.state.state.temporaries, {});
  }));
});
