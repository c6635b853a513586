import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Schedule } from '../../../src/apply/schedule.js';
import { resolveSelection } from '../../../src/desired/resolve.js';
import type { CutoverMode } from '../../../src/desired/model.js';
import { diffState } from '../../../src/diff/diff.js';
import { buildStepGraph } from '../../../src/graph/build.js';
import { InventoryLookup } from '../../../src/inventory/lookup.js';
import { demoSource, desired, freshTarget, workload } from '../../helpers/small-inventory.js';

// The priority apply gives each downtime step (smaller first): the server's estimated downtime,
// and before every other the step that continues a downtime begun (a cold server's own move
// after the volume step that stopped it). demoSource: web-1 with its volume web-data, web-2 without.

function schedule(cutovers: Record<'web-1' | 'web-2', CutoverMode>) {
  const source = demoSource();
  const want = desired({
    workloads: (['web-1', 'web-2'] as const).map((name, i) => workload(i, { cutover: cutovers[name], servers: { names: [name], ids: [], tags: [], hosts: [] } })),
  });
  const changeSet = diffState({ desired: want, selection: resolveSelection(want, source), source, target: freshTarget(), mappings: {} });
  const steps = new Map(buildStepGraph(changeSet, source, { target: [], exclude: [] }).steps.map((s) => [s.id, s]));
  const s = new Schedule(changeSet.changes, new InventoryLookup(source));
  const priority = (id: string) => {
    const found = steps.get(id);
    assert.ok(found, `${id} is a step of the plan`);
    return s.priorityOf(found);
  };
  const estimate = (name: string) => changeSet.changes.find((c) => c.address === `server:demo/${name}`)?.move?.downtimeSeconds;
  return { priority, estimate };
}

describe('the priority of downtime steps', () => {
  test('cold servers: their estimated downtime; the volume that stops web-1 carries web-1\'s, web-1\'s own move goes first of all', () => {
    const { priority, estimate } = schedule({ 'web-1': 'cold', 'web-2': 'cold' });
    assert.equal(priority('migrate-server:server:demo/web-2'), estimate('web-2'));
    assert.equal(priority('migrate-volume:volume:demo/web-data'), estimate('web-1'));
    assert.equal(priority('migrate-server:server:demo/web-1'), Number.NEGATIVE_INFINITY);
    // web-1 copies its 10 GiB volume besides its disk: its downtime is the longer.
    assert.ok(priority('migrate-volume:volume:demo/web-data') > priority('migrate-server:server:demo/web-2'));
  });

  test('a warm cutover, which copies nothing while down, goes before a cold move', () => {
    const { priority, estimate } = schedule({ 'web-1': 'warm', 'web-2': 'cold' });
    assert.equal(priority('migrate-server:server:demo/web-1'), estimate('web-1'));
    assert.ok(priority('migrate-server:server:demo/web-1') < priority('migrate-server:server:demo/web-2'));
  });
});
