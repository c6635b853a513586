import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesiredState } from '../../../src/desired/model.js';
import { resolveSelection } from '../../../src/desired/resolve.js';
import { diffState, type StateMappings } from '../../../src/diff/diff.js';
import { buildStepGraph } from '../../../src/graph/build.js';
import type { Inventory } from '../../../src/inventory/model.js';
import { demoSource, desired, freshTarget, host, resource, workload } from '../../helpers/small-inventory.js';

// The Hosts wave at plan time: controllers (hosts with Nova services and no nova-compute), released
// hosts, the source's last controller, and servers whose server group leaves them nowhere to go.

/** The demo estate with web-2 in web-1's anti-affinity group and a controller, ctl-1. */
function source(): Inventory {
  const inventory = demoSource();
  for (const r of inventory.resources) if (r.address === 'server-group:demo/web-anti') r.refs = { members: ['server:demo/web-1', 'server:demo/web-2'] };
  inventory.resources.push(
    resource('compute-service', 'ctl-1/nova-conductor', { attributes: { host: 'ctl-1', binary: 'nova-conductor', status: 'enabled', state: 'up' } }),
    resource('compute-service', 'ctl-1/nova-scheduler', { attributes: { host: 'ctl-1', binary: 'nova-scheduler', status: 'enabled', state: 'up' } }),
  );
  return inventory;
}

function plan(fields: Partial<DesiredState>, mappings: StateMappings = {}, inventory = source()) {
  const d = desired(fields);
  const changeSet = diffState({ desired: d, selection: resolveSelection(d, inventory), source: inventory, target: freshTarget(), mappings });
  return { changeSet, steps: buildStepGraph(changeSet, inventory, { target: [], exclude: [] }).steps };
}

const hostOnly = (name: string, fields: Parameters<typeof host>[1] = {}) => host(name, { fuel: undefined, ...fields });

