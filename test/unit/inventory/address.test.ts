import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressPath, assignAddresses, compareAddresses, formatAddress, parseAddress } from '../../../src/inventory/index.js';
import { PumphouseError } from '../../../src/errors.js';

describe('addresses', () => {
  it('format and parse round-trip, escaping /, # and %', () => {
    const address = formatAddress('server', addressPath('acme', 'demo', 'a/b#c%d'));
    assert.equal(address, 'server:acme/demo/a%2Fb%23c%25d');
    assert.deepEqual(parseAddress(address), { kind: 'server', segments: ['acme', 'demo', 'a/b#c%d'] });
    assert.deepEqual(parseAddress('port:demo/p#1234abcd'), { kind: 'port', segments: ['demo', 'p'], disambiguator: '1234abcd' });
    assert.deepEqual(parseAddress('compute-service:cmp-1/nova-compute').segments, ['cmp-1', 'nova-compute']);
  });

  it('rejects text that is not an address', () => {
    for (const text of ['server', 'nope:x', 'server:', ':x']) {
      assert.throws(() => parseAddress(text), (e: PumphouseError) => e.code === 'PH3001', text);
    }
  });

  it('colliding paths: both get #<first 8 of id>, independent of order', () => {
    const items = [
      { id: '5e1a0000-aaaa', path: 'demo/web-1' },
      { id: '5e2b0000-bbbb', path: 'demo/web-1' },
      { id: 'c0ffee00-cccc', path: 'demo/db-1' },
    ];
    const forward = assignAddresses('server', items);
    const backward = assignAddresses('server', [...items].reverse());
    assert.deepEqual([...forward.entries()].sort(), [...backward.entries()].sort());
    assert.equal(forward.get('5e1a0000-aaaa'), 'server:demo/web-1#5e1a0000');
    assert.equal(forward.get('5e2b0000-bbbb'), 'server:demo/web-1#5e2b0000');
    assert.equal(forward.get('c0ffee00-cccc'), 'server:demo/db-1');
  });

  it('ids sharing their first 8 characters fall back to the whole id', () => {
    const out = assignAddresses('volume', [{ id: 'abcdefgh-1', path: 'demo/v' }, { id: 'abcdefgh-2', path: 'demo/v' }, { id: 'zzzzzzzz-3', path: 'demo/v' }]);
    assert.deepEqual([...out.values()].sort(), ['volume:demo/v#abcdefgh-1', 'volume:demo/v#abcdefgh-2', 'volume:demo/v#zzzzzzzz']);
  });

  it('orders by kind (RESOURCE_KINDS), then address', () => {
    const sorted = ['server:a', 'project:z', 'network:b', 'project:a', 'domain:x'].sort(compareAddresses);
    assert.deepEqual(sorted, ['domain:x', 'project:a', 'project:z', 'network:b', 'server:a']);
  });
});
