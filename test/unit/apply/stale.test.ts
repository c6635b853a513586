import type { Inventory } from '../../../src/inventory/model.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPlanFresh, startedByThisPlan } from '../../../src/apply/stale.js';
import { digestsOf, type ExecutionPlan } from '../../../src/execution-plan/plan.js';
import type { Change } from '../../../src/diff/changes.js';
import { PumphouseError } from '../../../src/errors.js';
import { demoSource, inventory } from '../../helpers/small-inventory.js';

// A plan is stale when a source object it changes is no longer as it was when the plan was made.
// Only a resume of that very plan excuses the objects its own steps already changed; the steps of
// another plan of the same file (applied since) are exactly what made it stale.

const migrate: Change = { address: 'server:demo/web-1', kind: 'server', action: 'migrate', differences: [], reason: '', impact: 'downtime', willNotSurvive: [] };

/** The clouds now: this source, an empty target, no mappings. */
function clouds(source: Inventory) {
  return { source, target: inventory('target', []), mappings: {} };
}

function planMadeAt(createdAt: string): ExecutionPlan {
  return {
    plan: { name: 'wave', file: 'wave.yaml', fileHash: 'h1' }, createdAt, changes: [migrate], sourceDigests: digestsOf([migrate], demoSource()), targetDigests: {},
    settings: { maps: { networks: {}, volumeTypes: {}, flavors: {}, availabilityZones: {} } },
  } as unknown as ExecutionPlan;
}

test('the server the plan moves is gone: stale, unless this very plan\'s apply moved it', () => {
  const now = inventory('source', demoSource().resources.filter((r) => r.address !== 'server:demo/web-1'));
  const early = planMadeAt('2026-01-01T10:00:00.000Z');
  const applied = planMadeAt('2026-01-01T10:05:00.000Z');
  const state = { plan: { name: 'wave', hash: 'h1', startedAt: '2026-01-01T10:06:00.000Z', madeAt: applied.createdAt }, steps: { 'migrate-server:server:demo/web-1': { status: 'done' as const, attempts: 1 } } };
  assert.doesNotThrow(() => checkPlanFresh(applied, clouds(now), startedByThisPlan(state, applied)), 'a resume of the plan that moved it');
  assert.throws(() => checkPlanFresh(early, clouds(now), startedByThisPlan(state, early)), (error: unknown) => error instanceof PumphouseError && error.code === 'PH1602' && /server:demo\/web-1 \(gone\)/.test(error.message));
  assert.throws(() => checkPlanFresh(applied, clouds(now), startedByThisPlan({ ...state, plan: { ...state.plan, madeAt: undefined } }, applied)), PumphouseError, 'a state that does not say which plan ran excuses nothing');
});
