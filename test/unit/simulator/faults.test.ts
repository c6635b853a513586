import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultInjector, routeMatches } from '../../../src/simulator/faults.js';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import { getJson, login, originOf } from './helpers.js';

async function setFaults(origin: string, patch: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${origin}/_sandbox/faults`, { method: 'POST', body: JSON.stringify(patch) });
  return { status: res.status, body: await res.json() };
}

describe('simulator fault injection', () => {
  let sandbox: Sandbox;
  let origin: string;
  before(async () => {
    sandbox = await startSandbox({ scenario: 'small', portBase: 0 });
    origin = originOf(sandbox.source);
  });
  after(async () => {
    await sandbox.stop();
  });

  test('error rate 1 fails every API call but never token issue; bodies keep each service\'s shape', async () => {
    await setFaults(origin, { reset: true, errorRate: 1, errorStatuses: [503] });
    try {
      const { status, token } = await login(sandbox.source);
      assert.equal(status, 201, 'token issue is exempt by default');
      const nova = await getJson(`${origin}/compute/v2.1/servers`, token);
      assert.equal(nova.status, 503);
      assert.equal(nova.body.serviceUnavailable.code, 503);
      assert.match(nova.headers.get('x-compute-request-id') ?? '', /^req-/);
      const neutron = await getJson(`${origin}/network/v2.0/networks`, token);
      assert.equal(neutron.body.NeutronError.type, 'HTTPServiceUnavailable');
      const keystone = await getJson(`${origin}/identity/v3/projects`, token);
      assert.equal(keystone.body.error.code, 503);
    } finally {
      await setFaults(origin, { reset: true });
    }
  });

  test('errorRateIncludesTokenIssue lets the error rate hit token issue', async () => {
    await setFaults(origin, { reset: true, errorRate: 1, errorRateIncludesTokenIssue: true });
    try {
      assert.ok([500, 503].includes((await login(sandbox.source)).status));
    } finally {
      await setFaults(origin, { reset: true });
    }
  });

  test('a seeded error rate fails the same calls on every run', async () => {
    const run = async (): Promise<number[]> => {
      await setFaults(origin, { reset: true, errorRate: 0.3, seed: 42 });
      const { token } = await login(sandbox.source);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await getJson(`${origin}/compute/v2.1/flavors`, token)).status);
      return statuses;
    };
    const first = await run();
    const second = await run();
    await setFaults(origin, { reset: true });
    assert.deepEqual(first, second);
    const failed = first.filter((s) => s !== 200).length;
    assert.ok(failed > 3 && failed < 25, `${failed} of 40 failed at rate 0.3`);
  });

  test('fails exactly the Nth call to a route', async () => {
    await setFaults(origin, { reset: true, failCalls: [{ route: 'GET /compute/v2.1/servers/*', nth: 3, times: 2, status: 500 }] });
    try {
      const { token } = await login(sandbox.source);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await getJson(`${origin}/compute/v2.1/servers/detail`, token)).status);
      assert.deepEqual(statuses, [200, 200, 500, 500, 200]);
      // Other routes are not counted.
      assert.equal((await getJson(`${origin}/compute/v2.1/flavors`, token)).status, 200);
    } finally {
      await setFaults(origin, { reset: true });
    }
  });

  test('adds latency overall and per service', async () => {
    const { token } = await login(sandbox.source);
    await setFaults(origin, { reset: true, latencyMs: 40, latencyMsByService: { network: 80 } });
    try {
      const time = async (url: string): Promise<number> => {
        const t = performance.now();
        await getJson(url, token);
        return performance.now() - t;
      };
      assert.ok(await time(`${origin}/compute/v2.1/flavors`) >= 38);
      assert.ok(await time(`${origin}/network/v2.0/networks`) >= 115);
    } finally {
      await setFaults(origin, { reset: true });
    }
  });

  test('the control route reports the config and rejects invalid values', async () => {
    const current = await getJson(`${origin}/_sandbox/faults`, undefined);
    assert.equal(current.status, 200);
    assert.equal(current.body.faults.errorRate, 0);
    const bad = await setFaults(origin, { errorRate: 2 });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /errorRate/);
  });

  test('faults given at start apply from the first request', async () => {
    const faulty = await startSandbox({ scenario: 'small', portBase: 0, faults: { failCalls: [{ route: '* /network/**', nth: 1 }] } });
    try {
      const { token } = await login(faulty.source);
      assert.equal((await getJson(`${originOf(faulty.source)}/network/v2.0/ports`, token)).status, 500);
      assert.equal((await getJson(`${originOf(faulty.source)}/network/v2.0/ports`, token)).status, 200);
    } finally {
      await faulty.stop();
    }
  });
});

describe('FaultInjector', () => {
  test('route patterns: * is one segment, ** any, method may be *', () => {
    assert.ok(routeMatches('GET /compute/v2.1/servers/*', 'GET', '/compute/v2.1/servers/detail'));
    assert.ok(!routeMatches('GET /compute/v2.1/servers/*', 'GET', '/compute/v2.1/servers/x/os-interface'));
    assert.ok(routeMatches('* /compute/**', 'POST', '/compute/v2.1/servers/x/action'));
    assert.ok(!routeMatches('POST /compute/**', 'GET', '/compute/v2.1/servers'));
  });

  test('update merges and validates', () => {
    const f = new FaultInjector();
    assert.equal(f.update({ latencyMs: 5 }).latencyMs, 5);
    assert.throws(() => f.update({ failCalls: [{ route: 'GET /x', nth: 0 }] }), TypeError);
    assert.equal(f.current.latencyMs, 5, 'a rejected update changes nothing');
  });
});
