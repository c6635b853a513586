import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPlanFresh } from '../../../src/apply/stale.js';
import { makePlan } from '../../../src/execution-plan/make.js';
import type { ExecutionPlan } from '../../../src/execution-plan/plan.js';
import type { Inventory, InventoryResource } from '../../../src/inventory/model.js';
import { PumphouseError } from '../../../src/errors.js';
import { demoSource, desired, freshTarget, inventory, owned, resource, workload } from '../../helpers/small-inventory.js';

// A saved plan is stale when the target changed where its steps act (apply/stale.ts), not only
// the source: what it creates is there now, or what it updates changed.
const webOnly = desired({ workloads: [workload(0, { servers: { names: ['web-1'], ids: [], tags: [], hosts: [] } })] });
/** demo exists on the target with another description: the plan updates it. */
const targetDemo = (description: string) =>
  resource('project', 'demo', { id: 't-demo', refs: { domain: 'domain:Default' }, attributes: { enabled: true, description, tags: [] } });

function planAgainst(target: Inventory): ExecutionPlan {
  return makePlan({ desired: webOnly, source: demoSource(), target, now: new Date('2026-01-01T00:00:00Z') }).plan;
}
const plus = (target: Inventory, ...extra: InventoryResource[]): Inventory => inventory('target', [...target.resources, ...extra]);
const never = () => false;

function staleMessage(run: () => void): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof PumphouseError);
    assert.equal(error.code, 'PH1602');
    return error.message;
  }
  assert.fail('the plan was taken as fresh');
}

describe('a saved plan\'s stale check', () => {
  const target = freshTarget([targetDemo('the old one')]);
  const plan = planAgainst(target);

  test('the plan records the target objects its updates change, deterministically', () => {
    assert.equal(plan.changes.find((c) => c.address === 'project:demo')?.action, 'update');
    assert.deepEqual(Object.keys(plan.targetDigests), ['project:demo']);
    assert.deepEqual(planAgainst(target).targetDigests, plan.targetDigests);
  });

  test('unchanged clouds: fresh', () => {
    checkPlanFresh(plan, { source: demoSource(), target, mappings: {} }, never);
  });

  test('an object the plan creates is on the target now: stale, naming it', () => {
    const flavor = resource('flavor', 'm1.small', { id: 't-small', attributes: { vcpus: 1, ramMb: 2048, diskGb: 20 } });
    const message = staleMessage(() => checkPlanFresh(plan, { source: demoSource(), target: plus(target, flavor), mappings: {} }, never));
    assert.match(message, /flavor:m1\.small \(the target has it now: flavor:m1\.small\)/);
  });

  test('a port the plan creates is on the target now, on the network the plan matched: stale', () => {
    const withNet = freshTarget([targetDemo('the old one'), owned('network', 'demo', 'demo-net', { id: 't-net', project: { id: 't-demo', name: 'demo' }, attributes: { external: false, tags: [] } })]);
    const netPlan = planAgainst(withNet);
    assert.equal(netPlan.changes.find((c) => c.address === 'port:demo/p-web-1')?.action, 'create');
    const port = owned('port', 'demo', 'someone-s', { id: 't-port', project: { id: 't-demo', name: 'demo' }, refs: { network: 'network:demo/demo-net' }, attributes: { macAddress: 'fa:16:3e:00:00:01', fixedIps: [], tags: [] } });
    const message = staleMessage(() => checkPlanFresh(netPlan, { source: demoSource(), target: plus(withNet, port), mappings: {} }, never));
    assert.match(message, /port:demo\/p-web-1 \(the target has it now: port:demo\/someone-s\)/);
  });

  test('an object the plan updates changed on the target, or is gone: stale, naming it', () => {
    const changed = freshTarget([targetDemo('edited after the review')]);
    assert.match(staleMessage(() => checkPlanFresh(plan, { source: demoSource(), target: changed, mappings: {} }, never)), /project:demo \(project:demo changed on the target\)/);
    assert.match(staleMessage(() => checkPlanFresh(plan, { source: demoSource(), target: freshTarget(), mappings: {} }, never)), /project:demo \(project:demo is gone from the target\)/);
  });

  test('objects whose steps this state already started are exempt', () => {
    const flavor = resource('flavor', 'm1.small', { id: 't-small', attributes: { vcpus: 1, ramMb: 2048, diskGb: 20 } });
    checkPlanFresh(plan, { source: demoSource(), target: plus(target, flavor), mappings: {} }, (address) => address === 'flavor:m1.small');
  });
});
