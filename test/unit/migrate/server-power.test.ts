import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Change } from '../../../src/diff/changes.js';
import type { Server } from '../../../src/simulator/store.js';
import { POWER_STATE } from '../../../src/simulator/store.js';
import { applyWorld, SANDBOX_MAPS, type ApplyWorld } from '../../helpers/apply-world.js';

// A server's copy ends in the power state its source had before apply stopped it, and keeps its
// lock; the update runner brings both back when they drift. Against the demo sandbox's servers
// that boot from the small cirros image (demo/web-1, web-2, it-ops/ops-bastion), web-2 stopped
// and locked by the test.

const MOVE = (project: string, names: string[]) => `
workloads:
  - projects: [${project}]
    servers: { names: [${names.join(', ')}] }
    strategy: rebuild
    volumes: none
    source: keep-stopped
${SANDBOX_MAPS}`;

const stopped = (server: Server): void => {
  Object.assign(server, { status: 'SHUTOFF', vmState: 'stopped', taskState: null, powerState: POWER_STATE.SHUTDOWN });
};
const running = (server: Server): void => {
  Object.assign(server, { status: 'ACTIVE', vmState: 'active', taskState: null, powerState: POWER_STATE.RUNNING });
};
const serverIn = (world: ApplyWorld, cloud: 'source' | 'target', name: string): Server => {
  const server = world.sandbox.clouds[cloud].store.servers.by('name', name)[0];
  assert.ok(server, `${name} is on the ${cloud}`);
  return server;
};
const changeOf = (changes: readonly Change[], address: string): Change => {
  const change = changes.find((c) => c.address === address);
  assert.ok(change, `the plan has ${address}`);
  return change;
};
const attributePaths = (change: Change): string[] => change.differences.map((d) => d.path).filter((p) => p.startsWith('attributes.'));

const WEB = MOVE('demo', ['web-1', 'web-2']);
const PAIR = ['server:demo/web-1', 'server:demo/web-2'];

describe('server power state and lock', () => {
  let world: ApplyWorld;
  before(async () => {
    world = await applyWorld();
  });
  after(async () => {
    await world.stop();
  });

  test('a stopped source gives a stopped copy, a running one a running copy, a locked one a locked copy; the next plan sees no difference', async () => {
    stopped(serverIn(world, 'source', 'web-2'));
    serverIn(world, 'source', 'web-2').locked = true;
    const report = await world.apply(await world.plan(WEB));
    assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
    assert.equal(serverIn(world, 'target', 'web-2').status, 'SHUTOFF', 'stopped on the source before the move: stopped on the target');
    assert.equal(serverIn(world, 'target', 'web-2').locked, true, 'locked like its source');
    assert.equal(serverIn(world, 'target', 'web-1').status, 'ACTIVE', 'running before the move: running on the target');
    assert.equal(serverIn(world, 'target', 'web-1').locked, false);
    // Both sources are SHUTOFF now (keep-stopped), web-1 because apply stopped it.
    assert.equal(serverIn(world, 'source', 'web-1').status, 'SHUTOFF');

    const plan = await world.plan(WEB);
    for (const address of PAIR) {
      assert.deepEqual(attributePaths(changeOf(plan.changes, address)), [], `${address}: no attribute differs after the apply`);
    }
  });

  test('a copy whose power state or lock drifted is planned as an update and put back by apply', async () => {
    stopped(serverIn(world, 'target', 'web-1'));
    running(serverIn(world, 'target', 'web-2'));
    serverIn(world, 'target', 'web-2').locked = false;
    const plan = await world.plan(WEB);
    assert.deepEqual(changeOf(plan.changes, 'server:demo/web-1').differences.filter((d) => d.path === 'attributes.status'),
      [{ path: 'attributes.status', before: 'SHUTOFF', after: 'ACTIVE' }]);
    const web2 = changeOf(plan.changes, 'server:demo/web-2');
    assert.equal(web2.action, 'update');
    assert.deepEqual(web2.differences.filter((d) => d.path.startsWith('attributes.')),
      [{ path: 'attributes.status', before: 'ACTIVE', after: 'SHUTOFF' }, { path: 'attributes.locked', before: false, after: true }]);

    const report = await world.apply(await world.plan(WEB));
    assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
    assert.equal(serverIn(world, 'target', 'web-1').status, 'ACTIVE');
    assert.equal(serverIn(world, 'target', 'web-2').status, 'SHUTOFF');
    assert.equal(serverIn(world, 'target', 'web-2').locked, true);
    const again = await world.plan(WEB);
    for (const address of PAIR) {
      assert.deepEqual(attributePaths(changeOf(again.changes, address)), [], `${address}: put back`);
    }
  });
});

describe('server power state on resume', () => {
  test('a source this apply already stopped (a kill after the stop) still gives a running copy', async () => {
    const world = await applyWorld();
    try {
      // The first attempt recorded "was running" and stopped the source, then the process died.
      world.state.state.downtime['server:it-ops/ops-bastion'] = { wasActive: true, stoppedAt: new Date().toISOString() };
      stopped(serverIn(world, 'source', 'ops-bastion'));
      const report = await world.apply(await world.plan(MOVE('it-ops', ['ops-bastion'])));
      assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
      assert.equal(serverIn(world, 'target', 'ops-bastion').status, 'ACTIVE');
    } finally {
      await world.stop();
    }
  });

  test('a source apply started again after a failure, then stopped by someone else, gives a stopped copy', async () => {
    const world = await applyWorld();
    try {
      const earlier = new Date(Date.now() - 60_000).toISOString();
      world.state.state.downtime['server:it-ops/ops-bastion'] = { wasActive: true, stoppedAt: earlier, restartedAt: earlier, seconds: 1 };
      stopped(serverIn(world, 'source', 'ops-bastion'));
      const report = await world.apply(await world.plan(MOVE('it-ops', ['ops-bastion'])));
      assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
      assert.equal(serverIn(world, 'target', 'ops-bastion').status, 'SHUTOFF');
    } finally {
      await world.stop();
    }
  });
});
