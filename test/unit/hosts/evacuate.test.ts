import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evacuateRunner } from '../../../src/hosts/evacuate.js';
import type { HostChange } from '../../../src/diff/changes.js';
import { HostWorld, server } from '../../helpers/host-fakes.js';
import { rejectsWithCode } from '../../helpers/coded.js';

// evacuate-host against an in-memory Nova: each way of moving, what is waited for rather than
// moved, what fails (with its code), and the placement check before a host is forced down.

function world(change: Partial<HostChange> = {}): HostWorld {
  return new HostWorld({ change: { desired: 'evacuated', ...change } });
}


describe('evacuate-host', () => {
  test('live: each server live-migrated, a stopped one cold-migrated and its resize confirmed; then the host is empty', async () => {
    const w = world({ evacuate: 'live', parallelism: 1 });
    w.sourceNova.add(server('web-1', 'cmp-3'), server('db-1', 'cmp-3', { status: 'SHUTOFF' }), server('other', 'cmp-4'));
    const step = w.step('evacuate-host');
    const runner = evacuateRunner(w.h);
    assert.deepEqual(await runner.observe(step.context()), { done: false });
    await step.attempt(runner);
    assert.deepEqual(w.journal.calls, ['source.move web-1 live', 'source.move db-1 cold', 'source.confirmResize db-1']);
    assert.deepEqual(await w.sourceNova.serversOn('cmp-3'), []);
    assert.equal((await w.sourceNova.server('db-1'))?.status, 'ACTIVE');
    assert.deepEqual(await runner.observe(step.context()), { done: true });
  });

  test('the plan\'s destination hosts are passed on, and no more servers move at once than the plan says', async () => {
    const w = world({ evacuate: 'cold', to: ['cmp-7'], parallelism: 2 });
    w.sourceNova.add(server('a', 'cmp-3'), server('b', 'cmp-3'), server('c', 'cmp-3'));
    let inFlight = 0;
    let most = 0;
    const move = w.sourceNova.move.bind(w.sourceNova);
    w.sourceNova.move = async (...args) => {
      most = Math.max(most, ++inFlight);
      await move(...args);
    };
    const confirm = w.sourceNova.confirmResize.bind(w.sourceNova);
    w.sourceNova.confirmResize = async (id) => {
      inFlight--;
      await confirm(id);
    };
    await evacuateRunner(w.h).run(w.step('evacuate-host').context());
    assert.equal(most, 2);
    assert.deepEqual(w.journal.matching(/move/).sort(), ['source.move a cold to cmp-7', 'source.move b cold to cmp-7', 'source.move c cold to cmp-7']);
    assert.equal((await w.sourceNova.server('a'))?.host, 'cmp-7');
  });

  test('a server already migrating is waited for, not moved again; one being deleted is waited for until it is gone', async () => {
    const w = world();
    w.sourceNova.add(server('moving', 'cmp-3', { status: 'MIGRATING' }), server('dying', 'cmp-3', { taskState: 'deleting' }));
    w.sourceNova.scripts.set('moving', [{ status: 'MIGRATING' }, { status: 'ACTIVE', host: 'cmp-4' }]);
    w.sourceNova.scripts.set('dying', [{}, 'gone']);
    const step = w.step('evacuate-host');
    await step.attempt(evacuateRunner(w.h));
    assert.deepEqual(w.journal.calls, []);
    assert.ok(step.progress.some((p) => p.includes('waiting for dying (dying) to be deleted from cmp-3')));
  });

  test('a server that goes to ERROR: PH1662 naming it', async () => {
    const w = world();
    w.sourceNova.add(server('web-1', 'cmp-3'));
    w.sourceNova.scripts.set('web-1', [{ status: 'MIGRATING' }, { status: 'ERROR' }]);
    await rejectsWithCode(evacuateRunner(w.h).run(w.step('evacuate-host').context()), 'PH1662', /server web-1 \(web-1\) leaving cmp-3: the server went to ERROR/);
  });

  test('a migration Nova rolled back (the server still on the host): PH1662', async () => {
    const w = world();
    w.sourceNova.add(server('web-1', 'cmp-3'));
    w.sourceNova.scripts.set('web-1', [{ status: 'MIGRATING' }, { status: 'ACTIVE' }]);
    await rejectsWithCode(evacuateRunner(w.h).run(w.step('evacuate-host').context()), 'PH1662', /still on cmp-3 \(ACTIVE\)/);
  });

  test('a migration that never ends: PH1662 after the wait timeout', async () => {
    const w = new HostWorld({ waitTimeoutMs: 30 });
    w.sourceNova.add(server('web-1', 'cmp-3'));
    w.sourceNova.scripts.set('web-1', [{ status: 'MIGRATING' }]);
    await rejectsWithCode(evacuateRunner(w.h).run(w.step('evacuate-host').context()), 'PH1662', /leaving cmp-3: not after/);
  });

  test('target: servers still on the host were not in the plan: PH1661 naming them, nothing moved', async () => {
    const w = world({ evacuate: 'target' });
    w.sourceNova.add(server('late-1', 'cmp-3'));
    await rejectsWithCode(evacuateRunner(w.h).run(w.step('evacuate-host').context()), 'PH1661', /still on cmp-3 though the plan moved its servers to the target: late-1/);
    assert.deepEqual(w.journal.calls, []);
  });

  test('verify: a server left on the host fails the step with PH1661', async () => {
    const w = world();
    w.sourceNova.add(server('web-1', 'cmp-3', { status: 'SHUTOFF' }));
    await rejectsWithCode(evacuateRunner(w.h).verify(w.step('evacuate-host').context()), 'PH1661', /web-1 \(SHUTOFF\) still on cmp-3/);
  });
});

