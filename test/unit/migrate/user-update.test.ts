import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyWorld, changeLines, type ApplyWorld } from '../../helpers/apply-world.js';

// A user's default project, email and description changed on the target behind Pumphouse's back:
// the plan shows the update and apply puts each back (issue "Fidelity": the default project was lost).
const PLAN = 'identity: { projects: [demo], passwords: reset }\n';

describe('user updates', () => {
  let world: ApplyWorld;
  before(async () => {
    world = await applyWorld();
  });
  after(async () => world.stop());

  test('a default project, email and description that differ on the target are set back by apply', async () => {
    const first = await world.apply(await world.plan(PLAN));
    assert.equal(first.counts.failed, 0, JSON.stringify(first.problems));
    const target = world.sandbox.clouds.target.store;
    const demo = target.projects.all().find((p) => p.name === 'demo')!;
    const alice = target.users.by('name', 'alice')[0]!;
    assert.equal(alice.defaultProjectId, demo.id, 'the copy was created with its default project');

    target.users.update(alice, (u) => {
      delete u.defaultProjectId;
      u.email = 'someone-else@example.com';
      u.description = 'changed by hand';
    });
    const drifted = await world.plan(PLAN);
    const change = drifted.changes.find((c) => c.address === 'user:alice');
    assert.equal(change?.action, 'update');
    assert.deepEqual(change?.differences.map((d) => d.path).sort(), ['attributes.description', 'attributes.email', 'refs.defaultProject']);

    const second = await world.apply(drifted);
    assert.equal(second.counts.failed, 0, JSON.stringify(second.problems));
    const fixed = target.users.by('name', 'alice')[0]!;
    assert.equal(fixed.defaultProjectId, demo.id);
    assert.equal(fixed.email, 'alice@example.com');
    assert.equal(fixed.description ?? '', '');
    assert.deepEqual(changeLines(await world.plan(PLAN)), []);
  });

  test('a default project the source user does not have is cleared on the target', async () => {
    const source = world.sandbox.clouds.source.store;
    const target = world.sandbox.clouds.target.store;
    source.users.update(source.users.by('name', 'alice')[0]!, (u) => delete u.defaultProjectId);
    const plan = await world.plan(PLAN);
    assert.deepEqual(plan.changes.find((c) => c.address === 'user:alice')?.differences.map((d) => d.path), ['refs.defaultProject']);
    const report = await world.apply(plan);
    assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
    assert.equal(target.users.by('name', 'alice')[0]!.defaultProjectId, undefined);
  });
});
