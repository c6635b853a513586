import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import { LARGE_SHAPE } from '../../../src/simulator/scenarios/large.js';
import { Table } from '../../../src/simulator/table.js';
import { getJson, linkNext, login, originOf, walkPages } from './helpers.js';

function assertEachOnce(items: { id: string }[], expected: number, what: string): void {
  const ids = new Set(items.map((i) => i.id));
  assert.equal(ids.size, items.length, `${what}: an item came twice`);
  assert.equal(items.length, expected, `${what}: walked ${items.length} of ${expected}`);
}

describe('simulator paging over the large scenario', () => {
  let sandbox: Sandbox;
  let token: string;
  let origin: string;
  let project: string;
  before(async () => {
    sandbox = await startSandbox({ scenario: 'large', portBase: 0 });
    const l = await login(sandbox.source);
    token = l.token;
    project = (l.body.token['project'] as any).id;
    origin = originOf(sandbox.source);
  });
  after(async () => {
    await sandbox.stop();
  });

  test('nova: servers/detail with limit+marker walks all 10 000 servers exactly once', async () => {
    const total = LARGE_SHAPE.projects * LARGE_SHAPE.serversPerProject;
    const { items, pages } = await walkPages(`${origin}/compute/v2.1/servers/detail?all_tenants=1&limit=997`, token, 'servers', linkNext('servers'));
    assertEachOnce(items, total, 'servers');
    assert.equal(pages, Math.ceil(total / 997));
  });

  test('nova: without a limit a page holds max_limit (1000) servers and links the next', async () => {
    const first = await getJson(`${origin}/compute/v2.1/servers?all_tenants=1`, token);
    assert.equal(first.body.servers.length, 1000);
    const next = linkNext('servers')(first.body);
    assert.ok(next?.includes('marker='));
    assert.ok(next?.includes('all_tenants=1'), 'filters are kept in the next link');
  });

  test('nova: a host filter pages through that host only; a bad marker is 400', async () => {
    const { items } = await walkPages(`${origin}/compute/v2.1/servers/detail?all_tenants=1&host=cmp-007&limit=30`, token, 'servers', linkNext('servers'));
    assertEachOnce(items, LARGE_SHAPE.projects * LARGE_SHAPE.serversPerProject / LARGE_SHAPE.hypervisors, 'servers on cmp-007');
    assert.ok(items.every((s) => s['OS-EXT-SRV-ATTR:host'] === 'cmp-007'));
    const bad = await getJson(`${origin}/compute/v2.1/servers?marker=nope`, token);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.badRequest.message, 'marker [nope] not found');
  });

  test('neutron: ports with limit walk every port once; page_reverse walks back', async () => {
    const all = (await getJson(`${origin}/network/v2.0/ports?fields=id`, token)).body.ports as { id: string }[];
    assert.ok(all.length >= 2 * LARGE_SHAPE.projects * LARGE_SHAPE.serversPerProject);
    const { items } = await walkPages(`${origin}/network/v2.0/ports?limit=1500`, token, 'ports', linkNext('ports'));
    assertEachOnce(items, all.length, 'ports');
    assert.deepEqual(items.map((p) => p.id), all.map((p) => p.id));
    const marker = all[100]?.id ?? '';
    const back = await getJson(`${origin}/network/v2.0/ports?limit=10&marker=${marker}&page_reverse=True&fields=id`, token);
    assert.deepEqual(back.body.ports.map((p: any) => p.id), all.slice(90, 100).map((p) => p.id));
  });

  test('neutron: an indexed filter (device_id) pages inside the index', async () => {
    const server = (await getJson(`${origin}/compute/v2.1/servers?all_tenants=1&limit=1`, token)).body.servers[0];
    const ports = await getJson(`${origin}/network/v2.0/ports?device_id=${server.id}&limit=1`, token);
    assert.equal(ports.body.ports.length, 1);
    const { items } = await walkPages(`${origin}/network/v2.0/ports?device_id=${server.id}&limit=1`, token, 'ports', linkNext('ports'));
    assertEachOnce(items, 2, 'ports of one server');
  });

  test('cinder: volumes/detail pages with volumes_links', async () => {
    const total = LARGE_SHAPE.projects * LARGE_SHAPE.serversPerProject / 5;
    const { items } = await walkPages(`${origin}/volume/v3/${project}/volumes/detail?all_tenants=1&limit=333`, token, 'volumes', linkNext('volumes'));
    assertEachOnce(items, total, 'volumes');
  });

  test('glance: images page with the relative next link in the body', async () => {
    const { items } = await walkPages(`${origin}/image/v2/images?limit=1`, token, 'images', (b) => (b.next ? `${origin}/image${b.next}` : undefined));
    assertEachOnce(items, 2, 'images');
  });
});

describe('Table', () => {
  const table = new Table<{ id: string; group: string }>({ group: (r) => r.group });
  for (let i = 0; i < 50; i++) table.insert({ id: `r${i}`, group: i % 3 === 0 ? 'a' : 'b' });

  test('pages in an index resume after a marker that is not in the index', () => {
    const page = table.page({ marker: 'r4', limit: 3 }, table.by('group', 'a'));
    assert.ok(page.ok);
    assert.deepEqual(page.items.map((r) => r.id), ['r6', 'r9', 'r12']);
    assert.equal(page.more, true);
  });

  test('reports whether more rows follow, and an unknown marker', () => {
    const last = table.page({ marker: 'r45', limit: 10 }, table.by('group', 'a'));
    assert.ok(last.ok);
    assert.deepEqual(last.items.map((r) => r.id), ['r48']);
    assert.equal(last.more, false);
    assert.deepEqual(table.page({ marker: 'zz', limit: 1 }), { ok: false, reason: 'marker-not-found' });
  });

  test('rejects duplicate ids', () => {
    assert.throws(() => table.insert({ id: 'r1', group: 'a' }), /duplicate id r1/);
  });
});