describe('evacuate-host by evacuation (the host is dead)', () => {
  /** cmp-3 is leaving with web-1 (anti-affinity group with web-2 on cmp-4); cmp-4 is the only other host. */
  function deadHost(): HostWorld {
    const w = world({ evacuate: 'evacuate' });
    w.sourceNova.add(server('web-1', 'cmp-3'));
    w.sourceNova.placement = {
      hypervisors: [
        { name: 'cmp-3.local', serviceHost: 'cmp-3', enabled: false, up: true, freeRamMb: 8192, freeDiskGb: 100 },
        { name: 'cmp-4', serviceHost: 'cmp-4', enabled: true, up: true, freeRamMb: 8192, freeDiskGb: 100 },
      ],
      servers: [
        { id: 'web-1', name: 'web-1', host: 'cmp-3.local', ramMb: 512, diskGb: 1 },
        { id: 'web-2', name: 'web-2', host: 'cmp-4', ramMb: 512, diskGb: 1 },
      ],
      groups: [],
    };
    return w;
  }

  test('the host is forced down after its servers are known to have somewhere to go, then each is rebuilt elsewhere', async () => {
    const w = deadHost();
    await evacuateRunner(w.h).run(w.step('evacuate-host').context());
    assert.deepEqual(w.journal.calls, ['source.placementSnapshot', 'source.forceDown cmp-3 true', 'source.move web-1 evacuate']);
  });

  test('anti-affinity leaves a server nowhere to go: PH1672 naming it and its group, and nothing is forced down', async () => {
    const w = deadHost();
    w.sourceNova.placement.groups = [{ name: 'web', policy: 'anti-affinity', members: ['web-1', 'web-2'] }];
    await rejectsWithCode(evacuateRunner(w.h).run(w.step('evacuate-host').context()), 'PH1672', /not forcing cmp-3 down: 1 server\(s\) would have nowhere to go — web-1 \(server group web, anti-affinity\)/);
    assert.deepEqual(w.journal.calls, ['source.placementSnapshot']);
    assert.equal((await w.sourceNova.computeService('cmp-3'))?.forcedDown, false);
  });

  test('a service already forced down is not forced again (a resumed step)', async () => {
    const w = deadHost();
    const svc = (await w.sourceNova.computeService('cmp-3'))!;
    await w.sourceNova.forceDown(svc, true);
    w.journal.calls.length = 0;
    await evacuateRunner(w.h).run(w.step('evacuate-host').context());
    assert.deepEqual(w.journal.calls, ['source.placementSnapshot', 'source.move web-1 evacuate']);
  });
});
