import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { upgradeRunner } from '../../../src/hosts/upgrade.js';
import { KilledError } from '../../helpers/call-log.js';
import { fuelNode, HostWorld, service, type HostWorldOptions } from '../../helpers/host-fakes.js';
import { rejectsWithCode } from '../../helpers/coded.js';

// upgrade-host against in-memory Nova, Fuel and BMC: the whole procedure in order, each failure
// with its code, and a resume after a kill in every phase that neither resets the host again nor
// provisions or deploys it twice.

const MAC = 'aa:bb:cc:00:00:03';

/** A BMC-managed cmp-3 whose PXE boot registers it with Fuel, a ready compute template (#2) in mos-9, and a deployment that brings nova-compute up in the target. */
function bmcWorld(options: HostWorldOptions = {}): HostWorld {
  const w = new HostWorld(options);
  w.fuel.addNode(fuelNode(2, { name: 'node-2', status: 'ready', cluster: 1, roles: ['compute'], hostname: 'node-2', fqdn: 'node-2.domain.tld', macs: ['aa:00:00:00:00:02'] }));
  w.bmc.onNetworkBoot = () => w.fuel.register([MAC]);
  w.fuel.onDeployed = (node) => w.targetNova.serviceList.push(service(node.hostname!));
  return w;
}


