import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseReferenceCompute, findDiscoveredNode, parseFuelErrorMessage, type FuelNode } from '../../../src/fuel/index.js';

describe('parseFuelErrorMessage', () => {
  test('reads 6.0 bare text and 6.1+ {"message","errors"} alike', () => {
    assert.equal(parseFuelErrorMessage('Cluster not found'), 'Cluster not found');
    assert.equal(parseFuelErrorMessage('{"message": "Cluster not found", "errors": []}'), 'Cluster not found');
    assert.equal(parseFuelErrorMessage({ message: 'No changes to deploy', errors: [] }), 'No changes to deploy');
    assert.equal(parseFuelErrorMessage({ message: 'Invalid data', errors: ['name is required'] }), 'Invalid data (name is required)');
  });

  test('keystone bodies, multi-line task texts and empty bodies', () => {
    assert.equal(parseFuelErrorMessage('{"error": {"code": 401, "title": "Unauthorized", "message": "Authentication required"}}'), 'Authentication required');
    assert.equal(parseFuelErrorMessage("Provision has failed. Check these nodes:\n'Untitled (b1:10)'"), "Provision has failed. Check these nodes: 'Untitled (b1:10)'");
    assert.equal(parseFuelErrorMessage(''), undefined);
    assert.equal(parseFuelErrorMessage(undefined), undefined);
    assert.equal(parseFuelErrorMessage('x'.repeat(600))?.length, 500);
  });
});

const node = (id: number, patch: Partial<FuelNode>): FuelNode => ({
  id, name: `n${id}`, mac: `aa:00:00:00:00:0${id}`, ip: null, status: 'discover', online: true, progress: 0, error_type: null, cluster: null, group_id: null,
  roles: [], pending_roles: [], pending_addition: false, pending_deletion: false, fqdn: null, meta: { interfaces: [], disks: [] }, ...patch,
});

describe('node matching', () => {
  test('a discovered node is found by any of its reported MACs, case-insensitively, only when online and discover', () => {
    const nodes = [
      node(1, { meta: { interfaces: [{ name: 'eth1', mac: 'aa:bb:cc:00:00:02' }], disks: [] }, online: false }),
      node(2, { status: 'ready', meta: { interfaces: [{ name: 'eth1', mac: 'aa:bb:cc:00:00:02' }], disks: [] } }),
      node(3, { meta: { interfaces: [{ name: 'eth1', mac: 'aa:bb:cc:00:00:02' }], disks: [] } }),
    ];
    assert.equal(findDiscoveredNode(nodes, ['AA:BB:CC:00:00:02'])?.id, 3);
    assert.equal(findDiscoveredNode(nodes, ['aa:bb:cc:00:00:09']), undefined);
  });

  test('the reference compute is the ready compute with the lowest id', () => {
    const nodes = [node(9, { status: 'ready', roles: ['compute'] }), node(4, { status: 'error', roles: ['compute'] }), node(7, { status: 'ready', roles: ['compute'] }), node(2, { status: 'ready', roles: ['controller'] })];
    assert.equal(chooseReferenceCompute(nodes)?.id, 7);
    assert.equal(chooseReferenceCompute([]), undefined);
  });
});
