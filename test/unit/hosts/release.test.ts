import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { releaseRunner } from '../../../src/hosts/release.js';
import { rejectsWithCode } from '../../helpers/coded.js';
import { KilledError } from '../../helpers/call-log.js';
import { fuelNode, HostWorld } from '../../helpers/host-fakes.js';

// release-host against in-memory Nova, Fuel and BMC: the host leaves the source and waits in
// Fuel's bootstrap, named after itself, in no environment.

const MAC = 'aa:bb:cc:00:00:03';

function world(): HostWorld {
  const w = new HostWorld({ change: { desired: 'released' } });
  w.bmc.onNetworkBoot = () => w.fuel.register([MAC]);
  return w;
}

describe('release-host', () => {
  test('services removed from the source, PXE-booted through the BMC, its node named after it and mapped', async () => {
    const w = world();
    const step = w.step('release-host');
    const runner = releaseRunner(w.h);
    assert.deepEqual(await step.attempt(runner), { observedDone: false, targetId: 'fuel-node:20' });
    assert.deepEqual(w.journal.calls, ['source.deleteService cmp-3 nova-compute', 'bmc.bootFromNetwork cmp-3', 'checkpoint pxeBootedAt', 'checkpoint nodeId', 'fuel.rename 20 cmp-3']);
    assert.equal(w.ledger.mapping(w.address), 'fuel-node:20');
    assert.deepEqual(await runner.observe(step.context()), { done: true });
  });

  test('killed while waiting for the host to register: the next attempt does not reset it again', async () => {
    const w = world();
    const step = w.step('release-host');
    w.journal.killAt(/^checkpoint nodeId/);
    await assert.rejects(releaseRunner(w.h).run(step.context()), KilledError);
    await releaseRunner(w.h).run(step.context());
    assert.equal(w.journal.matching(/bootFromNetwork/).length, 1);
    assert.equal(w.ledger.mapping(w.address), 'fuel-node:20');
  });

  test('a node Fuel already has in an environment: PH1669, not mapped', async () => {
    const w = world();
    w.fuel.addNode(fuelNode(7, { cluster: 1, macs: [MAC] }));
    await rejectsWithCode(releaseRunner(w.h).run(w.step('release-host').context()), 'PH1669', /node Untitled \(7\) \(#7\) is in environment #1/);
    assert.equal(w.ledger.mapping(w.address), undefined);
    assert.deepEqual(w.journal.matching(/^bmc/), [], 'found by its MAC: not reset');
  });

  test('without Fuel in pumphouse.yaml: PH1663 and the source keeps its services', async () => {
    const w = new HostWorld({ fuel: false });
    await rejectsWithCode(releaseRunner(w.h).run(w.step('release-host').context()), 'PH1663');
    assert.equal(w.sourceNova.serviceList.length, 1);
  });

  test('observe: not done while the mapped node is in an environment; verify fails then', async () => {
    const w = world();
    w.sourceNova.serviceList.length = 0;
    w.fuel.addNode(fuelNode(7, { cluster: 1 }));
    await w.ledger.saveMapping(w.address, 'fuel-node:7');
    const step = w.step('release-host');
    assert.deepEqual(await releaseRunner(w.h).observe(step.context()), { done: false });
    await assert.rejects(releaseRunner(w.h).verify(step.context()), /is not an unassigned bootstrap node/);
  });
});
