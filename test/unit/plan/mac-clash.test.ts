import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSelection } from '../../../src/desired/resolve.js';
import { diffState } from '../../../src/diff/diff.js';
import { markTags } from '../../../src/diff/marks.js';
import { isUnmarkedCopy } from '../../../src/diff/mac-clash.js';
import type { InventoryResource } from '../../../src/inventory/model.js';
import { demoSource, desired, freshTarget, owned, resource, workload } from '../../helpers/small-inventory.js';

// A port's MAC already on the target is a plan-time conflict naming both ports (diff/mac-clash.ts).
// The source's port:demo/p-web-1 has MAC fa:16:3e:00:00:01 on demo-net.
const webOnly = desired({ workloads: [workload(0, { servers: { names: ['web-1'], ids: [], tags: [], hosts: [] } })] });

function portChange(...targetResources: InventoryResource[]) {
  const source = demoSource();
  const target = freshTarget([
    resource('project', 'demo', { id: 't-demo', refs: { domain: 'domain:Default' }, attributes: { enabled: true, description: 'demo', tags: [] } }),
    ...targetResources,
  ]);
  const { changes } = diffState({ desired: webOnly, selection: resolveSelection(webOnly, source), source, target, mappings: {} });
  const change = changes.find((c) => c.address === 'port:demo/p-web-1');
  assert.ok(change);
  return change;
}
const demoNet = owned('network', 'demo', 'demo-net', { id: 't-demo-net', project: { id: 't-demo', name: 'demo' }, attributes: { external: false, mtu: 1500, description: '', tags: [] } });
const targetPort = (name: string, network: string, mac: string, tags: string[] = []) =>
  owned('port', 'demo', name, { id: `t-${name}`, project: { id: 't-demo', name: 'demo' }, refs: { network, subnets: [] }, attributes: { macAddress: mac, fixedIps: [{ ipAddress: '10.1.0.5' }], tags } });

describe('a MAC taken on the target', () => {
  test('by a port on another network: a conflict naming both ports', () => {
    const other = owned('network', 'demo', 'lab-net', { id: 't-lab', project: { id: 't-demo', name: 'demo' }, attributes: { external: false, tags: [] } });
    const change = portChange(other, targetPort('lab-port', 'network:demo/lab-net', 'FA:16:3E:00:00:01'));
    assert.equal(change.action, 'conflict');
    assert.equal(change.target, undefined);
    assert.match(change.reason, /MAC fa:16:3e:00:00:01 of port:demo\/p-web-1 is taken on the target by port:demo\/lab-port \(on network:demo\/lab-net\)/);
  });

  test('by a port on the network the copy goes to that Pumphouse did not make: a conflict naming both ports', () => {
    const change = portChange(demoNet, targetPort('squatter', 'network:demo/demo-net', 'fa:16:3e:00:00:01'));
    assert.equal(change.action, 'conflict');
    assert.deepEqual(change.target, { address: 'port:demo/squatter', id: 't-squatter', matchedBy: 'natural-key' });
    assert.match(change.reason, /port:demo\/p-web-1 is taken on the target by port:demo\/squatter \(on network:demo\/demo-net\), which is not a Pumphouse copy of it/);
  });

  test('by the port\'s own copy (its mark): no conflict; a free MAC: a create', () => {
    const copy = targetPort('copy', 'network:demo/demo-net', 'fa:16:3e:00:00:01', markTags('id-port-demo/p-web-1', 'demo'));
    assert.notEqual(portChange(demoNet, copy).action, 'conflict');
    assert.equal(portChange(demoNet, targetPort('neighbour', 'network:demo/demo-net', 'fa:16:3e:00:00:02')).action, 'create');
  });
});

describe('a port a killed apply created but did not tag', () => {
  test('is its unfinished copy, not a MAC clash: the plan finishes it', () => {
    const source = owned('port', 'demo', 'p-web-1', { refs: { network: 'network:demo/demo-net' }, attributes: { macAddress: 'fa:16:3e:00:00:01', fixedIps: [{ subnetId: 's', ipAddress: '10.1.0.5' }], deviceOwner: 'compute:nova', deviceId: 'vm-1', tags: [] } });
    const untagged = owned('port', 'demo', 'p-web-1', { id: 't-port', refs: { network: 'network:demo/demo-net' }, attributes: { macAddress: 'fa:16:3e:00:00:01', fixedIps: [{ subnetId: 't', ipAddress: '10.1.0.5' }], deviceOwner: '', deviceId: null, tags: [] } });
    assert.equal(isUnmarkedCopy(source, untagged), true);
    const someoneElses = { ...untagged, attributes: { ...untagged.attributes, fixedIps: [{ subnetId: 't', ipAddress: '10.1.0.99' }] } };
    assert.equal(isUnmarkedCopy(source, someoneElses), false, 'another address: someone else\'s port');
    const attached = { ...untagged, attributes: { ...untagged.attributes, deviceId: 'vm-9', deviceOwner: 'compute:nova' } };
    assert.equal(isUnmarkedCopy(source, attached), false, 'attached to a server: someone else\'s port');
    const tagged = { ...untagged, attributes: { ...untagged.attributes, tags: ['theirs'] } };
    assert.equal(isUnmarkedCopy(source, tagged), false);
    const renamed = { ...untagged, name: 'squatter', address: 'port:demo/squatter' };
    assert.equal(isUnmarkedCopy(source, renamed), false, 'another name: someone else\'s port');
  });
});
