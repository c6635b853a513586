import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { ExecutionPlan } from '../../../src/execution-plan/plan.js';
import { httpStatusOf, PumphouseError } from '../../../src/errors.js';
import { PlanShelf } from '../../../src/server/plan-shelf.js';
import { tempFiles } from '../../helpers/tmp.js';

// Plans posted to the API are kept on disk (api-plans/ beside the state), so they outlive a
// restart, and only so many for so long: the newest `keep`, none older than `maxAgeMs`. A plan
// that is gone is a 404 saying to post it again, never a crash or an unbounded folder.

const HOUR = 3_600_000;

function fakePlan(name: string): ExecutionPlan {
  return { plan: { name, file: `${name}.yaml`, fileHash: `hash-${name}` }, steps: [], changes: [] } as unknown as ExecutionPlan;
}

function notFound(work: () => unknown): PumphouseError {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof PumphouseError, String(error));
    assert.equal(httpStatusOf(error.code), 404);
    return error;
  }
  assert.fail('expected a 404');
}

test('posted plans are kept on disk, found again after a restart, and expire by count and by age', async () => {
  const files = tempFiles({});
  let now = Date.parse('2026-03-01T00:00:00Z');
  const clock = (): number => now;
  try {
    const dir = files.path('api-plans');
    const shelf = new PlanShelf(dir, { keep: 3, maxAgeMs: 24 * HOUR }, clock);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const draft = shelf.draft(`metadata: { name: p${i} }\n`);
      await shelf.keep({ id: draft.id, file: draft.file, createdAt: new Date(now).toISOString(), plan: fakePlan(`p${i}`) });
      ids.push(draft.id);
      now += 60_000;
    }
    assert.equal(readdirSync(dir).length, 6, 'three plans: their files and what they planned');
    for (const id of ids.slice(0, 2)) assert.match(notFound(() => shelf.get(id)).hint ?? '', /POST the plan file to \/v1\/plans again/);
    assert.equal(shelf.get(ids[4]!).plan.plan.name, 'p4');

    // A restart: the plans come back from disk.
    const restarted = new PlanShelf(dir, { keep: 3, maxAgeMs: 24 * HOUR }, clock);
    assert.deepEqual(ids.slice(2).map((id) => restarted.get(id).plan.plan.name), ['p2', 'p3', 'p4']);

    // A day later they are all too old, and the next post removes them.
    now += 25 * HOUR;
    const draft = restarted.draft('metadata: { name: late }\n');
    await restarted.keep({ id: draft.id, file: draft.file, createdAt: new Date(now).toISOString(), plan: fakePlan('late') });
    for (const id of ids) notFound(() => restarted.get(id));
    assert.equal(readdirSync(dir).length, 2);

    // A refused plan leaves nothing behind; an id that is not one is a 404, never a path.
    const refused = restarted.draft('kind: nonsense\n');
    restarted.discard(refused.id);
    assert.equal(readdirSync(dir).length, 2);
    notFound(() => restarted.get('../../state'));
  } finally {
    files.cleanup();
  }
});
