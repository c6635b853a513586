import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestLimiter } from '../../../src/http/concurrency.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

test('never more calls in flight than the limit, and every call runs', async () => {
  const limiter = new RequestLimiter(3);
  let inFlight = 0;
  let peak = 0;
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => limiter.run(async () => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    await tick();
    inFlight -= 1;
    return i;
  })));
  assert.equal(peak, 3);
  assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i));
});

test('a continuation waiting for a slot goes before new calls that queued earlier', async () => {
  const limiter = new RequestLimiter(1);
  const order: string[] = [];
  let release!: () => void;
  const blocker = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
  const calls = [
    limiter.run(async () => void order.push('new-1')),
    limiter.run(async () => void order.push('new-2')),
    limiter.run(async () => void order.push('next-page'), 'continuation'),
  ];
  await tick();
  release();
  await Promise.all([blocker, ...calls]);
  assert.deepEqual(order, ['next-page', 'new-1', 'new-2']);
});

test('a failing call frees its slot', async () => {
  const limiter = new RequestLimiter(1);
  await assert.rejects(limiter.run(async () => { throw new Error('boom'); }), /boom/);
  assert.equal(await limiter.run(async () => 'after'), 'after');
});

test('a limit below one is refused', () => {
  assert.throws(() => new RequestLimiter(0), RangeError);
});
