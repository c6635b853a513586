import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { requestedRange, sliceStream } from '../../../src/simulator/byte-range.js';

// Glance's single byte ranges on image downloads: which bytes a Range header asks, and the slice
// of a chunked stream it selects.

test('a Range header: a range, an open end, a suffix, one past the end (416), none or one not understood (the whole)', () => {
  assert.deepEqual(requestedRange('bytes=0-9', 100), { start: 0, end: 9 });
  assert.deepEqual(requestedRange('bytes=90-200', 100), { start: 90, end: 99 }, 'an end past the size is cut to it');
  assert.deepEqual(requestedRange('bytes=10-', 100), { start: 10, end: 99 });
  assert.deepEqual(requestedRange('bytes=-10', 100), { start: 90, end: 99 });
  assert.equal(requestedRange('bytes=100-200', 100), 'unsatisfiable');
  assert.equal(requestedRange('bytes=10-5', 100), 'unsatisfiable');
  assert.equal(requestedRange(undefined, 100), undefined);
  assert.equal(requestedRange('bytes=0-1,5-9', 100), undefined);
});

test('the slice of a chunked stream, across chunk borders; the source is left once the range is read', async () => {
  const chunks = [Buffer.from('abcd'), Buffer.from('efgh'), Buffer.from('ijkl')];
  const source = Readable.from(chunks);
  const parts: Buffer[] = [];
  for await (const part of sliceStream(source, { start: 3, end: 8 })) parts.push(part as Buffer);
  assert.equal(Buffer.concat(parts).toString(), 'defghi');
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(source.destroyed);
});
