import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { loadConfig } from '../../src/config/load.js';
import { startApiServer, type ApiServer } from '../../src/server/server.js';
import { privateSandbox } from '../helpers/sandbox.js';
import { SocketIoTestClient, type ReceivedEvent } from '../helpers/socketio-client.js';

// The original Pumphouse's functional suite (tests/functional of smurashov/pumphouse), replayed
// over the same protocol against `serve` on the sandbox: its Socket.IO 0.9 bus at /events
// (xhr-polling), its REST calls, and its assertions: reset; migrate the `pumphouse-` tenant and
// find its servers on the destination with the same images and floating IPs; evacuate the last
// source host; reassign the blocked host to the destination. Each case checks the events the
// original emitted, in its order, and the /resources document before and after.

const TOKEN = 'original-api-token-0123456789';
type Resource = { id: string; cloud: 'source' | 'destination'; type: string; data: any };

let env: Awaited<ReturnType<typeof privateSandbox>>;
let server: ApiServer;
let bus: SocketIoTestClient;

function call(method: string, path: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function resources(): Promise<Resource[]> {
  const answer = await call('GET', '/resources');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return [...answer.body.source.resources, ...answer.body.destination.resources];
}

/** The events received from `from` on, up to and including the first that `last` matches. */
async function eventsUntil(from: number, last: (e: ReceivedEvent) => boolean): Promise<ReceivedEvent[]> {
  const all = await bus.waitFor((events) => events.slice(from).some(last));
  const rest = all.slice(from);
  return rest.slice(0, rest.findIndex(last) + 1);
}

const is = (name: string, fields: Record<string, unknown>) => (e: ReceivedEvent) =>
  e.name === name && Object.entries(fields).every(([k, v]) => k in e.payload && e.payload[k] === v);

describe('the original API, as its own functional suite uses it', { timeout: 240_000 }, () => {
  before(async () => {
    env = await privateSandbox({ hardware: { discoverDelayMs: 200, tickMs: 20, tickCount: 5 } });
    const config = loadConfig(env.config);
    server = await startApiServer({ config, statePath: env.files.path('state.json'), host: '127.0.0.1', port: 0, token: TOKEN, maps: { networks: { public: 'admin_floating_net' } } });
    bus = await SocketIoTestClient.connect(server.url, TOKEN);
  });
  after(async () => {
    await bus?.close();
    await server?.close();
    await env?.stop();
  });

  test('reset: "reset start", then "reset completed" for both clouds; the clouds are as the scenario built them', async () => {
    const source = env.sandbox.clouds.source;
    const victim = source.store.servers.all().find((s) => s.name === 'pumphouse-1-server-0')!;
    source.store.servers.delete(victim.id);
    const from = bus.events.length;
    assert.equal((await call('POST', '/reset')).status, 201);
    const seen = await bus.waitFor((events) => events.slice(from).filter((e) => e.name === 'reset completed').length === 2);
    const names = seen.slice(from).map((e) => [e.name, e.payload.cloud ?? null]);
    assert.deepEqual(names[0], ['reset start', null]);
    assert.deepEqual(names.slice(1).sort(), [['reset completed', 'destination'], ['reset completed', 'source']]);
    assert.ok(env.sandbox.clouds.source.store.servers.get(victim.id), 'the deleted server is back');
  });

  test('/resources: the original\'s document, its types and data fields', async () => {
    const answer = await call('GET', '/resources');
    assert.equal(answer.body.reset, true, 'the sandbox can be reset');
    assert.deepEqual(Object.keys(answer.body).sort(), ['destination', 'events', 'hosts', 'reset', 'source']);
    const all: Resource[] = [...answer.body.source.resources, ...answer.body.destination.resources];
    const types = (cloud: string) => new Set(all.filter((r) => r.cloud === cloud).map((r) => r.type));
    assert.deepEqual([...types('source')].sort(), ['flavor', 'floating_ip', 'host', 'image', 'network', 'secgroup', 'server', 'tenant', 'volume']);
    const web1 = all.find((r) => r.type === 'server' && r.data.name === 'web-1')!;
    assert.deepEqual(Object.keys(web1.data).sort(), ['host_id', 'id', 'image_id', 'name', 'status', 'tenant_id']);
    assert.equal(web1.data.host_id, 'cmp-1');
    assert.equal(all.find((r) => r.type === 'tenant' && r.id === web1.data.tenant_id)?.data.name, 'demo');
    assert.equal(all.find((r) => r.type === 'image' && r.id === web1.data.image_id)?.data.name, 'cirros-0.6.2-x86_64-disk');
    const fip = all.find((r) => r.type === 'floating_ip' && r.data.server_id === web1.id)!;
    assert.equal(fip.id, fip.data.name, 'a floating IP is known by its address');
    assert.deepEqual(all.filter((r) => r.type === 'host' && r.cloud === 'source').map((r) => [r.id, r.data.status]), [['cmp-1', 'available'], ['cmp-2', 'available'], ['cmp-3', 'available']]);
    const external = all.find((r) => r.type === 'network' && r.cloud === 'destination' && r.data['router:external'])!;
    assert.equal(external.data.name, 'admin_floating_net', 'the destination names its external network otherwise');
  });

  test('migrate: the pumphouse- tenant\'s servers are on the destination with the same images and floating IPs', async () => {
    const before = await resources();
    const tenant = before.find((r) => r.type === 'tenant' && r.cloud === 'source' && r.data.name.startsWith('pumphouse-'))!;
    const from = bus.events.length;
    const started = await call('POST', `/tenants/${tenant.id}`);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const events = await eventsUntil(from, is('update', { id: tenant.id, type: 'tenant', cloud: 'source', action: null }));
    assert.deepEqual(events[0], { name: 'update', payload: { id: tenant.id, type: 'tenant', cloud: 'source', progress: null, action: 'migration' } });
    assert.ok(!events.some((e) => e.name === 'log'), JSON.stringify(events));
    const servers = before.filter((r) => r.type === 'server' && r.cloud === 'source' && r.data.tenant_id === tenant.id);
    assert.equal(servers.length, 2);
    for (const s of servers) {
      const start = events.findIndex(is('update', { id: s.id, type: 'server', cloud: 'source', action: 'migration' }));
      const end = events.findIndex(is('update', { id: s.id, type: 'server', cloud: 'source', action: null }));
      assert.ok(start > 0 && end > start, `server ${s.data.name}: migration started, then ended`);
    }
    assert.ok(events.findIndex(is('create', { type: 'tenant', cloud: 'destination' })) > 0);
    assert.equal(events.filter(is('create', { type: 'server', cloud: 'destination' })).length, 2);

    const now = await resources();
    const copy = now.find((r) => r.type === 'tenant' && r.cloud === 'destination' && r.data.name === tenant.data.name)!;
    assert.ok(copy, 'the tenant is on the destination');
    assert.deepEqual(serversOf(now, copy.id, 'destination'), serversOf(before, tenant.id, 'source'));
  });

  test('evacuate: the last source host is left with no server, every server it had is alive elsewhere', async () => {
    const before = await resources();
    const host = before.filter((r) => r.type === 'host' && r.cloud === 'source').at(-1)!;
    const from = bus.events.length;
    assert.equal((await call('POST', `/hosts/${host.id}`)).status, 202);
    const events = await eventsUntil(from, is('update', { id: host.id, type: 'host', cloud: 'source', action: null }));
    assert.deepEqual(events.map((e) => e.payload.action === undefined ? ['update', e.payload.data?.status] : [e.name, e.payload.action]), [
      ['update', 'evacuation'], ['update', 'blocked'], ['update', null],
    ]);
    const now = await resources();
    const had = before.filter((r) => r.type === 'server' && r.data.host_id === host.id);
    assert.ok(had.length > 0);
    for (const s of had) {
      const after = now.find((r) => r.type === s.type && r.cloud === s.cloud && r.id === s.id);
      assert.ok(after, `${s.data.name} is still there`);
      assert.notEqual(after.data.host_id, host.id);
    }
    assert.equal(now.find((r) => r.type === 'host' && r.id === host.id)?.data.status, 'blocked');
  });

  test('reassign: the blocked host leaves the source (delete) and joins the destination (create)', async () => {
    const before = await resources();
    const host = before.filter((r) => r.type === 'host' && r.cloud === 'source' && r.data.status === 'blocked').at(-1)!;
    const from = bus.events.length;
    assert.equal((await call('DELETE', `/hosts/${host.id}`)).status, 202);
    const events = await eventsUntil(from, is('update', { type: 'host', cloud: 'destination', action: null }));
    const hostEvents = events.filter((e) => e.payload.type === 'host');
    assert.deepEqual(hostEvents.map((e) => [e.name, e.payload.cloud, e.payload.action]), [
      ['update', 'source', 'reassignment'], ['delete', 'source', undefined], ['create', 'destination', 'reassignment'], ['update', 'destination', null],
    ]);
    assert.equal(hostEvents[1]!.payload.id, host.id);
    const created = hostEvents[2]!.payload.id;
    assert.equal(hostEvents[3]!.payload.id, created);
    const now = await resources();
    const ids = (list: Resource[], cloud: string) => list.filter((r) => r.type === 'host' && r.cloud === cloud).map((r) => r.id).sort();
    assert.deepEqual(ids(now, 'source'), ids(before, 'source').filter((id) => id !== host.id));
    assert.deepEqual(ids(now, 'destination'), [...ids(before, 'destination'), created].sort());
  });

  test('the same events are on the SSE stream\'s journal, in the same order', () => {
    const journaled = server.journal.since(0).filter((e) => e.type === 'original').map((e) => e.type === 'original' ? [e.data.name, e.data.payload] : []);
    assert.deepEqual(journaled, bus.events.map((e) => [e.name, e.payload]));
  });

  test('a reset after the reassignment puts the host back in the source, with its machine and Fuel as at the start: it can be reassigned again', async () => {
    const from = bus.events.length;
    assert.equal((await call('POST', '/reset')).status, 201);
    await bus.waitFor((events) => events.slice(from).filter((e) => e.name === 'reset completed').length === 2);
    const again = await resources();
    const hosts = (cloud: string) => again.filter((r) => r.type === 'host' && r.cloud === cloud).map((r) => `${r.id} ${r.data.status}`);
    assert.deepEqual(hosts('source'), ['cmp-1 available', 'cmp-2 available', 'cmp-3 available']);
    assert.deepEqual(hosts('destination'), ['node-4.domain.tld available', 'node-5.domain.tld available']);
    assert.deepEqual(env.sandbox.hardware?.fuel.store.nodes.size, 5, 'Fuel holds its controllers and compute nodes only');
    assert.ok(!existsSync(env.files.path('state.json')), 'the state of the world before the reset is set aside');
    assert.ok(readdirSync(env.files.dir).some((f) => f.startsWith('state.json.reset-')));
    const next = bus.events.length;
    assert.equal((await call('DELETE', '/hosts/cmp-3')).status, 202);
    const events = await eventsUntil(next, is('update', { type: 'host', cloud: 'destination', action: null }));
    assert.deepEqual(events.filter((e) => e.name === 'delete' || e.name === 'create').map((e) => [e.name, e.payload.type, e.payload.cloud]), [['delete', 'host', 'source'], ['create', 'host', 'destination']]);
  });
});

/** The original's comparison: a tenant's servers by name, with their image's name and their floating IPs. */
function serversOf(all: Resource[], tenantId: string, cloud: string): Record<string, { image: string; fips: string }> {
  const images = new Map(all.filter((r) => r.type === 'image' && r.cloud === cloud).map((r) => [r.id, r.data.name]));
  const out: Record<string, { image: string; fips: string }> = {};
  for (const s of all.filter((r) => r.type === 'server' && r.cloud === cloud && r.data.tenant_id === tenantId)) {
    const fips = all.filter((r) => r.type === 'floating_ip' && r.cloud === cloud && r.data.server_id === s.id).map((r) => r.data.name).sort().join(',');
    out[s.data.name] = { image: images.get(s.data.image_id), fips };
  }
  return out;
}
