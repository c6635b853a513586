import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RecordingSink } from '../../../src/events/sink.js';
import { backoffDelay, connect, DEFAULT_RETRY_POLICY, HttpConnectionError, HttpError, OPENSTACK_CODES, parseRetryAfter, type Cloud } from '../../../src/openstack/index.js';
import { FixtureServer, json } from './fixtures/server.js';
import { FAST_RETRY, fixtureConfig, mountKeystone } from './fixtures/keystone.js';

describe('retries with backoff', () => {
  let server: FixtureServer;
  let cloud: Cloud;
  const sink = new RecordingSink();
  before(async () => {
    server = await FixtureServer.start();
    mountKeystone(server);
    cloud = await connect(fixtureConfig(server, { timeoutMs: 10_000 }), { events: sink, retry: FAST_RETRY });
  });
  after(async () => {
    cloud.close();
    await server.close();
  });

  /** Answers with `statuses` in turn, then 200. */
  function flaky(path: string, statuses: number[], headers: Record<string, string> = {}): void {
    let n = 0;
    const handler = (_req: unknown, res: Parameters<typeof json>[0]) => {
      const status = statuses[n++];
      if (status === undefined) json(res, 200, { ok: true });
      else json(res, status, { computeFault: { code: status, message: `fault ${n}` } }, headers);
    };
    server.on('GET', path, handler).on('POST', path, handler);
  }

  it('retries a GET on 503 and emits http_retry per retry', async () => {
    flaky('/compute/v2.1/flavors', [503, 502]);
    const before = sink.ofType('http_retry').length;
    assert.deepEqual(await (await cloud.compute()).get('flavors'), { ok: true });
    const retries = sink.ofType('http_retry').slice(before);
    assert.deepEqual(retries.map((e) => [e.data.attempt, e.data.reason]), [[1, '503 Service Unavailable'], [2, '502 Bad Gateway']]);
    assert.ok(retries.every((e) => e.data.cloud === 'fixture' && e.data.method === 'GET' && e.data.url.endsWith('/compute/v2.1/flavors')));
    assert.ok(retries.every((e) => e.data.delayMs <= FAST_RETRY.maxDelayMs));
  });

  it('honours Retry-After on 429', async () => {
    flaky('/compute/v2.1/os-services', [429], { 'Retry-After': '0.004' });
    const before = sink.ofType('http_retry').length;
    await (await cloud.compute()).get('os-services');
    const [retry] = sink.ofType('http_retry').slice(before);
    assert.equal(retry?.data.delayMs, 4);
    assert.equal(retry?.data.reason, '429 Too Many Requests');
  });

  it('gives up after maxRetries with the last error', async () => {
    flaky('/compute/v2.1/os-aggregates', [500, 500, 500, 500, 500]);
    await assert.rejects((await cloud.compute()).get('os-aggregates'), (e: HttpError) => e.status === 500 && /fault 4/.test(e.message));
    assert.equal(server.callsTo('GET', '/compute/v2.1/os-aggregates').length, 1 + FAST_RETRY.maxRetries);
  });

  it('does not retry 501, nor a POST unless marked retry-safe', async () => {
    flaky('/compute/v2.1/os-hosts', [501]);
    await assert.rejects((await cloud.compute()).get('os-hosts'), (e: HttpError) => e.status === 501);
    assert.equal(server.callsTo('GET', '/compute/v2.1/os-hosts').length, 1);
    flaky('/compute/v2.1/servers', [503]);
    await assert.rejects((await cloud.compute()).request('POST', 'servers', { body: {} }), (e: HttpError) => e.status === 503);
    flaky('/compute/v2.1/servers', [503]);
    const res = await (await cloud.compute()).request('POST', 'servers', { body: {}, retrySafe: true });
    assert.equal(res.status, 200);
  });

  it('retries a GET whose connection is reset', async () => {
    let n = 0;
    server.on('GET', '/compute/v2.1/os-keypairs', (req, res) => {
      if (n++ === 0) req.raw.socket.destroy();
      else json(res, 200, { keypairs: [] });
    });
    const before = sink.ofType('http_retry').length;
    assert.deepEqual(await (await cloud.compute()).get('os-keypairs'), { keypairs: [] });
    assert.equal(sink.ofType('http_retry').slice(before)[0]?.data.reason, 'ECONNRESET');
  });

  it('times out a request that gets no answer, naming the URL', async () => {
    server.on('GET', '/compute/v2.1/os-hypervisors/detail', () => new Promise<void>(() => {}));
    // Its own cloud: a short timeout on the shared one would make the other tests flaky under load.
    const impatient = await connect(fixtureConfig(server, { timeoutMs: 300, deadlineMs: 10_000 }), { retry: FAST_RETRY });
    const nova = await impatient.compute();
    const started = Date.now();
    const error = await nova.get('os-hypervisors/detail').catch((e: unknown) => e);
    impatient.close();
    assert.ok(error instanceof HttpConnectionError);
    assert.equal(error.failure, 'timeout');
    assert.equal(error.code, OPENSTACK_CODES.timeout);
    assert.match(error.message, /os-hypervisors\/detail failed: no answer within 300 ms/);
    assert.match(error.hint ?? '', /settings\.timeout_seconds/);
    // A timed-out GET is retried like a reset: 1 + maxRetries attempts of ~300 ms.
    assert.equal(server.callsTo('GET', '/compute/v2.1/os-hypervisors/detail').length, 1 + FAST_RETRY.maxRetries);
    assert.ok(Date.now() - started >= 300 * (1 + FAST_RETRY.maxRetries));
  });

  it('connection refused is a clear error naming the URL', async () => {
    const dead = await FixtureServer.start();
    const url = dead.url;
    await dead.close();
    const error = await connect(fixtureConfig(dead), { retry: FAST_RETRY }).catch((e: unknown) => e);
    assert.ok(error instanceof HttpConnectionError);
    assert.equal(error.code, OPENSTACK_CODES.connectionRefused);
    assert.ok(error.message.includes(`${url}/v3/auth/tokens`));
    assert.match(error.hint ?? '', /is the service running/);
  });

  it('backoff is full jitter, capped, growing exponentially', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 };
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a)), [99, 199, 399, 799, 999, 999]);
    assert.equal(backoffDelay({ ...policy, random: () => 0 }, 3), 0);
    assert.equal(parseRetryAfter('2'), 2000);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});
