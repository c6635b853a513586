// One HTTP pipeline and one fault mechanism for every simulated server (issue 12 item 4): the
// clouds, the Fuel master and each Redfish BMC take the same FaultConfig through the same
// /_sandbox/faults route, and each answers an injected failure in its own error shape.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { routeMatches } from '../../../src/simulator/faults.js';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import { originOf } from './helpers.js';

async function setFaults(origin: string, patch: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${origin}/_sandbox/faults`, { method: 'POST', body: JSON.stringify(patch) });
  return { status: res.status, body: await res.json() };
}

describe('simulator pipeline: one fault mechanism for clouds, Fuel and BMCs', () => {
  let sandbox: Sandbox;
  let servers: { name: string; origin: string; probe: string }[];
  before(async () => {
    sandbox = await startSandbox({ scenario: 'small', portBase: 0 });
    const bmc = sandbox.hardware!.bmcs.all()[0]!;
    servers = [
      { name: 'cloud', origin: originOf(sandbox.source), probe: '/compute/' },
      { name: 'fuel', origin: sandbox.hardware!.fuel.url, probe: '/api/v1/version' },
      { name: 'bmc', origin: bmc.origin, probe: '/redfish/v1' },
    ];
  });
  after(() => sandbox.stop());

  test('every server has the control route, with the same FaultConfig', async () => {
    for (const server of servers) {
      const set = await setFaults(server.origin, { reset: true, latencyMs: 5 });
      assert.equal(set.status, 200, server.name);
      const shown = (await (await fetch(`${server.origin}/_sandbox/faults`)).json()) as { faults: Record<string, unknown> };
      assert.deepEqual(Object.keys(shown.faults).sort(), Object.keys(set.body.faults).sort(), server.name);
      assert.equal(shown.faults['latencyMs'], 5, server.name);
      assert.equal((await setFaults(server.origin, { latencyMs: -1 })).status, 400, `${server.name}: invalid values refused`);
      await setFaults(server.origin, { reset: true });
    }
  });

  test('a failCalls rule fails the nth call, in each server\'s own error shape, with its message', async () => {
    const rule = (route: string) => ({ reset: true, failCalls: [{ route, nth: 2, status: 503, message: 'maintenance window' }] });
    await setFaults(servers[0]!.origin, rule('GET /compute/'));
    await setFaults(servers[1]!.origin, rule('GET /api/v1/version'));
    await setFaults(servers[2]!.origin, rule('GET ~^/redfish/v1/?$'));
    try {
      for (const server of servers) {
        const first = await fetch(`${server.origin}${server.probe}`);
        await first.arrayBuffer();
        assert.notEqual(first.status, 503, `${server.name}: the first call passes`);
        const second = await fetch(`${server.origin}${server.probe}`);
        assert.equal(second.status, 503, server.name);
        const body = await second.text();
        assert.match(body, /maintenance window/, server.name);
        if (server.name === 'fuel') assert.deepEqual(JSON.parse(body), { message: 'maintenance window', errors: [] });
        if (server.name === 'bmc') assert.equal(JSON.parse(body).error['@Message.ExtendedInfo'][0].Message, 'maintenance window');
        if (server.name === 'cloud') assert.match(second.headers.get('x-openstack-request-id') ?? '', /^req-/);
      }
    } finally {
      for (const server of servers) await setFaults(server.origin, { reset: true });
    }
  });

  test('unresponsive: requests are read and never answered; the control route still lifts it', async () => {
    for (const server of servers) {
      await setFaults(server.origin, { reset: true, unresponsive: true });
      await assert.rejects(fetch(`${server.origin}${server.probe}`, { signal: AbortSignal.timeout(150) }), /aborted|timeout/i, server.name);
      await setFaults(server.origin, { reset: true });
      assert.ok((await fetch(`${server.origin}${server.probe}`)).status < 500, `${server.name} answers again`);
    }
  });

  test('the random error rate spares logging in on every server unless told otherwise', async () => {
    const logins = [
      { origin: servers[0]!.origin, path: '/identity/v3/auth/tokens' },
      { origin: servers[1]!.origin, path: '/keystone/v2.0/tokens' },
      { origin: servers[2]!.origin, path: '/redfish/v1/SessionService/Sessions' },
    ];
    try {
      for (const login of logins) {
        await setFaults(login.origin, { reset: true, errorRate: 1, errorStatuses: [503] });
        const res = await fetch(`${login.origin}${login.path}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
        assert.notEqual(res.status, 503, `${login.path} is exempt`);
        await setFaults(login.origin, { errorRateIncludesTokenIssue: true });
        const hit = await fetch(`${login.origin}${login.path}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
        assert.equal(hit.status, 503, `${login.path} is hit when included`);
      }
    } finally {
      for (const login of logins) await setFaults(login.origin, { reset: true });
    }
  });

  test('routes: globs and ~regular expressions; a broken expression is refused', async () => {
    assert.ok(routeMatches('POST ~ComputerSystem\\.Reset$', 'POST', '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset'));
    assert.ok(!routeMatches('POST ~ComputerSystem\\.Reset$', 'GET', '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset'));
    assert.ok(routeMatches('* ~^/api(/v1)? tasks', 'GET', '/api/v1 tasks'), 'a regex may hold spaces');
    assert.equal((await setFaults(servers[1]!.origin, { failCalls: [{ route: 'GET ~(', nth: 1 }] })).status, 400);
  });
});
