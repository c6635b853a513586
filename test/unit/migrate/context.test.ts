import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryDocument, StateLedger } from '../../../src/apply/ledger.js';
import type { Change } from '../../../src/diff/changes.js';
import { nullSink } from '../../../src/events/sink.js';
import { InventoryLookup } from '../../../src/inventory/lookup.js';
import { MigrationContext } from '../../../src/migrate/context.js';
import type { Cloud } from '../../../src/openstack/index.js';
import { demoSource, freshTarget } from '../../helpers/small-inventory.js';

// Apply's id lookups follow the plan where the plan did not trust the state's mapping.

function contextWith(mappings: Record<string, string>, changes: Change[]): MigrationContext {
  const ledger = new StateLedger(new MemoryDocument());
  for (const [address, id] of Object.entries(mappings)) ledger.setMapping(address, id);
  const unused = {} as Cloud;
  return new MigrationContext({
    planName: 'test', settings: { maps: { networks: {}, volumeTypes: {}, availabilityZones: {}, flavors: {} }, passwords: 'skip' },
    source: unused, target: unused, targetConfig: {} as never, sourceLookup: new InventoryLookup(demoSource()), targetLookup: new InventoryLookup(freshTarget()),
    changes, ledger, events: nullSink, passwords: { record: async () => undefined, known: () => undefined }, connect: async () => unused,
  });
}

const change = (address: string, target: Change['target']): Change =>
  ({ address, kind: 'network', action: 'noop', differences: [], reason: '', impact: 'none', willNotSurvive: [], ...(target ? { target } : {}) });

test('a state mapping the plan set aside gives way to what the plan matched; one it matched by stays', () => {
  const m = contextWith(
    { 'network:demo/demo-net': 't-wrong', 'subnet:demo/demo-subnet': 't-subnet' },
    [
      change('network:demo/demo-net', { address: 'network:demo/demo-net', id: 't-net', matchedBy: 'mark' }),
      change('subnet:demo/demo-subnet', { address: 'subnet:demo/demo-subnet', id: 't-subnet', matchedBy: 'state' }),
    ],
  );
  assert.equal(m.targetIdOf('network:demo/demo-net'), 't-net', 'the marked copy, not the mapped object');
  assert.equal(m.ledger.mapping('network:demo/demo-net'), 't-net', 'and the state learns it');
  assert.equal(m.targetIdOf('subnet:demo/demo-subnet'), 't-subnet');
});
