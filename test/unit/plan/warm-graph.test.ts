import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Schedule } from '../../../src/apply/schedule.js';
import { resolveSelection } from '../../../src/desired/resolve.js';
import { diffState } from '../../../src/diff/diff.js';
import { buildStepGraph } from '../../../src/graph/build.js';
import { InventoryLookup } from '../../../src/inventory/lookup.js';
import { demoSource, desired, freshTarget, workload } from '../../helpers/small-inventory.js';

// A warm server's steps: its volume and pre-copy before its cutover, its floating IP inside the
// cutover (after what that needs); and the schedule apply walks them with.

function plan(cutover: 'cold' | 'warm') {
  const source = demoSource();
  const want = desired({ workloads: [workload(0, { cutover, servers: { names: ['web-1'], ids: [], tags: [], hosts: [] } })] });
  const changeSet = diffState({ desired: want, selection: resolveSelection(want, source), source, target: freshTarget(), mappings: {} });
  const steps = buildStepGraph(changeSet, source, { target: [], exclude: [] }).steps;
  return { steps, byId: new Map(steps.map((s) => [s.id, s])), changeSet, schedule: new Schedule(changeSet.changes, new InventoryLookup(source)) };
}

const SERVER = 'migrate-server:server:demo/web-1';
const PRECOPY = 'precopy-server:server:demo/web-1';
const VOLUME = 'migrate-volume:volume:demo/web-data';
const FIP = 'create:floating-ip:demo/203.0.113.7';

describe('warm cutover in the step graph', () => {
  test('warm: volume → pre-copy → cutover → floating IP; the cutover after the floating IP\'s router', () => {
    const { byId } = plan('warm');
    assert.ok(byId.get(PRECOPY)?.dependsOn.includes(VOLUME), 'the pre-copy waits for the volume copy');
    assert.ok(byId.get(SERVER)?.dependsOn.includes(PRECOPY), 'the cutover waits for the pre-copy');
    assert.ok(byId.get(FIP)?.dependsOn.includes(SERVER), 'the floating IP step comes after the cutover that moves it');
    assert.ok(!byId.get(SERVER)?.dependsOn.includes(FIP), 'and the cutover does not wait for it');
    assert.ok(byId.get(SERVER)?.dependsOn.includes('create:router:demo/demo-router'), 'the cutover waits for the router the floating IP needs');
  });

  test('cold: no pre-copy; the floating IP is allocated before the downtime', () => {
    const { byId } = plan('cold');
    assert.equal(byId.has(PRECOPY), false);
    assert.ok(byId.get(SERVER)?.dependsOn.includes(FIP));
  });

  test('the plan says a warm server loses the writes after its snapshot, and estimates its cutover only', () => {
    const warm = plan('warm').changeSet.changes.find((c) => c.address === 'server:demo/web-1');
    const cold = plan('cold').changeSet.changes.find((c) => c.address === 'server:demo/web-1');
    assert.ok(warm?.willNotSurvive.some((l) => l.startsWith('disk writes after the snapshot (cutover: warm)')));
    assert.ok(!cold?.willNotSurvive.some((l) => l.startsWith('disk writes after the snapshot')));
    assert.equal(warm?.impact, 'data-loss');
    assert.ok((warm?.move?.downtimeSeconds ?? Infinity) < (cold?.move?.downtimeSeconds ?? 0), 'the warm estimate is the cutover alone');
    assert.equal(warm?.move?.bytes, cold?.move?.bytes, 'the same data is copied, before the downtime');
  });

  test('schedule: a warm server\'s volume and pre-copy leave early and hold a copy slot; its cutover a host slot only', () => {
    const { byId, schedule } = plan('warm');
    assert.equal(schedule.phaseOf(byId.get(PRECOPY)!), 'early');
    assert.equal(schedule.phaseOf(byId.get(VOLUME)!), 'early');
    assert.equal(schedule.phaseOf(byId.get(SERVER)!), 'downtime');
    assert.deepEqual(schedule.limitsOf(byId.get(PRECOPY)!), ['copies']);
    assert.deepEqual(schedule.limitsOf(byId.get(SERVER)!), ['host:cmp-1']);
    const cold = plan('cold');
    assert.equal(cold.schedule.phaseOf(cold.byId.get(VOLUME)!), 'downtime', 'a cold server\'s attached volume is copied inside its downtime');
    assert.deepEqual(cold.schedule.limitsOf(cold.byId.get(SERVER)!), ['host:cmp-1', 'copies']);
  });
});