describe('upgrade-host through a BMC', () => {
  test('PXE boot, named, assigned, laid out like the template, provisioned, deployed, serving, then gone from the source', async () => {
    const w = bmcWorld();
    const step = w.step('upgrade-host');
    const runner = upgradeRunner(w.h);
    const result = await step.attempt(runner);
    assert.deepEqual(result, { observedDone: false, targetId: 'node-20' });
    assert.deepEqual(w.journal.calls.filter((c) => !c.startsWith('fuel.task ')), [
      'bmc.bootFromNetwork cmp-3', 'checkpoint pxeBootedAt', 'checkpoint nodeId',
      'fuel.rename 20 cmp-3', 'fuel.assign 1 20 compute', 'fuel.copyLayout 20 from 2 in 1',
      'fuel.provision 1 20', 'checkpoint provisionTaskId',
      'fuel.deploy 1 20', 'checkpoint deployTaskId',
      'source.deleteService cmp-3 nova-compute',
    ]);
    assert.equal(w.ledger.mapping(w.address), 'node-20', 'the state maps the host to the target compute host');
    assert.equal(step.checkpoint['nodeId'], 20);
    assert.deepEqual(await runner.observe(step.context()), { done: true, targetId: 'node-20' }, 'a later apply finds it done');
  });

  test('the plan\'s fixed layout is checked before the node is assigned, then applied instead of a copy', async () => {
    const layout = { disks: [{ name: 'sda', volumes: [{ name: 'os', size: 'rest' as const }] }], interfaces: [{ name: 'eth0', networks: ['fuelweb_admin'] }] };
    const w = bmcWorld({ change: { fuel: { roles: ['compute'], layout } } });
    await w.step('upgrade-host').attempt(upgradeRunner(w.h));
    assert.deepEqual(w.journal.matching(/^fuel\.(assign|fixedLayout|applyFixed|copyLayout)/), ['fuel.fixedLayoutProblems 20 in 1', 'fuel.assign 1 20 compute', 'fuel.applyFixedLayout 20 in 1']);
  });

  test('a fixed layout that does not fit: PH1913 and the node is left unassigned', async () => {
    const layout = { disks: [{ name: 'sdz', volumes: [] }], interfaces: [] };
    const w = bmcWorld({ change: { fuel: { roles: ['compute'], layout } } });
    w.fuel.layoutProblems = ['no disk sdz'];
    await rejectsWithCode(upgradeRunner(w.h).run(w.step('upgrade-host').context()), 'PH1913', /no disk sdz/);
    assert.deepEqual(w.journal.matching(/^fuel\.assign/), []);
    assert.equal((await w.fuel.node(20)).cluster, null);
  });

  test('a BMC that refuses: its error, with nothing saved and nothing sent to Fuel', async () => {
    const w = bmcWorld();
    const refused = Object.assign(new Error('the BMC refused the credentials'), { code: 'PH1801', hint: 'check hosts.cmp-3.bmc' });
    w.bmc.refuse = refused;
    const step = w.step('upgrade-host');
    await assert.rejects(upgradeRunner(w.h).run(step.context()), (error) => error === refused);
    assert.deepEqual(step.checkpoint, {});
    assert.deepEqual(w.journal.matching(/^fuel\./), []);
  });

  test('a host that never registers with Fuel: PH1665 naming its MAC; the next attempt waits again without a second reset', async () => {
    const w = bmcWorld({ discoverTimeoutMs: 30 });
    w.bmc.onNetworkBoot = () => undefined;
    const step = w.step('upgrade-host');
    await rejectsWithCode(upgradeRunner(w.h).run(step.context()), 'PH1665', new RegExp(MAC));
    w.fuel.register([MAC]);
    await upgradeRunner(w.h).run(step.context());
    assert.equal(w.journal.matching(/bootFromNetwork/).length, 1);
  });

  test('a provisioning that fails in Fuel: PH1666 with Fuel\'s message; the task is forgotten and the next attempt starts a new one', async () => {
    const w = bmcWorld();
    w.fuel.outcomes.set('provision', [{ statuses: ['running', 'error'], message: 'Provision has failed: disk sda' }]);
    const step = w.step('upgrade-host');
    await rejectsWithCode(upgradeRunner(w.h).run(step.context()), 'PH1666', /provisioning node #20 failed in Fuel \(task 100\): Provision has failed: disk sda/);
    assert.equal(step.checkpoint['provisionTaskId'], undefined);
    await upgradeRunner(w.h).run(step.context());
    assert.deepEqual(w.journal.matching(/^fuel\.(provision|deploy)/), ['fuel.provision 1 20', 'fuel.provision 1 20', 'fuel.deploy 1 20']);
  });

  test('a deployment that never ends: PH1666 after the deploy timeout', async () => {
    const w = bmcWorld({ deployTimeoutMs: 30 });
    w.fuel.outcomes.set('deployment', [{ statuses: ['running'] }]);
    await rejectsWithCode(upgradeRunner(w.h).run(w.step('upgrade-host').context()), 'PH1666', /deploying node #20 as compute \(Fuel task 101\): not after/);
  });

  test('a node whose nova-compute never comes up in the target: PH1668, and the source keeps the host\'s services', async () => {
    const w = bmcWorld({ waitTimeoutMs: 30 });
    w.fuel.onDeployed = () => undefined;
    await rejectsWithCode(upgradeRunner(w.h).run(w.step('upgrade-host').context()), 'PH1668', /nova-compute of Fuel node #20 up in the target/);
    assert.equal(w.sourceNova.serviceList.length, 1);
    assert.equal(w.ledger.mapping(w.address), undefined);
  });

  test('a node already in another environment: PH1669, nothing assigned', async () => {
    const w = bmcWorld();
    w.bmc.onNetworkBoot = () => w.fuel.register([MAC], { cluster: 2 });
    await rejectsWithCode(upgradeRunner(w.h).run(w.step('upgrade-host').context()), 'PH1669', /environment #2, not mos-9/);
    assert.deepEqual(w.journal.matching(/^fuel\.assign/), []);
  });

  test('no ready node to copy the layout of: PH1667 naming the environment', async () => {
    const w = bmcWorld();
    w.fuel.nodeMap.delete(2);
    await rejectsWithCode(upgradeRunner(w.h).run(w.step('upgrade-host').context()), 'PH1667', /mos-9 has no ready compute node/);
  });

  test('without Fuel in pumphouse.yaml: PH1663 before the BMC is touched', async () => {
    const w = bmcWorld({ fuel: false });
    await rejectsWithCode(upgradeRunner(w.h).run(w.step('upgrade-host').context()), 'PH1663');
    assert.equal(w.powerAsked, 0);
  });

  test('without a PXE MAC: PH1664 before the BMC is touched', async () => {
    const w = bmcWorld({ hardware: { pxeMacs: [] } });
    await rejectsWithCode(upgradeRunner(w.h).run(w.step('upgrade-host').context()), 'PH1664');
    assert.equal(w.powerAsked, 0);
  });

  test('a controller serves once its conductor is up in the target; a node with neither role once Fuel says it is ready', async () => {
    const controller = bmcWorld({ change: { fuel: { roles: ['controller'] } } });
    controller.fuel.addNode(fuelNode(3, { name: 'node-3', status: 'ready', cluster: 1, roles: ['controller'], macs: ['aa:00:00:00:00:04'] }));
    controller.fuel.onDeployed = (node) => controller.targetNova.serviceList.push(service(node.hostname!, 'nova-conductor'));
    const step = controller.step('upgrade-host');
    assert.equal((await step.attempt(upgradeRunner(controller.h))).targetId, 'node-20');
    assert.deepEqual(controller.journal.matching(/copyLayout/), ['fuel.copyLayout 20 from 3 in 1'], 'the template has the same roles');
    const storage = bmcWorld({ change: { fuel: { roles: ['ceph-osd'], template: 'node-2' } } });
    assert.equal((await storage.step('upgrade-host').attempt(upgradeRunner(storage.h))).targetId, 'fuel-ready:20');
    assert.deepEqual(storage.journal.matching(/copyLayout/), ['fuel.copyLayout 20 from 2 in 1'], 'the plan\'s template');
  });

  test('a controller whose conductor is down does not serve: PH1668', async () => {
    const w = bmcWorld({ change: { fuel: { roles: ['controller'], template: 'node-2' } }, waitTimeoutMs: 30 });
    w.fuel.onDeployed = (node) => w.targetNova.serviceList.push(service(node.hostname!, 'nova-conductor', { state: 'down' }));
    await rejectsWithCode(upgradeRunner(w.h).run(w.step('upgrade-host').context()), 'PH1668', /the Nova control services of Fuel node #20/);
  });

  test('verify fails while the mapped host does not serve; observe is not done before a mapping', async () => {
    const w = bmcWorld();
    const step = w.step('upgrade-host');
    assert.deepEqual(await upgradeRunner(w.h).observe(step.context()), { done: false });
    await assert.rejects(upgradeRunner(w.h).verify(step.context()), /does not serve the target yet/);
  });
});

describe('upgrade-host resumed after a kill', () => {
  const kills: Array<[string, RegExp, number?]> = [
    ['before the PXE boot is recorded', /^checkpoint pxeBootedAt/],
    ['while waiting for the host to register', /^checkpoint nodeId/],
    ['before the rename', /^fuel\.rename/],
    ['before the node is assigned', /^fuel\.assign/],
    ['before the provisioning task is recorded', /^checkpoint provisionTaskId/],
    ['while provisioning', /^fuel\.task 100/, 2],
    ['before the deployment task is recorded', /^checkpoint deployTaskId/],
    ['while deploying', /^fuel\.task 101/, 2],
    ['before the source forgets the host', /^source\.deleteService/],
  ];
  for (const [when, pattern, occurrence] of kills) {
    test(`killed ${when}: the next attempt finishes with one reset, one provisioning and one deployment`, async () => {
      const w = bmcWorld();
      const step = w.step('upgrade-host');
      w.journal.killAt(pattern, occurrence);
      await assert.rejects(step.attempt(upgradeRunner(w.h)), KilledError);
      const resumed = await step.attempt(upgradeRunner(w.h));
      assert.equal(resumed.targetId ?? w.ledger.mapping(w.address), 'node-20');
      // Even a kill before the PXE boot was recorded: the host registered meanwhile, and is found by its MAC.
      assert.equal(w.journal.matching(/bootFromNetwork/).length, 1, 'resets');
      assert.equal(w.journal.matching(/^fuel\.provision/).length, 1, 'provisionings');
      assert.equal(w.journal.matching(/^fuel\.deploy /).length, 1, 'deployments');
      assert.equal(w.journal.matching(/^fuel\.assign/).length, 1, 'assignments');
      assert.equal(w.sourceNova.serviceList.length, 0);
    });
  }
});

describe('upgrade-host of a Fuel-managed source host', () => {
  /** cmp-1 is node #4 of the source's Fuel environment old-env (#2); its removal wipes it and it registers again as #20. */
  function fuelWorld(): HostWorld {
    const w = new HostWorld({ host: 'cmp-1', management: 'fuel', fuelSourceEnvironment: 'old-env', discoverTimeoutMs: 30 });
    w.fuel.addNode(fuelNode(2, { name: 'node-2', status: 'ready', cluster: 1, roles: ['compute'], macs: ['aa:00:00:00:00:02'] }));
    w.fuel.addNode(fuelNode(4, { name: 'cmp-1', status: 'ready', cluster: 2, roles: ['compute'], hostname: 'cmp-1', macs: ['0a:00:00:00:00:01', '0a:00:00:00:00:02'] }));
    w.fuel.onDeployed = (node) => w.targetNova.serviceList.push(service(node.hostname!));
    return w;
  }

  test('unassigned from the source environment, the removal deployed, found again by its MACs; no BMC asked', async () => {
    const w = fuelWorld();
    const step = w.step('upgrade-host');
    const result = await step.attempt(upgradeRunner(w.h));
    assert.equal(result.targetId, 'node-20');
    assert.deepEqual(w.journal.calls.filter((c) => !c.startsWith('fuel.task ')).slice(0, 7), [
      'checkpoint sourceNodeId,sourceEnvironmentId,macs', 'fuel.unassign 2 4', 'fuel.deployChanges 2', 'checkpoint removalTaskId', 'checkpoint nodeId',
      'fuel.rename 20 cmp-1', 'fuel.assign 1 20 compute',
    ]);
    assert.equal(w.powerAsked, 0);
  });

  test('killed while the removal deploys: the next attempt follows the same task, unassigns and deploys it once', async () => {
    const w = fuelWorld();
    const step = w.step('upgrade-host');
    w.journal.killAt(/^fuel\.task 100/);
    await assert.rejects(upgradeRunner(w.h).run(step.context()), KilledError);
    await upgradeRunner(w.h).run(step.context());
    assert.equal(w.journal.matching(/^fuel\.unassign/).length, 1);
    assert.equal(w.journal.matching(/^fuel\.deployChanges/).length, 1);
  });

  test('killed before the removal task is recorded: the task Fuel still runs is followed, not started again', async () => {
    const w = fuelWorld();
    const step = w.step('upgrade-host');
    w.journal.killAt(/^checkpoint removalTaskId/);
    await assert.rejects(upgradeRunner(w.h).run(step.context()), KilledError);
    await upgradeRunner(w.h).run(step.context());
    assert.equal(w.journal.matching(/^fuel\.deployChanges/).length, 1);
  });

  test('a removal that fails in Fuel: PH1666; the next attempt deploys the removal again without a second unassign', async () => {
    const w = fuelWorld();
    w.fuel.outcomes.set('deploy', [{ statuses: ['running', 'error'], message: 'Deployment has failed' }]);
    const step = w.step('upgrade-host');
    await rejectsWithCode(upgradeRunner(w.h).run(step.context()), 'PH1666', /removing node #4 from environment old-env .* failed in Fuel \(task 100\): Deployment has failed/);
    assert.equal(step.checkpoint['removalTaskId'], undefined);
    await upgradeRunner(w.h).run(step.context());
    assert.deepEqual(w.journal.matching(/^fuel\.(unassign|deployChanges)/), ['fuel.unassign 2 4', 'fuel.deployChanges 2', 'fuel.deployChanges 2']);
  });

  test('a wiped node that does not come back: PH1665 naming its MACs', async () => {
    const w = fuelWorld();
    w.fuel.wipedNodesReturn = false;
    await rejectsWithCode(upgradeRunner(w.h).run(w.step('upgrade-host').context()), 'PH1665', /no Fuel node with MACs 0a:00:00:00:00:01, 0a:00:00:00:00:02 after its removal/);
  });

  test('other pending changes in the source environment: PH1670 naming them, nothing unassigned', async () => {
    const w = fuelWorld();
    w.fuel.addNode(fuelNode(5, { name: 'cmp-5', status: 'ready', cluster: 2, pendingRoles: ['cinder'] }));
    await rejectsWithCode(upgradeRunner(w.h).run(w.step('upgrade-host').context()), 'PH1670', /#5 cmp-5 \(pending roles cinder\)/);
    assert.deepEqual(w.journal.matching(/^fuel\.(unassign|deployChanges)/), []);
  });

  test('its node in another environment than the source\'s: PH1671', async () => {
    const w = fuelWorld();
    w.fuel.environmentList.push({ id: 3, name: 'lab' });
    await w.fuel.assign(3, 4, ['compute']);
    await rejectsWithCode(upgradeRunner(w.h).run(w.step('upgrade-host').context()), 'PH1671', /its node #4 is in environment lab, not old-env/);
  });

  test('no node of that name in Fuel: PH1671', async () => {
    const w = fuelWorld();
    w.fuel.nodeMap.delete(4);
    await rejectsWithCode(upgradeRunner(w.h).run(w.step('upgrade-host').context()), 'PH1671', /Fuel has no node of that name/);
  });
});
