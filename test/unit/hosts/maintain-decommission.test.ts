import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decommissionRunner } from '../../../src/hosts/decommission.js';
import { maintainRunner } from '../../../src/hosts/maintain.js';
import { rejectsWithCode } from '../../helpers/coded.js';
import { HostWorld, service } from '../../helpers/host-fakes.js';

// maintain-host and decommission-host against in-memory Nova and a BMC.

describe('maintain-host', () => {
  test('nova-compute is disabled with a reason naming the plan; then it is done', async () => {
    const w = new HostWorld();
    const step = w.step('maintain-host');
    const runner = maintainRunner(w.h);
    assert.deepEqual(await step.attempt(runner), { observedDone: false, targetId: undefined });
    assert.deepEqual(w.journal.calls, ['source.disableService cmp-3 pumphouse: plan wave-1 is upgrading this host']);
    assert.deepEqual(await runner.observe(step.context()), { done: true });
  });

  test('a host whose nova-compute is gone has moved past maintenance: done; run says so with PH1660', async () => {
    const w = new HostWorld();
    w.sourceNova.serviceList.length = 0;
    const step = w.step('maintain-host');
    assert.deepEqual(await maintainRunner(w.h).observe(step.context()), { done: true });
    await rejectsWithCode(maintainRunner(w.h).run(step.context()), 'PH1660', /no nova-compute service on cmp-3/);
  });

  test('verify fails while the service is still enabled', async () => {
    const w = new HostWorld();
    await assert.rejects(maintainRunner(w.h).verify(w.step('maintain-host').context()), /nova-compute is still enabled/);
  });
});

describe('decommission-host', () => {
  test('every Nova service of the host leaves the source, then the machine is powered off through its BMC', async () => {
    const w = new HostWorld({ change: { desired: 'decommissioned' } });
    w.sourceNova.serviceList.push(service('cmp-3', 'nova-conductor'), service('cmp-4'));
    const step = w.step('decommission-host');
    await step.attempt(decommissionRunner(w.h));
    assert.deepEqual(w.journal.calls, ['source.deleteService cmp-3 nova-compute', 'source.deleteService cmp-3 nova-conductor', 'bmc.powerOff cmp-3']);
    assert.deepEqual(w.sourceNova.serviceList.map((s) => s.host), ['cmp-4'], 'other hosts keep theirs');
    assert.deepEqual(await decommissionRunner(w.h).observe(step.context()), { done: true });
  });

  test('a machine already off is not powered off again; one without a BMC is left alone', async () => {
    const off = new HostWorld();
    off.bmc.state = 'off';
    await decommissionRunner(off.h).run(off.step('decommission-host').context());
    assert.deepEqual(off.journal.matching(/^bmc/), []);
    const fuelManaged = new HostWorld({ management: 'fuel' });
    await decommissionRunner(fuelManaged.h).run(fuelManaged.step('decommission-host').context());
    assert.equal(fuelManaged.powerAsked, 0);
  });

  test('a BMC that refuses fails the step with its error, after the services are gone', async () => {
    const w = new HostWorld();
    w.bmc.refuse = Object.assign(new Error('no answer from the BMC'), { code: 'PH1802' });
    await assert.rejects(decommissionRunner(w.h).run(w.step('decommission-host').context()), { code: 'PH1802' });
    assert.deepEqual(w.sourceNova.serviceList, []);
  });

  test('verify fails while the source still lists a service', async () => {
    const w = new HostWorld();
    await assert.rejects(decommissionRunner(w.h).verify(w.step('decommission-host').context()), /the source still lists nova-compute on cmp-3/);
  });
});
