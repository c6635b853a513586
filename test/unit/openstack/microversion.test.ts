import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compareMicroversions, compute, connect, negotiateMicroversion, OPENSTACK_CODES, parseVersionDocument, pickVersion, type Cloud } from '../../../src/openstack/index.js';
import { PumphouseError } from '../../../src/errors.js';
import { FixtureServer, json } from './fixtures/server.js';
import { fixtureConfig, mountKeystone } from './fixtures/keystone.js';

describe('microversions', () => {
  it('compares numerically and negotiates min(server max, client max)', () => {
    assert.ok(compareMicroversions('2.10', '2.9') > 0);
    assert.equal(compareMicroversions('3.0', '3.0'), 0);
    assert.equal(negotiateMicroversion('compute', { min: '2.1', max: '2.93' }, { min: '2.1', max: '2.87' }), '2.87');
    assert.equal(negotiateMicroversion('compute', { min: '2.1', max: '2.60' }, { min: '2.1', max: '2.87' }), '2.60');
    assert.throws(() => negotiateMicroversion('compute', { min: '2.90', max: '2.95' }, { min: '2.1', max: '2.87' }), (e: PumphouseError) => e.code === OPENSTACK_CODES.microversionUnsupported);
  });

  it('reads each version document shape', () => {
    assert.deepEqual(parseVersionDocument({ version: { id: 'v2.1', status: 'CURRENT', version: '2.93', min_version: '2.1' } }), [{ id: 'v2.1', status: 'CURRENT', min: '2.1', max: '2.93' }]);
    assert.deepEqual(parseVersionDocument({ versions: { values: [{ id: 'v3.14', status: 'stable' }] } }), [{ id: 'v3.14', status: 'stable' }]);
    // nova's root lists the legacy v2.0 with "" microversions; the highest v2 wins.
    const nova = parseVersionDocument({ versions: [{ id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '' }, { id: 'v2.1', status: 'CURRENT', version: '2.93', min_version: '2.1' }] });
    assert.equal(pickVersion(nova, 2)?.id, 'v2.1');
    assert.deepEqual(parseVersionDocument({ versions: [{ id: 'v1.0', status: 'CURRENT', max_version: '1.39', min_version: '1.0' }] })[0], { id: 'v1.0', status: 'CURRENT', min: '1.0', max: '1.39' });
  });

  describe('against the fixture cloud', () => {
    let server: FixtureServer;
    let cloud: Cloud;
    before(async () => {
      server = await FixtureServer.start();
      mountKeystone(server);
      cloud = await connect(fixtureConfig(server));
    });
    after(async () => {
      cloud.close();
      await server.close();
    });

    it('negotiates per service and sends the right header', async () => {
      const nova = await cloud.compute();
      assert.equal(nova.microversion, '2.87');
      assert.deepEqual(nova.version, { id: 'v2.1', microversions: { min: '2.1', max: '2.90' } });
      const cinder = await cloud.blockStorage();
      // The project-scoped URL answers 404; discovery falls back to .../v3/.
      assert.equal(cinder.microversion, '3.70');
      assert.equal(cinder.baseUrl, `${server.url}/volume/v3/a1b2c3d4e5f60718293a4b5c6d7e8f90`);
      server.on('GET', '/volume/v3/a1b2c3d4e5f60718293a4b5c6d7e8f90/types', (req, res) => {
        assert.equal(req.headers['openstack-api-version'], 'volume 3.70');
        assert.equal(req.headers['x-openstack-nova-api-version'], undefined);
        json(res, 200, { volume_types: [] });
      });
      await cinder.get('types');
      const neutron = await cloud.network();
      assert.equal(neutron.microversion, undefined);
      assert.equal(neutron.baseUrl, `${server.url}/network/v2.0`);
      assert.equal((await cloud.image()).baseUrl, `${server.url}/image/v2`);
      server.assertNoStrays();
    });

    it('calls needing a newer microversion say so', async () => {
      server.on('GET', '/compute/v2.1/', (_req, res) => json(res, 200, { version: { id: 'v2.1', status: 'CURRENT', version: '2.9', min_version: '2.1' } }));
      const old = await connect(fixtureConfig(server));
      const nova = await old.compute();
      assert.equal(nova.microversion, '2.9');
      assert.throws(() => compute.keypairs.list(nova, { user_id: 'u1' }), (e: PumphouseError) => e.code === OPENSTACK_CODES.microversionUnsupported && /2\.10/.test(e.message));
      old.close();
    });
  });
});
