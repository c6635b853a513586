import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareAttributes, sameNames } from '../../../src/diff/attributes.js';
import { SOURCE_STATUS_METADATA_KEY } from '../../../src/diff/marks.js';
import { owned } from '../../helpers/small-inventory.js';

// The status a server's copy must have (diff/power-state.ts), as the attribute diff sees it.
const server = (status: string, metadata: Record<string, string> = {}) =>
  owned('server', 'demo', 'web-1', { attributes: { status, metadata, tags: [], locked: false, flavor: { name: 'm1.small' } } });
const statusDifference = (source: ReturnType<typeof server>, copy: ReturnType<typeof server>) =>
  compareAttributes(source, copy, sameNames).settable.filter((d) => d.path === 'attributes.status');

describe('a server copy\'s power state in the diff', () => {
  test('a source apply stopped (its copy recorded it ran) wants a running copy', () => {
    assert.deepEqual(statusDifference(server('SHUTOFF'), server('ACTIVE', { [SOURCE_STATUS_METADATA_KEY]: 'ACTIVE' })), []);
    assert.deepEqual(statusDifference(server('SHUTOFF'), server('SHUTOFF', { [SOURCE_STATUS_METADATA_KEY]: 'ACTIVE' })),
      [{ path: 'attributes.status', before: 'SHUTOFF', after: 'ACTIVE' }]);
  });

  test('a source stopped before the move, or with no record on the copy, wants a stopped copy; a running source a running one', () => {
    assert.deepEqual(statusDifference(server('SHUTOFF'), server('ACTIVE', { [SOURCE_STATUS_METADATA_KEY]: 'SHUTOFF' })),
      [{ path: 'attributes.status', before: 'ACTIVE', after: 'SHUTOFF' }]);
    assert.deepEqual(statusDifference(server('SHUTOFF'), server('ACTIVE')), [{ path: 'attributes.status', before: 'ACTIVE', after: 'SHUTOFF' }]);
    assert.deepEqual(statusDifference(server('ACTIVE'), server('SHUTOFF', { [SOURCE_STATUS_METADATA_KEY]: 'SHUTOFF' })),
      [{ path: 'attributes.status', before: 'SHUTOFF', after: 'ACTIVE' }]);
  });

  test('the record is bookkeeping: not a metadata difference', () => {
    const { settable } = compareAttributes(server('ACTIVE'), server('ACTIVE', { [SOURCE_STATUS_METADATA_KEY]: 'ACTIVE' }), sameNames);
    assert.deepEqual(settable, []);
  });
});
