import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { probeCandidates, probeClouds, type ProbeClients } from '../../../src/engine/plan-probe.js';
import { HttpError } from '../../../src/http/errors.js';
import type { InventoryResource } from '../../../src/inventory/model.js';
import type { ServiceClient } from '../../../src/openstack/index.js';
import { resource } from '../../helpers/small-inventory.js';

// The plan's probe against fake Glance clients: what it reads and how it falls back (a 416, a
// 200 without the range, an error, a Glance that never answers, images too small or none); it
// never throws, and its failure texts carry no token.

const MiB = 1024 * 1024;
const LIMITS = { bytes: 4 * MiB, readMs: 2000, deadlineMs: 1000 };
const image = (name: string, size: number, status = 'active'): InventoryResource => resource('image', `admin/${name}`, { attributes: { status, size } });

interface Fake { client: ServiceClient; ranges: Array<string | undefined>; destroyed: () => boolean }

/** A Glance answering `download` as `answer` says; GETs answer an empty list at once. */
function fakeGlance(answer: (range: string | undefined) => Promise<{ status: number; data: Readable }>): Fake {
  const ranges: Array<string | undefined> = [];
  const streams: Readable[] = [];
  const client = {
    url: (...segments: string[]) => segments.join('/'),
    get: async () => ({ images: [], id: 'x', name: 'x', status: 'active' }),
    download: async (_path: string, options: { headers?: Record<string, string> } = {}) => {
      ranges.push(options.headers?.['Range']);
      const res = await answer(options.headers?.['Range']);
      streams.push(res.data);
      return { status: res.status, headers: {}, data: res.data };
    },
  } as unknown as ServiceClient;
  return { client, ranges, destroyed: () => streams.length > 0 && streams.every((s) => s.destroyed) };
}

/** `total` bytes in 1 MiB chunks, endless when `total` is Infinity. */
function bytes(total: number): Readable {
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const n = Math.min(MiB, left);
      left -= n;
      this.push(Buffer.alloc(n));
    },
  });
}

const clients = (source: Fake, target: Fake = fakeGlance(async () => ({ status: 200, data: bytes(0) }))): ProbeClients => ({ source: async () => source.client, target: async () => target.client });
const httpError = (status: number): HttpError => new HttpError({ cloud: 'source', service: 'image', method: 'GET', url: 'http://127.0.0.1/v2/images/x/file', path: '/images/x/file' }, { status, statusText: 'x', expected: [200, 206] });

describe('the plan probe', () => {
  test('reads the largest active image with a Range header, up to the byte limit, and drops the stream', async () => {
    const source = fakeGlance(async () => ({ status: 206, data: bytes(Infinity) }));
    const probe = await probeClouds(clients(source), [image('small', 10 * MiB), image('big', 900 * MiB), image('queued', 2000 * MiB, 'queued')], LIMITS);
    assert.equal(probe.failure, undefined);
    assert.deepEqual(source.ranges, [`bytes=0-${4 * MiB - 1}`]);
    assert.equal(probe.read?.bytes, 4 * MiB);
    assert.ok((probe.read?.seconds ?? 0) > 0);
    assert.ok(source.destroyed(), 'the stream is destroyed once enough is read');
    assert.ok(probe.roundTripSeconds !== undefined && probe.roundTripSeconds.target >= 0, 'both Glance endpoints are timed');
    assert.deepEqual(probeCandidates([image('a', 1), image('b', 3), image('c', 0), image('d', 2)]).map((i) => i.name), ['b', 'd', 'a']);
  });

  test('a Glance that ignores the range (200, whole image) is read just as far', async () => {
    const source = fakeGlance(async () => ({ status: 200, data: bytes(600 * MiB) }));
    const probe = await probeClouds(clients(source), [image('big', 600 * MiB)], LIMITS);
    assert.equal(probe.read?.bytes, 4 * MiB);
    assert.ok(source.destroyed());
  });

  test('a 416 is asked again without a range', async () => {
    const source = fakeGlance(async (range) => {
      if (range !== undefined) throw httpError(416);
      return { status: 200, data: bytes(8 * MiB) };
    });
    const probe = await probeClouds(clients(source), [image('big', 8 * MiB)], LIMITS);
    assert.deepEqual(source.ranges, [`bytes=0-${4 * MiB - 1}`, undefined]);
    assert.equal(probe.read?.bytes, 4 * MiB);
  });

  test('an image that cannot be read: the next one; none readable: a failure naming the last, no throw', async () => {
    const source = fakeGlance(async () => { throw httpError(403); });
    const probe = await probeClouds(clients(source), [image('one', 9 * MiB), image('two', 8 * MiB)], LIMITS);
    assert.equal(source.ranges.length, 2, 'both images were tried');
    assert.equal(probe.read, undefined);
    assert.match(probe.failure ?? '', /^reading image two from the source: .*403/);
    assert.doesNotMatch(probe.failure ?? '', /token|password/i);
  });

  test('a Glance that never answers: a failure at the deadline', async () => {
    const source = fakeGlance(() => new Promise(() => undefined));
    const started = performance.now();
    const probe = await probeClouds(clients(source), [image('big', 9 * MiB)], { ...LIMITS, deadlineMs: 200 });
    assert.ok(performance.now() - started < 1000, 'bounded by the deadline');
    assert.match(probe.failure ?? '', /no answer within 0\.2 s/);
  });

  test('images too small to time, or none: the round trips, and why there is no throughput', async () => {
    const tiny = await probeClouds(clients(fakeGlance(async () => ({ status: 206, data: bytes(64 * 1024) }))), [image('tiny', 64 * 1024)], LIMITS);
    assert.match(tiny.failure ?? '', /too small to time/);
    assert.ok(tiny.roundTripSeconds);
    const none = await probeClouds(clients(fakeGlance(async () => ({ status: 206, data: bytes(0) }))), [], LIMITS);
    assert.equal(none.failure, 'the source has no active image to read');
  });
});
