// What the kitchen-sink scenario needs from the simulator, spoken to over plain HTTP as the
// `openstack` CLI would, with the behaviour of Zed's services (their sources are cited in
// src/simulator/SPEC.md): a user's own token owning what it creates, a port with a chosen MAC
// and allowed address pairs, Neutron updates (static routes, MTU), image members and their
// status, AMI boots with kernel and ramdisk, default projects, domain grants, stopped servers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import { KS_FIXED_MAC } from '../../../src/simulator/scenarios/kitchen-sink.js';
import { sandboxUserPassword } from '../../../src/simulator/scenarios/builder.js';
import type { CloudStore } from '../../../src/simulator/store.js';
import { login, originOf, sender } from './helpers.js';
import { eventually } from '../../helpers/eventually.js';

const send = sender({ 'openstack-api-version': 'compute 2.79' });

const idOf = (store: CloudStore, table: 'networks' | 'subnets' | 'routers' | 'images' | 'ports' | 'volumes', name: string): string => {
  const row = (store[table].all() as Array<{ id: string; name: string }>).find((r) => r.name === name);
  if (!row) throw new Error(`no ${name} in ${table}`);
  return row.id;
};

describe('simulator: what the kitchen-sink scenario needs', () => {
  let sandbox: Sandbox;
  let store: CloudStore;
  let o: string;
  let admin: string;
  /** ks-owner's own token, scoped to ks-app. */
  let owner: string;
  let app: string;
  let partner: string;
  const ownerLogin = () => login(sandbox.source, { user: 'ks-owner', password: sandboxUserPassword('ks-owner'), project: 'ks-app', domain: 'ks-domain' });

  before(async () => {
    sandbox = await startSandbox({ scenario: 'kitchen-sink', portBase: 0, hardware: false, faults: { transitionMs: 0 } });
    store = sandbox.clouds.source.store;
    o = originOf(sandbox.source);
    admin = (await login(sandbox.source)).token;
    owner = (await ownerLogin()).token;
    app = store.projects.by('name', 'ks-app')[0]!.id;
    partner = store.projects.by('name', 'ks-partner')[0]!.id;
  });
  after(async () => {
    await sandbox.stop();
  });

  test('keystone: an unscoped login lands in the default project; PATCH sets or clears it, never to a domain', async () => {
    const unscoped = await login(sandbox.source, { user: 'ks-owner', password: sandboxUserPassword('ks-owner'), project: null, domain: 'ks-domain' });
    assert.equal(unscoped.status, 201);
    assert.equal((unscoped.body.token['project'] as { name: string }).name, 'ks-app');
    const user = store.users.by('name', 'ks-owner')[0]!;
    assert.equal((await send('PATCH', `${o}/identity/v3/users/${user.id}`, admin, { user: { default_project_id: partner } })).body.user.default_project_id, partner);
    const refused = await send('PATCH', `${o}/identity/v3/users/${user.id}`, admin, { user: { default_project_id: user.domainId } });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /default project ID cannot be a domain ID/);
    const cleared = await send('PATCH', `${o}/identity/v3/users/${user.id}`, admin, { user: { default_project_id: null } });
    assert.equal(cleared.body.user.default_project_id, undefined);
    await send('PATCH', `${o}/identity/v3/users/${user.id}`, admin, { user: { default_project_id: app } });
  });

  test('keystone: the domain-scoped grant is listed by scope.domain.id, with names', async () => {
    const domain = store.domains.by('name', 'ks-domain')[0]!;
    const res = await send('GET', `${o}/identity/v3/role_assignments?scope.domain.id=${domain.id}&include_names`, admin);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.role_assignments.map((a: any) => [a.user.name, a.role.name, a.scope.domain.name]), [['ks-owner', 'reader', 'ks-domain']]);
    const everything = await send('GET', `${o}/identity/v3/role_assignments?user.id=${store.users.by('name', 'ks-owner')[0]!.id}`, admin);
    assert.deepEqual(everything.body.role_assignments.map((a: any) => Object.keys(a.scope)[0]).sort(), ['domain', 'project']);
  });

  test('nova: a keypair and a server made with the user\'s own token are hers; a stopped server stays SHUTOFF', async () => {
    const key = await send('POST', `${o}/compute/v2.1/os-keypairs`, owner, { keypair: { name: 'ks-own-key' } });
    assert.equal(key.status, 201);
    assert.equal(key.body.keypair.user_id, store.users.by('name', 'ks-owner')[0]!.id);
    const boot = await send('POST', `${o}/compute/v2.1/servers`, owner, {
      server: { name: 'ks-own', flavorRef: store.flavors.by('name', 'ks-private')[0]!.id, imageRef: idOf(store, 'images', 'ks-shared-image'), key_name: 'ks-own-key', networks: [{ uuid: idOf(store, 'networks', 'ks-net') }] },
    });
    assert.equal(boot.status, 202, JSON.stringify(boot.body));
    const id = boot.body.server.id as string;
    const show = () => send('GET', `${o}/compute/v2.1/servers/${id}`, owner);
    await eventually('ACTIVE', async () => ((await show()).body.server.status === 'ACTIVE' ? true : undefined));
    const server = (await show()).body.server;
    assert.deepEqual([server.user_id, server.tenant_id, server.key_name], [store.users.by('name', 'ks-owner')[0]!.id, app, 'ks-own-key']);
    assert.equal((await send('POST', `${o}/compute/v2.1/servers/${id}/action`, owner, { 'os-stop': null })).status, 202);
    await eventually('SHUTOFF', async () => ((await show()).body.server.status === 'SHUTOFF' ? true : undefined));
    await new Promise((r) => setTimeout(r, 50));
    const later = (await show()).body.server;
    assert.deepEqual([later.status, later['OS-EXT-STS:power_state'], later['OS-EXT-STS:vm_state']], ['SHUTOFF', 4, 'stopped']);
  });

  test('nova: an AMI boots with its kernel and ramdisk; a missing kernel refuses the boot', async () => {
    const ami = store.images.by('name', 'ks-ami')[0]!;
    const boot = await send('POST', `${o}/compute/v2.1/servers`, owner, {
      server: { name: 'ks-ami-2', flavorRef: '2', imageRef: ami.id, networks: [{ uuid: idOf(store, 'networks', 'ks-net') }] },
    });
    assert.equal(boot.status, 202, JSON.stringify(boot.body));
    const seen = (await send('GET', `${o}/compute/v2.1/servers/${boot.body.server.id}`, admin)).body.server;
    assert.equal(seen['OS-EXT-SRV-ATTR:kernel_id'], ami.properties['kernel_id']);
    assert.equal(seen['OS-EXT-SRV-ATTR:ramdisk_id'], ami.properties['ramdisk_id']);
    assert.equal((await send('GET', `${o}/compute/v2.1/servers/${store.servers.by('name', 'ks-web-1')[0]!.id}`, admin)).body.server['OS-EXT-SRV-ATTR:kernel_id'], '');
    const orphan = await send('POST', `${o}/image/v2/images`, owner, { name: 'orphan-ami', disk_format: 'ami', container_format: 'ami', kernel_id: '00000000-0000-4000-8000-000000000000' });
    assert.equal(orphan.status, 201);
    store.images.update(store.images.get(orphan.body.id)!, (i) => Object.assign(i, { status: 'active' }));
    const refused = await send('POST', `${o}/compute/v2.1/servers`, owner, { server: { name: 'x', flavorRef: '2', imageRef: orphan.body.id, networks: 'none' } });
    assert.deepEqual([refused.status, refused.body.badRequest?.message], [400, 'Can not find requested image']);
  });

  test('nova: PUT /servers/{id} changes name and description (2.19+), refuses other keys', async () => {
    const id = store.servers.by('name', 'ks-kernel-boot')[0]!.id;
    const res = await send('PUT', `${o}/compute/v2.1/servers/${id}`, owner, { server: { description: 'renamed', name: 'ks-kernel-boot' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.server.description, 'renamed');
    assert.equal(res.body.server['OS-EXT-SRV-ATTR:host'], undefined, 'the update view leaves the extended attributes out');
    const refused = await send('PUT', `${o}/compute/v2.1/servers/${id}`, owner, { server: { flavorRef: '1' } });
    assert.equal(refused.status, 400);
    assert.match(refused.body.badRequest.message, /Additional properties are not allowed \('flavorRef' was unexpected\)/);
    const old = await send('PUT', `${o}/compute/v2.1/servers/${id}`, owner, { server: { description: 'x' } }, { 'openstack-api-version': 'compute 2.18' });
    assert.equal(old.status, 400, 'description needs 2.19');
  });

  test('neutron: a port with a chosen MAC and allowed address pairs (a pair without a MAC takes the port\'s)', async () => {
    const net = idOf(store, 'networks', 'ks-net');
    const made = await send('POST', `${o}/network/v2.0/ports`, owner, {
      port: { network_id: net, mac_address: '02:4b:53:00:00:09', allowed_address_pairs: [{ ip_address: '10.77.0.251' }, { ip_address: '10.77.9.0/24', mac_address: '02:4b:53:00:00:0a' }] },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.port.mac_address, '02:4b:53:00:00:09');
    assert.deepEqual(made.body.port.allowed_address_pairs, [
      { ip_address: '10.77.0.251', mac_address: '02:4b:53:00:00:09' }, { ip_address: '10.77.9.0/24', mac_address: '02:4b:53:00:00:0a' },
    ]);
    const taken = await send('POST', `${o}/network/v2.0/ports`, owner, { port: { network_id: net, mac_address: KS_FIXED_MAC } });
    assert.deepEqual([taken.status, taken.body.NeutronError.type], [409, 'MacAddressInUse']);
    const foreign = await send('POST', `${o}/network/v2.0/ports`, owner, { port: { network_id: idOf(store, 'networks', 'public'), mac_address: '02:4b:53:00:00:0b' } });
    assert.equal(foreign.status, 403, 'only the network owner chooses a MAC');
    const refusals: Array<[unknown, number, string]> = [
      [{ network_id: net, port_security_enabled: false, allowed_address_pairs: [{ ip_address: '10.77.0.5' }] }, 409, 'AddressPairAndPortSecurityRequired'],
      [{ network_id: net, allowed_address_pairs: [{ mac_address: '02:4b:53:00:00:0c' }] }, 400, 'AllowedAddressPairsMissingIP'],
      [{ network_id: net, allowed_address_pairs: [{ ip_address: '10.77.0.5' }, { ip_address: '10.77.0.5' }] }, 400, 'DuplicateAddressPairInRequest'],
      [{ network_id: net, allowed_address_pairs: Array.from({ length: 11 }, (_, i) => ({ ip_address: `10.77.0.${i + 2}` })) }, 400, 'AllowedAddressPairExhausted'],
    ];
    for (const [port, status, type] of refusals) {
      const res = await send('POST', `${o}/network/v2.0/ports`, owner, { port });
      assert.deepEqual([res.status, res.body.NeutronError.type], [status, type], JSON.stringify(port));
    }
    const updated = await send('PUT', `${o}/network/v2.0/ports/${made.body.port.id}`, owner, { port: { allowed_address_pairs: [], description: 'no pairs' } });
    assert.deepEqual([updated.status, updated.body.port.allowed_address_pairs, updated.body.port.description], [200, [], 'no pairs']);
    const unprotected = await send('PUT', `${o}/network/v2.0/ports/${made.body.port.id}`, owner, { port: { port_security_enabled: false } });
    assert.deepEqual([unprotected.status, unprotected.body.NeutronError.type], [409, 'PortSecurityPortHasSecurityGroup']);
  });

  test('neutron: router static routes need a next hop on one of its subnets; network MTU has a maximum; read-only attributes', async () => {
    const router = idOf(store, 'routers', 'ks-router');
    const put = (path: string, body: unknown) => send('PUT', `${o}/network/v2.0/${path}`, owner, body);
    const routes = [{ destination: '172.31.0.0/16', nexthop: '10.77.0.254' }, { destination: '172.30.0.0/16', nexthop: '10.77.0.253' }];
    const ok = await put(`routers/${router}`, { router: { routes } });
    assert.deepEqual([ok.status, ok.body.router.routes], [200, routes]);
    const far = await put(`routers/${router}`, { router: { routes: [{ destination: '172.29.0.0/16', nexthop: '192.0.2.1' }] } });
    assert.deepEqual([far.status, far.body.NeutronError.type], [400, 'InvalidRoutes']);
    assert.match(far.body.NeutronError.message, /the nexthop is not connected with router$/);
    const self = await put(`routers/${router}`, { router: { routes: [{ destination: '172.29.0.0/16', nexthop: '10.77.0.1' }] } });
    assert.match(self.body.NeutronError.message, /the nexthop is used by router$/);
    const net = idOf(store, 'networks', 'ks-net');
    const big = await put(`networks/${net}`, { network: { mtu: 9000 } });
    assert.deepEqual([big.status, big.body.NeutronError.message], [400, 'Invalid input for operation: Requested MTU is too big, maximum is 1450.']);
    assert.equal((await put(`networks/${net}`, { network: { mtu: 1300, description: 'smaller' } })).body.network.mtu, 1300);
    const readOnly = await put(`networks/${net}`, { network: { status: 'DOWN' } });
    assert.deepEqual([readOnly.status, readOnly.body.NeutronError.message], [400, 'Cannot update read-only attribute status']);
    const unknown = await put(`subnets/${idOf(store, 'subnets', 'ks-subnet')}`, { subnet: { colour: 'blue' } });
    assert.deepEqual([unknown.status, unknown.body.NeutronError.message], [400, "Unrecognized attribute(s) 'colour'"]);
    const subnet = await put(`subnets/${idOf(store, 'subnets', 'ks-subnet')}`, { subnet: { dns_nameservers: ['192.0.2.54'], host_routes: [] } });
    assert.deepEqual([subnet.body.subnet.dns_nameservers, subnet.body.subnet.host_routes], [['192.0.2.54'], []]);
  });

  test('glance: members — the owner shares, only the member (or an admin) accepts or rejects, the owner removes', async () => {
    const image = idOf(store, 'images', 'ks-shared-image');
    const members = `${o}/image/v2/images/${image}/members`;
    const adminProject = store.projects.by('name', 'admin')[0]!.id;
    const added = await send('POST', members, owner, { member: adminProject });
    assert.deepEqual([added.status, added.body.status], [200, 'pending']);
    assert.equal((await send('POST', members, owner, { member: adminProject })).status, 409);
    assert.equal((await send('PUT', `${members}/${partner}`, owner, { status: 'rejected' })).status, 403, 'the owner may not answer for the member');
    // A user of ks-partner answers for her project.
    const user = await send('POST', `${o}/identity/v3/users`, admin, { user: { name: 'ks-partner-user', domain_id: store.domains.by('name', 'ks-domain')[0]!.id, password: 'pw-ks-partner' } });
    const memberRole = store.roles.by('name', 'member')[0]!.id;
    await send('PUT', `${o}/identity/v3/projects/${partner}/users/${user.body.user.id}/roles/${memberRole}`, admin);
    const them = (await login(sandbox.source, { user: 'ks-partner-user', password: 'pw-ks-partner', project: 'ks-partner', domain: 'ks-domain' })).token;
    assert.equal((await send('GET', `${members}/${adminProject}`, them)).status, 404, 'another project\'s membership is not found');
    assert.equal((await send('PUT', `${members}/${partner}`, them, { status: 'maybe' })).status, 400);
    const rejected = await send('PUT', `${members}/${partner}`, them, { status: 'rejected' });
    assert.deepEqual([rejected.status, rejected.body.status], [200, 'rejected']);
    const listed = await send('GET', `${o}/image/v2/images`, them);
    assert.ok(!listed.body.images.some((i: any) => i.id === image), 'a rejected image leaves the member\'s list');
    assert.equal((await send('GET', `${members}/${partner}`, them)).body.status, 'rejected');
    assert.equal((await send('PUT', `${members}/${partner}`, admin, { status: 'accepted' })).body.status, 'accepted');
    assert.equal((await send('DELETE', `${members}/${adminProject}`, them)).status, 403);
    assert.equal((await send('DELETE', `${members}/${adminProject}`, owner)).status, 204);
    assert.deepEqual((await send('GET', members, owner)).body.members.map((m: any) => [m.member_id, m.status]), [[partner, 'accepted']]);
  });

  test('glance: kernel_id and ramdisk_id must be image ids (schema-image.json)', async () => {
    const bad = await send('POST', `${o}/image/v2/images`, owner, { name: 'bad-ami', kernel_id: 'vmlinuz' });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body), /Provided object does not match schema &#x27;image&#x27;|Provided object does not match schema 'image'/);
    const patch = await send('PATCH', `${o}/image/v2/images/${idOf(store, 'images', 'ks-ami')}`, owner, [{ op: 'replace', path: '/ramdisk_id', value: 'initrd' }],
      { 'content-type': 'application/openstack-images-v2.1-json-patch' });
    assert.equal(patch.status, 400);
  });

  test('cinder: PUT changes a volume\'s name, description and metadata', async () => {
    const id = idOf(store, 'volumes', 'ks-spare');
    const res = await send('PUT', `${o}/volume/v3/${app}/volumes/${id}`, owner, { volume: { description: 'still spare', metadata: { purpose: 'spare', tier: 'cold' } } });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.volume.description, res.body.volume.metadata], ['still spare', { purpose: 'spare', tier: 'cold' }]);
    assert.equal((await send('PUT', `${o}/volume/v3/${app}/volumes/${id}`, owner, { volume: { size: 5 } })).status, 400);
  });
});
