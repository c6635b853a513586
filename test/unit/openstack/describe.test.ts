import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from '../../../src/openstack/index.js';
import { FixtureServer, json } from './fixtures/server.js';
import { catalog, fixtureConfig, mountKeystone } from './fixtures/keystone.js';

describe('Cloud.describe', () => {
  let server: FixtureServer;
  before(async () => {
    server = await FixtureServer.start();
    // Add placement (max_version style) and a service whose version document fails.
    const extra = (type: string, name: string, path: string) => ({ type, name, endpoints: [{ interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: `${server.url}${path}` }] });
    mountKeystone(server, { catalog: [...catalog(server.url), extra('placement', 'placement', '/placement'), extra('object-store', 'swift', '/swift/v1')] });
    server.on('GET', '/placement/', (_req, res) => json(res, 200, { versions: [{ id: 'v1.0', status: 'CURRENT', max_version: '1.39', min_version: '1.0' }] }));
    for (const path of ['/swift/v1/', '/swift/']) server.on('GET', path, (_req, res) => json(res, 500, 'boom'));
  });
  after(() => server.close());

  it('lists every catalog service with endpoints and versions; a failing one gets `error`', async () => {
    const cloud = await connect(fixtureConfig(server), { retry: { maxRetries: 0 } });
    const d = await cloud.describe();
    assert.equal(d.keystoneVersion, 'v3.14');
    assert.equal(d.authUrl, `${server.url}/v3`);
    assert.equal(d.region, 'RegionOne');
    assert.equal(d.user.name, 'admin');
    assert.equal(d.project?.name, 'admin');
    const byType = new Map(d.services.map((s) => [s.type, s]));
    assert.deepEqual(d.services.map((s) => s.type), ['compute', 'identity', 'image', 'network', 'object-store', 'placement', 'volumev3']);
    assert.deepEqual(byType.get('compute'), {
      type: 'compute', name: 'nova',
      endpoints: ['public', 'internal', 'admin'].map((i) => ({ interface: i, region: 'RegionOne', url: `${server.url}/compute/v2.1` })),
      version: 'v2.1', minMicroversion: '2.1', maxMicroversion: '2.90',
    });
    assert.equal(byType.get('image')?.version, 'v2.15');
    assert.equal(byType.get('volumev3')?.maxMicroversion, '3.70');
    assert.equal(byType.get('placement')?.maxMicroversion, '1.39');
    assert.equal(byType.get('object-store')?.version, undefined);
    assert.match(byType.get('object-store')?.error ?? '', /^PH\d{4} .*cannot read the API version/, 'the reason carries its code');
    cloud.close();
  });
});
