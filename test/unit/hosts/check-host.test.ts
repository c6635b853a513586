import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHostRunner } from '../../../src/hosts/check-host.js';
import { rejectsWithCode } from '../../helpers/coded.js';
import { fuelNode, HostWorld, type HostWorldOptions } from '../../helpers/host-fakes.js';

// check-host: the plan's fixed layout against the host's Fuel node, read only.

const layout = { disks: [{ name: 'sda', volumes: [{ name: 'os', size: 'rest' as const }] }], interfaces: [{ name: 'eth0', networks: ['fuelweb_admin'] }] };

function world(options: HostWorldOptions = {}): HostWorld {
  return new HostWorld({ change: { fuel: { roles: ['compute'], layout } }, ...options });
}

describe('check-host', () => {
  test('the layout is checked against the node Fuel knows by the host\'s PXE MAC; nothing is changed', async () => {
    const w = world();
    w.fuel.addNode(fuelNode(7, { macs: ['aa:bb:cc:00:00:03'] }));
    const step = w.step('check-host');
    assert.deepEqual(await step.attempt(checkHostRunner(w.h)), { observedDone: false, targetId: undefined });
    assert.deepEqual(w.journal.calls, ['fuel.fixedLayoutProblems 7 in 1']);
  });

  test('a layout that does not fit: PH1913 with every problem', async () => {
    const w = world();
    w.fuel.addNode(fuelNode(7, { macs: ['aa:bb:cc:00:00:03'] }));
    w.fuel.layoutProblems = ['no disk sda', 'no interface eth0'];
    await rejectsWithCode(checkHostRunner(w.h).run(w.step('check-host').context()), 'PH1913', /no disk sda; no interface eth0/);
  });

  test('a BMC-managed host Fuel has not seen yet is checked when it registers: the step passes and says so', async () => {
    const w = world();
    const step = w.step('check-host');
    await checkHostRunner(w.h).run(step.context());
    assert.deepEqual(w.journal.calls, []);
    assert.match(step.progress.join('\n'), /cmp-3 is not in Fuel yet/);
  });

  test('a Fuel-managed host is found by name; without such a node: PH1671', async () => {
    const w = world({ management: 'fuel' });
    await rejectsWithCode(checkHostRunner(w.h).run(w.step('check-host').context()), 'PH1671', /Fuel has no node of that name/);
    w.fuel.addNode(fuelNode(4, { name: 'cmp-3', cluster: 2 }));
    await checkHostRunner(w.h).run(w.step('check-host').context());
    assert.deepEqual(w.journal.calls, ['fuel.fixedLayoutProblems 4 in 1']);
  });

  test('without a layout in the plan nothing is asked; without Fuel a layout fails with PH1663', async () => {
    const plain = new HostWorld({ fuel: false });
    await checkHostRunner(plain.h).run(plain.step('check-host').context());
    assert.deepEqual(plain.journal.calls, []);
    const noFuel = world({ fuel: false });
    await rejectsWithCode(checkHostRunner(noFuel.h).run(noFuel.step('check-host').context()), 'PH1663');
  });
});
