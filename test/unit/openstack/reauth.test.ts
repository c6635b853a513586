import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, isUnauthorized } from '../../../src/openstack/index.js';
import { FixtureServer, json } from './fixtures/server.js';
import { FAST_RETRY, fixtureConfig, mountKeystone, type KeystoneFixture } from './fixtures/keystone.js';

describe('token renewal', () => {
  let server: FixtureServer;
  let keystone: KeystoneFixture;
  before(async () => {
    server = await FixtureServer.start();
    keystone = mountKeystone(server);
    server.on('GET', '/network/v2.0/networks', (req, res) => json(res, 200, { networks: [], token: req.headers['x-auth-token'] }));
  });
  after(() => server.close());

  it('re-authenticates shortly before the token expires', async () => {
    let clock = Date.now();
    const cloud = await connect(fixtureConfig(server), { now: () => clock, refreshBeforeMs: 60_000 });
    const network = await cloud.network();
    const first = keystone.token;
    await network.get('networks');
    assert.equal(server.callsTo('GET', '/network/v2.0/networks').at(-1)?.headers['x-auth-token'], first);
    clock += keystone.ttlMs - 30_000; // inside the refresh window, not yet expired
    await network.get('networks');
    const second = keystone.token;
    assert.notEqual(second, first);
    assert.equal(server.callsTo('GET', '/network/v2.0/networks').at(-1)?.headers['x-auth-token'], second);
    assert.equal(cloud.session.authentications, 2);
    cloud.close();
  });

  it('on 401 re-authenticates once and retries the call once', async () => {
    const cloud = await connect(fixtureConfig(server));
    const revoked = keystone.token;
    server.on('GET', '/network/v2.0/ports', (req, res) => {
      if (req.headers['x-auth-token'] === revoked) json(res, 401, { error: { code: 401, message: 'token revoked' } });
      else json(res, 200, { ports: [{ id: 'p1' }] });
    });
    const body = await (await cloud.network()).get<{ ports: unknown[] }>('ports');
    assert.deepEqual(body.ports, [{ id: 'p1' }]);
    const calls = server.callsTo('GET', '/network/v2.0/ports');
    assert.deepEqual(calls.map((c) => c.headers['x-auth-token']), [revoked, keystone.token]);
    cloud.close();
  });

  it('a second 401 after re-authentication is an error, not a loop', async () => {
    const cloud = await connect(fixtureConfig(server), { retry: FAST_RETRY });
    server.on('GET', '/network/v2.0/routers', (_req, res) => json(res, 401, { error: { code: 401, message: 'nope' } }));
    await assert.rejects((await cloud.network()).get('routers'), (e: unknown) => isUnauthorized(e));
    assert.equal(server.callsTo('GET', '/network/v2.0/routers').length, 2);
    cloud.close();
  });
});
