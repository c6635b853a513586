import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { after, before, describe, it } from 'node:test';
import { RecordingSink } from '../../../src/events/sink.js';
import { discoverInventory, RESOURCE_KINDS, summarize, type Inventory, type InventoryResource } from '../../../src/inventory/index.js';
import { AuthenticationError, connect, type Cloud } from '../../../src/openstack/index.js';
import { loadSchema } from '../../../src/schemas.js';
import { fixtureConfig, PROJECT_ID } from '../openstack/fixtures/keystone.js';
import { json } from '../openstack/fixtures/server.js';
import { IDS, startMiniCloud, USER_DATA_SECRET, type MiniCloud } from './fixtures/mini-cloud.js';

const fixedNow = () => new Date('2030-01-01T00:00:00.000Z');

function byAddress(inventory: Inventory): Map<string, InventoryResource> {
  return new Map(inventory.resources.map((r) => [r.address, r]));
}

describe('discoverInventory', () => {
  let mini: MiniCloud;
  let cloud: Cloud;
  let inventory: Inventory;
  const sink = new RecordingSink();
  before(async () => {
    mini = await startMiniCloud();
    cloud = await connect(fixtureConfig(mini.server), { retry: { maxRetries: 0 } });
    inventory = await discoverInventory(cloud, { label: 'source', events: sink, now: fixedNow, concurrency: 2 });
  });
  after(async () => {
    cloud.close();
    await mini.server.close();
  });

  it('reads every kind without diagnostics, valid against the inventory schema', () => {
    assert.deepEqual(inventory.diagnostics, []);
    assert.equal(inventory.partial, false);
    mini.server.assertNoStrays();
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(loadSchema('inventory'));
    assert.ok(validate(inventory), JSON.stringify(validate.errors));
    assert.deepEqual(summarize(inventory).byKind, {
      domain: 2, project: 3, user: 3, role: 2, 'role-assignment': 4, flavor: 2, keypair: 2, image: 3, 'security-group': 2, network: 2, subnet: 2,
      router: 1, port: 3, 'floating-ip': 1, 'volume-type': 2, volume: 2, 'volume-snapshot': 1, 'server-group': 1, server: 2, quota: 9,
      'availability-zone': 2, aggregate: 1, hypervisor: 1, 'compute-service': 2,
    });
  });

  it('sorts by RESOURCE_KINDS then address, addresses unique', () => {
    const keys = inventory.resources.map((r) => [RESOURCE_KINDS.indexOf(r.kind), r.address] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    assert.deepEqual(keys, sorted);
    assert.equal(new Set(inventory.resources.map((r) => r.address)).size, inventory.resources.length);
  });

  it('names identity resources with domains outside Default', () => {
    const r = byAddress(inventory);
    for (const a of ['project:demo', 'project:acme/demo', 'user:alice', 'user:acme/bob', 'keypair:alice/key1', 'keypair:acme/bob/key1', 'role:member']) assert.ok(r.has(a), a);
    assert.deepEqual(r.get('keypair:acme/bob/key1')?.refs, { user: 'user:acme/bob' });
    assert.deepEqual(r.get('role-assignment:demo/alice/member')?.refs, { user: 'user:alice', project: 'project:demo', role: 'role:member' });
    assert.equal(r.get('role-assignment:acme/demo/group:ops/member')?.attributes.group && 'ok', 'ok');
    assert.ok(r.has('role-assignment:system/admin/admin'));
    assert.deepEqual(r.get('role-assignment:domain:acme/acme/bob/admin')?.refs, { user: 'user:acme/bob', domain: 'domain:acme', role: 'role:admin' });
  });

  it('a server names its flavor, image, keypair, ports, networks, security groups, volumes, group and host', () => {
    const servers = inventory.resources.filter((r) => r.kind === 'server');
    // Two servers share demo/web-1: both are disambiguated by id.
    assert.deepEqual(servers.map((s) => s.address), [`server:demo/web-1#${IDS.web.slice(0, 8)}`, `server:demo/web-1#${IDS.bfv.slice(0, 8)}`]);
    const web = servers.find((s) => s.id === IDS.web);
    assert.deepEqual(web?.refs, {
      flavor: 'flavor:m1.small',
      image: `image:admin/cirros`,
      keypair: 'keypair:alice/key1',
      owner: 'user:alice',
      ports: ['port:demo/port-web'],
      networks: ['network:demo/demo-net'],
      securityGroups: ['security-group:demo/default', 'security-group:demo/web'],
      volumes: ['volume:demo/data'],
      serverGroup: 'server-group:demo/web-ha',
      hypervisor: 'hypervisor:cmp-1.example.com',
      host: 'compute-service:cmp-1/nova-compute',
    });
    assert.deepEqual(web?.project, { id: IDS.demo, name: 'demo' });
    assert.deepEqual(web?.attributes.metadata, { a: '2', z: '1' });
    const bfv = servers.find((s) => s.id === IDS.bfv);
    // Boot from volume: no image ref; no ports visible, so security groups come from names.
    assert.equal(bfv?.refs.image, undefined);
    assert.equal(bfv?.attributes.bootFromVolume, true);
    assert.deepEqual(bfv?.refs.securityGroups, ['security-group:demo/default']);
    assert.equal(bfv?.refs.flavor, 'flavor:gold');
    assert.deepEqual(bfv?.refs.volumes, ['volume:demo/vol-2']);
  });

  it('keeps no secret: user data becomes length + sha256', () => {
    const web = inventory.resources.find((r) => r.id === IDS.web);
    const userData = web?.attributes.userData as { length: number; sha256: string };
    assert.equal(userData.length, `#!/bin/sh\necho ${USER_DATA_SECRET}\n`.length);
    assert.match(userData.sha256, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(inventory).includes(USER_DATA_SECRET));
    assert.ok(!JSON.stringify(inventory).includes('S3cr3t'));
  });

  it('network relations: port device, subnet network, router gateway and interfaces, floating IP', () => {
    const r = byAddress(inventory);
    assert.deepEqual(r.get('port:demo/port-web')?.refs, {
      network: 'network:demo/demo-net', subnets: ['subnet:demo/demo-subnet'],
      securityGroups: ['security-group:demo/default', 'security-group:demo/web'], device: `server:demo/web-1#${IDS.web.slice(0, 8)}`,
    });
    // Neutron's own ports have no project and no scope.
    assert.deepEqual(r.get('port:port-gw')?.refs, { network: 'network:admin/public', subnets: ['subnet:admin/public-subnet'], device: 'router:demo/demo-router' });
    assert.equal(r.get('port:port-gw')?.project, undefined);
    assert.deepEqual(r.get('subnet:demo/demo-subnet')?.refs, { network: 'network:demo/demo-net' });
    assert.deepEqual(r.get('router:demo/demo-router')?.refs, { externalNetwork: 'network:admin/public', subnets: ['subnet:demo/demo-subnet'], interfacePorts: ['port:demo/port-ri'] });
    assert.deepEqual(r.get('floating-ip:demo/203.0.113.10')?.refs, {
      network: 'network:admin/public', port: 'port:demo/port-web', server: `server:demo/web-1#${IDS.web.slice(0, 8)}`, router: 'router:demo/demo-router',
    });
    const web = r.get('security-group:demo/web');
    assert.deepEqual(web?.refs, { remoteGroups: ['security-group:demo/default'] });
    assert.equal((web?.attributes.rules as Array<{ remoteGroup: string }> | undefined)?.[0]?.remoteGroup, 'security-group:demo/default');
  });

  it('images, flavors, volumes and snapshots', () => {
    const r = byAddress(inventory);
    assert.deepEqual(r.get('image:demo/shared-img')?.refs, { owner: 'project:demo', members: ['project:acme/demo'] });
    assert.deepEqual(r.get('image:admin/cirros')?.attributes.properties, { os_distro: 'cirros' });
    assert.equal(r.get('image:demo/hidden')?.attributes.hidden, true);
    assert.deepEqual(r.get('flavor:gold')?.refs, { accessProjects: ['project:demo'] });
    assert.deepEqual(r.get('flavor:m1.small')?.attributes.extraSpecs, { 'hw:cpu_policy': 'shared', 'hw:mem_page_size': 'large' });
    assert.equal(r.get('flavor:m1.small')?.attributes.swapMb, 0);
    assert.deepEqual(r.get('volume-type:gold')?.refs, { accessProjects: ['project:demo'] });
    assert.deepEqual(r.get('volume:demo/vol-2')?.refs, { servers: [`server:demo/web-1#${IDS.bfv.slice(0, 8)}`], snapshot: 'volume-snapshot:demo/snap-1', volumeType: 'volume-type:lvm' });
    assert.equal(r.get('volume:demo/vol-2')?.attributes.bootable, true);
    assert.deepEqual(r.get('volume-snapshot:demo/snap-1')?.refs, { volume: 'volume:demo/data' });
    assert.deepEqual(r.get('quota:demo/block-storage')?.attributes, { service: 'block-storage', limits: { gigabytes: 1000, snapshots: 10, volumes: 10, volumes_lvm: -1 } });
    assert.deepEqual(r.get('hypervisor:cmp-1.example.com')?.refs, { service: 'compute-service:cmp-1/nova-compute' });
    assert.deepEqual(r.get('aggregate:ssd')?.refs, { hosts: ['compute-service:cmp-1/nova-compute'], availabilityZone: 'availability-zone:nova' });
    assert.ok(!('updatedAt' in (r.get('compute-service:cmp-1/nova-compute')?.attributes ?? {})));
  });

  it('emits discover_started, collector_finished per collector, discover_finished', () => {
    assert.equal(sink.ofType('discover_started').length, 1);
    const finished = sink.ofType('collector_finished');
    assert.equal(finished.length, 26);
    assert.ok(finished.every((e) => e.data.cloud === 'source' && e.data.error === undefined && e.data.ms >= 0));
    assert.equal(finished.find((e) => e.data.collector === 'server')?.data.count, 2);
    assert.deepEqual(sink.ofType('discover_finished')[0]?.data.failedCollectors, []);
    assert.equal(sink.ofType('discover_finished')[0]?.data.resources, inventory.resources.length);
  });

  it('summarize counts per kind and per project', () => {
    const s = summarize(inventory);
    assert.equal(s.total, inventory.resources.length);
    // Two projects are named demo: both keys carry the id prefix.
    assert.deepEqual(Object.keys(s.byProject), ['admin', 'demo#p-acme-d', 'demo#p-demo-0']);
    assert.equal(s.byProject['demo#p-demo-0']?.server, 2);
    assert.equal(s.byProject['demo#p-demo-0']?.port, 2);
    assert.equal(s.byProject['demo#p-acme-d']?.['role-assignment'], 1);
  });

  it('is deterministic: same fingerprint for another run and for reversed API order; takenAt excluded', async () => {
    const again = await discoverInventory(cloud, { label: 'source', now: () => new Date('2031-01-01T00:00:00Z') });
    assert.equal(again.fingerprint, inventory.fingerprint);
    assert.notEqual(again.takenAt, inventory.takenAt);
    const reversed = await startMiniCloud({ reverse: true });
    const other = await connect(fixtureConfig(reversed.server));
    const inv = await discoverInventory(other, { label: 'source', now: fixedNow });
    assert.equal(JSON.stringify(inv.resources), JSON.stringify(inventory.resources));
    assert.equal(inv.fingerprint, inventory.fingerprint);
    // …and it does change when the cloud does.
    (reversed.data.servers?.[0] as { status: string }).status = 'ERROR';
    assert.notEqual((await discoverInventory(other, { label: 'source' })).fingerprint, inventory.fingerprint);
    other.close();
    await reversed.server.close();
  });
});

describe('discoverInventory with failures', () => {
  it('a failing collector gives a diagnostic and partial: true; the others finish', async () => {
    const mini = await startMiniCloud();
    mini.server.on('GET', '/compute/v2.1/os-hypervisors/detail', (_req, res) => json(res, 500, { computeFault: { code: 500, message: 'hypervisor API broken' } }));
    mini.server.on('GET', '/v3/users', (_req, res) => json(res, 403, { error: { code: 403, message: 'You are not authorized' } }));
    const sink = new RecordingSink();
    const cloud = await connect(fixtureConfig(mini.server), { retry: { maxRetries: 0 } });
    const inv = await discoverInventory(cloud, { label: 'source', events: sink });
    assert.equal(inv.partial, true);
    assert.deepEqual(inv.diagnostics.map((d) => [d.collector, d.service, d.code]), [['hypervisor', 'compute', 'PH3101'], ['keypair', 'compute', 'PH3102'], ['user', 'identity', 'PH3101']]);
    assert.match(inv.diagnostics[0]?.message ?? '', /hypervisor: compute GET \/os-hypervisors\/detail\?limit=1000 failed: 500 .*hypervisor API broken/);
    assert.match(inv.diagnostics[1]?.message ?? '', /needs the user list/);
    assert.equal(inv.resources.filter((r) => r.kind === 'hypervisor' || r.kind === 'user' || r.kind === 'keypair').length, 0);
    assert.equal(inv.resources.filter((r) => r.kind === 'server').length, 2);
    // The server's hypervisor is kept as an unresolved id, not dropped silently.
    const web = inv.resources.find((r) => r.id === IDS.web);
    assert.equal(web?.refs.hypervisor, undefined);
    assert.deepEqual((web?.attributes.unresolvedRefs as Record<string, string[]> | undefined)?.hypervisor, ['cmp-1.example.com']);
    assert.deepEqual(sink.ofType('discover_finished')[0]?.data.failedCollectors, ['hypervisor', 'keypair', 'user']);
    assert.ok(sink.ofType('collector_finished').find((e) => e.data.collector === 'hypervisor')?.data.error);
    cloud.close();
    await mini.server.close();
  });

  it('a missing service fails its collectors only', async () => {
    const mini = await startMiniCloud();
    const cloud = await connect(fixtureConfig(mini.server));
    // Simulate a catalog without block storage.
    cloud.session.info.catalog.splice(cloud.session.info.catalog.findIndex((e) => e.type === 'volumev3'), 1);
    const inv = await discoverInventory(cloud, { label: 'source' });
    assert.deepEqual(inv.diagnostics.map((d) => d.collector), ['quota/block-storage', 'volume', 'volume-snapshot', 'volume-type']);
    assert.ok(inv.diagnostics.every((d) => d.code === 'PH3101' && d.service === 'block-storage' && /no block-storage service/.test(d.message)));
    assert.ok(inv.resources.some((r) => r.kind === 'server'));
    cloud.close();
    await mini.server.close();
  });

  it('authentication failures throw', async () => {
    const mini = await startMiniCloud();
    const cloud = await connect(fixtureConfig(mini.server));
    // The token is revoked and the password changed meanwhile.
    mini.server.on('GET', '/v3/domains', (_req, res) => json(res, 401, { error: { code: 401, message: 'revoked' } }));
    mini.server.on('POST', '/v3/auth/tokens', (_req, res) => json(res, 401, { error: { code: 401, message: 'bad password' } }));
    await assert.rejects(discoverInventory(cloud, { label: 'source' }), (e: unknown) => e instanceof AuthenticationError);
    cloud.close();
    await mini.server.close();
    assert.ok(PROJECT_ID);
  });
});