describe('host changes at plan time', () => {
  test('a server whose anti-affinity peer runs on the only host left is a conflict naming it, its group and why; nothing is planned for the host', () => {
    const { changeSet, steps } = plan({ hosts: [hostOnly('cmp-1', { state: 'evacuated', evacuate: 'evacuate' })] });
    const change = changeSet.changes.find((c) => c.address === 'hypervisor:cmp-1');
    assert.equal(change?.action, 'conflict');
    const d = changeSet.diagnostics.find((x) => x.code === 'PH1412');
    assert.equal(d?.severity, 'error');
    assert.equal(d?.message, 'spec.hosts: server web-1 (server group web-anti, anti-affinity) has nowhere to go from cmp-1: cmp-2 runs web-2 of its anti-affinity group web-anti');
    assert.match(d?.hint ?? '', /web-anti/);
    assert.deepEqual(steps.filter((s) => s.address === 'hypervisor:cmp-1'), [], 'a conflict has no step');
  });

  test('the same host, with web-2 moved to the target by the plan: no conflict, and the evacuation waits for web-2\'s migration', () => {
    const { changeSet, steps } = plan({
      workloads: [workload(0, { servers: { names: ['web-2'], ids: [], tags: [], hosts: [] } })],
      hosts: [hostOnly('cmp-1', { state: 'evacuated', evacuate: 'live' })],
    });
    assert.deepEqual(changeSet.diagnostics, []);
    const evacuate = steps.find((s) => s.id === 'evacuate-host:hypervisor:cmp-1');
    assert.ok(evacuate?.dependsOn.includes('migrate-server:server:demo/web-2'), JSON.stringify(evacuate));
  });

  test('a host the plan takes out is no destination', () => {
    const web2Alone = source();
    web2Alone.resources = web2Alone.resources.filter((r) => r.address !== 'server:demo/web-2');
    const { changeSet } = plan({ hosts: [hostOnly('cmp-1', { state: 'evacuated' }), hostOnly('cmp-2', { state: 'maintenance' })] }, {}, web2Alone);
    assert.match(changeSet.diagnostics[0]?.message ?? '', /web-1 .* cmp-2 is taken out by this plan \(maintenance\)/);
  });

  test('a controller is upgraded with controller by default, nothing to disable or move, after every other step', () => {
    const { changeSet, steps } = plan({
      workloads: [workload(0)],
      hosts: [hostOnly('cmp-1'), hostOnly('ctl-1', { abandon: ['*'] })],
    });
    assert.deepEqual(changeSet.diagnostics, []);
    const ctl = changeSet.changes.find((c) => c.address === 'hypervisor:ctl-1');
    assert.deepEqual(ctl?.host, { current: 'evacuated', desired: 'upgraded', evacuate: 'live', servers: [], to: [], controller: true, fuel: { roles: ['controller'] } });
    assert.deepEqual(steps.filter((s) => s.address === 'hypervisor:ctl-1').map((s) => s.action), ['upgrade-host']);
    const upgrade = steps.find((s) => s.id === 'upgrade-host:hypervisor:ctl-1');
    const others = steps.filter((s) => s.address !== 'hypervisor:ctl-1').map((s) => s.id);
    assert.ok(others.length > 10);
    assert.deepEqual(others.filter((id) => !upgrade?.dependsOn.includes(id)), [], 'it waits for every other step, the compute host\'s upgrade included');
  });

  test('taking the last controller while the source keeps workloads is refused, naming them; moving or abandoning them lifts it', () => {
    const refused = plan({ hosts: [host('ctl-1', { fuel: { roles: ['controller'] } })] });
    const d = refused.changeSet.diagnostics.find((x) => x.code === 'PH1411');
    assert.match(d?.message ?? '', /taking ctl-1, the source's last controller, would strand 3 workload\(s\) the plan neither moves nor abandons: server demo\/web-1, server demo\/web-2, volume demo\/web-data/);
    assert.equal(refused.changeSet.changes.find((c) => c.address === 'hypervisor:ctl-1')?.action, 'conflict');
    assert.deepEqual(plan({ hosts: [host('ctl-1', { abandon: ['web-*', 'demo/web-data'] })] }).changeSet.diagnostics, []);
    assert.deepEqual(plan({ workloads: [workload(0)], hosts: [host('ctl-1')] }).changeSet.diagnostics, [], 'the plan moves every server and volume');
    assert.equal(plan({ hosts: [hostOnly('ctl-1', { state: 'maintenance' })] }).changeSet.changes[0]?.reason, 'runs no nova-compute: nothing to disable or move');
  });

  test('released: evacuated, then released; once the state maps it to its Fuel node, done; gone before that, it is finished', () => {
    const { steps } = plan({ hosts: [hostOnly('cmp-2', { state: 'released', evacuate: 'live' })] }, {}, demoSource());
    assert.deepEqual(steps.map((s) => s.id), ['maintain-host:hypervisor:cmp-2', 'evacuate-host:hypervisor:cmp-2', 'release-host:hypervisor:cmp-2']);
    const gone = source();
    gone.resources = gone.resources.filter((r) => !r.address.includes('cmp-2') && r.address !== 'server:demo/web-2');
    const done = plan({ hosts: [hostOnly('cmp-2', { state: 'released' })] }, { 'hypervisor:cmp-2': 'fuel-node:9' }, gone);
    assert.deepEqual([done.changeSet.changes[0]?.action, done.changeSet.changes[0]?.reason], ['noop', 'already released']);
    const half = plan({ hosts: [hostOnly('cmp-2', { state: 'released' })] }, {}, gone);
    assert.deepEqual(half.steps.map((s) => s.id), ['release-host:hypervisor:cmp-2'], 'services already removed: the release goes on');
  });

  test('a fixed layout is checked before anything else of its host', () => {
    const layout = { disks: [{ name: 'sda', volumes: [{ name: 'os', size: 'rest' as const }] }], interfaces: [{ name: 'eth0', networks: ['fuelweb_admin'] }] };
    const { steps } = plan({ workloads: [workload(0)], hosts: [hostOnly('cmp-1', { fuel: { layout } })] });
    const chain = steps.filter((s) => s.address === 'hypervisor:cmp-1');
    assert.deepEqual(chain.map((s) => s.action), ['check-host', 'maintain-host', 'evacuate-host', 'upgrade-host']);
    assert.deepEqual(chain[1]?.dependsOn, ['check-host:hypervisor:cmp-1']);
  });
});
