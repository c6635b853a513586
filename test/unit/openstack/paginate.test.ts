import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collectAll, compute, connect, image, network, OPENSTACK_CODES, Pager, type Cloud } from '../../../src/openstack/index.js';
import { PumphouseError } from '../../../src/errors.js';
import { FixtureServer, json } from './fixtures/server.js';
import { fixtureConfig, mountKeystone, type KeystoneFixture } from './fixtures/keystone.js';

describe('pagination', () => {
  let server: FixtureServer;
  let keystone: KeystoneFixture;
  let cloud: Cloud;
  before(async () => {
    server = await FixtureServer.start();
    keystone = mountKeystone(server);
    cloud = await connect(fixtureConfig(server));
  });
  after(async () => {
    cloud.close();
    await server.close();
  });

  it('follows servers_links over several pages, keeping the query and microversion', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `s${i}`);
    server.on('GET', '/compute/v2.1/servers/detail', (req, res) => {
      keystone.assertToken(req);
      assert.equal(req.headers['x-openstack-nova-api-version'], '2.87');
      assert.equal(req.headers['openstack-api-version'], 'compute 2.87');
      assert.equal(req.query.get('all_tenants'), '1');
      assert.equal(req.query.get('limit'), '3');
      const marker = req.query.get('marker');
      const start = marker ? ids.indexOf(marker) + 1 : 0;
      const page = ids.slice(start, start + 3);
      const more = start + 3 < ids.length;
      // Nova builds links from its own idea of its URL (here: another host): the client must rebase.
      json(res, 200, {
        servers: page.map((id) => ({ id })),
        ...(more ? { servers_links: [{ rel: 'next', href: `http://nova.internal:8774/compute/v2.1/servers/detail?all_tenants=1&limit=3&marker=${page.at(-1)}` }] } : {}),
      });
    });
    const pages: string[][] = [];
    for await (const page of compute.servers.list(await cloud.compute(), { all_tenants: true, pageSize: 3 })) pages.push(page.map((s) => s.id));
    assert.deepEqual(pages, [['s0', 's1', 's2'], ['s3', 's4', 's5'], ['s6']]);
    assert.equal(server.callsTo('GET', '/compute/v2.1/servers/detail').length, 3);
  });

  it('follows glance `next` relative to the service root', async () => {
    server.on('GET', '/image/v2/images', (req, res) => {
      assert.equal(req.query.get('visibility'), 'all');
      const marker = req.query.get('marker');
      if (!marker) json(res, 200, { images: [{ id: 'i1', name: 'a', os_distro: 'ubuntu', self: '/v2/images/i1' }], next: '/v2/images?visibility=all&limit=1&marker=i1' });
      else if (marker === 'i1') json(res, 200, { images: [{ id: 'i2', name: 'b' }], next: '/v2/images?visibility=all&limit=1&marker=i2' });
      else json(res, 200, { images: [] });
    });
    const all = await image.images.list(await cloud.image(), { pageSize: 1 }).collectAll();
    assert.deepEqual(all.map((i) => i.id), ['i1', 'i2']);
    // Custom properties move into `properties`; links are dropped.
    assert.deepEqual(all[0]?.properties, { os_distro: 'ubuntu' });
  });

  it('neutron: limit/marker with *_links', async () => {
    server.on('GET', '/network/v2.0/ports', (req, res) => {
      const marker = req.query.get('marker');
      assert.equal(req.query.get('device_owner'), 'compute:nova');
      const next = (m: string) => [{ rel: 'next', href: `${server.url}/network/v2.0/ports?device_owner=compute%3Anova&limit=2&marker=${m}` }, { rel: 'previous', href: 'ignored' }];
      if (!marker) json(res, 200, { ports: [{ id: 'p1' }, { id: 'p2' }], ports_links: next('p2') });
      else if (marker === 'p2') json(res, 200, { ports: [{ id: 'p3' }, { id: 'p4' }], ports_links: next('p4') });
      else json(res, 200, { ports: [{ id: 'p5' }], ports_links: [{ rel: 'previous', href: 'x' }] });
    });
    const ports = await collectAll(network.ports.list(await cloud.network(), { device_owner: 'compute:nova', pageSize: 2 }));
    assert.deepEqual(ports.map((p) => p.id), ['p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('marker style continues past short pages (server caps) until an empty page', async () => {
    server.on('GET', '/compute/v2.1/things', (req, res) => {
      const marker = req.query.get('marker');
      assert.equal(req.query.get('limit'), '1000');
      // The server caps pages at 2 whatever limit we ask.
      const pages: Record<string, string[]> = { '': ['a', 'b'], b: ['c', 'd'], d: ['e'], e: [] };
      json(res, 200, { things: (pages[marker ?? ''] ?? []).map((id) => ({ id })) });
    });
    const items = await new Pager<{ id: string }>(await cloud.compute(), 'things', { key: 'things', style: 'marker' }).collectAll();
    assert.deepEqual(items.map((i) => i.id), ['a', 'b', 'c', 'd', 'e']);
  });

  it('offset style (server groups) and loop detection', async () => {
    server.on('GET', '/compute/v2.1/os-server-groups', (req, res) => {
      assert.equal(req.query.get('all_projects'), 'True');
      const offset = Number(req.query.get('offset'));
      json(res, 200, { server_groups: offset < 4 ? [{ id: `g${offset}`, members: [] }, { id: `g${offset + 1}`, members: [] }] : [] });
    });
    const groups = await compute.serverGroups.list(await cloud.compute(), { all_projects: true, pageSize: 2 }).collectAll();
    assert.deepEqual(groups.map((g) => g.id), ['g0', 'g1', 'g2', 'g3']);

    server.on('GET', '/network/v2.0/networks', (_req, res) =>
      json(res, 200, { networks: [{ id: 'n1' }], networks_links: [{ rel: 'next', href: `${server.url}/network/v2.0/networks?limit=1000` }] }));
    await assert.rejects(network.networks.list(await cloud.network()).collectAll(), (e: PumphouseError) => e.code === OPENSTACK_CODES.paginationLoop);
    // A server that ignores offset answers the first page again under a new URL.
    server.on('GET', '/compute/v2.1/os-server-groups', (_req, res) => json(res, 200, { server_groups: [{ id: 'g0', members: [] }] }));
    await assert.rejects(compute.serverGroups.list(await cloud.compute(), { pageSize: 1 }).collectAll(), (e: PumphouseError) => e.code === OPENSTACK_CODES.paginationLoop);
  });
});
