// Nova's write side in the simulator: flavors, keypairs, quotas, server groups, and the server
// lifecycle (boot, actions, tags, metadata, volumes, delete), spoken to over plain HTTP as a
// client would, with expectations taken from Zed's Nova (and the c6000 testbed where noted).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import { sandboxUserPassword } from '../../../src/simulator/scenarios/builder.js';
import type { CloudStore, Port, Volume } from '../../../src/simulator/store.js';
import { login, originOf, sender } from './helpers.js';
import { eventually } from '../../helpers/eventually.js';

const V287 = { 'OpenStack-API-Version': 'compute 2.87' };

const send = sender(V287);

/** The md5 fingerprint Nova computes: of the base64-decoded key blob, colon-separated. */
function md5Fingerprint(publicKey: string): string {
  const blob = Buffer.from(publicKey.split(' ')[1] ?? '', 'base64');
  return createHash('md5').update(blob).digest('hex').match(/../g)?.join(':') ?? '';
}

/** An ed25519 OpenSSH public key built from fixed bytes. */
function ed25519Key(seed: string): string {
  const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
  const type = Buffer.from('ssh-ed25519');
  const key = createHash('sha256').update(seed).digest();
  return `ssh-ed25519 ${Buffer.concat([u32(type.length), type, u32(key.length), key]).toString('base64')} test@example`;
}

/** An unbound port on the project's network, as a user would pre-create it in Neutron. */
function insertPort(store: CloudStore, networkName: string, ip: string): Port {
  const net = store.networks.by('name', networkName)[0];
  const subnet = net && store.subnets.by('network', net.id)[0];
  if (!net || !subnet) throw new Error(`no network ${networkName}`);
  return store.ports.insert({
    id: randomUUID(), name: 'pre-made', networkId: net.id, projectId: net.projectId, macAddress: 'fa:16:3e:00:00:01',
    fixedIps: [{ subnetId: subnet.id, ipAddress: ip }], deviceOwner: '', deviceId: '', bindingHostId: '', securityGroupIds: [],
    status: 'DOWN', adminStateUp: true, portSecurityEnabled: true, tags: [], description: '', createdAt: Date.now(),
  });
}

/** An available volume of a project, as Cinder would hold it. */
function insertVolume(store: CloudStore, projectId: string, name: string, spec: Partial<Volume> = {}): Volume {
  const type = store.volumeTypes.all()[0];
  return store.volumes.insert({
    id: randomUUID(), name, projectId, userId: '', sizeGb: 1, status: 'available', bootable: false, volumeTypeId: type?.id ?? '',
    availabilityZone: 'nova', attachments: [], metadata: {}, description: null, multiattach: false, encrypted: false, snapshotId: null,
    sourceVolid: null, imageId: null, backendHost: 'h@b#p', createdAt: Date.now(), updatedAt: Date.now(), ...spec,
  });
}

describe('simulator nova writes', () => {
  let sandbox: Sandbox;
  let store: CloudStore;
  let nova: string;
  let origin: string;
  let admin: string;
  let alice: string;
  let demoId: string;
  let aliceId: string;
  let cirrosId: string;

  before(async () => {
    sandbox = await startSandbox({ scenario: 'demo', portBase: 0, faults: { transitionMs: 5 } });
    store = sandbox.clouds.source.store;
    origin = originOf(sandbox.source);
    nova = `${origin}/compute/v2.1`;
    admin = (await login(sandbox.source)).token;
    const a = await login(sandbox.source, { user: 'alice', password: sandboxUserPassword('alice'), project: 'demo' });
    alice = a.token;
    demoId = (a.body.token['project'] as any).id;
    aliceId = (a.body.token['user'] as any).id;
    cirrosId = store.images.by('name', 'cirros-0.6.2-x86_64-disk')[0]?.id ?? '';
  });
  after(async () => {
    await sandbox.stop();
  });

  /** Boots a server as alice and waits until it leaves BUILD. */
  async function boot(server: Record<string, unknown>, token = alice): Promise<any> {
    const res = await send('POST', `${nova}/servers`, token, { server: { flavorRef: '1', imageRef: cirrosId, networks: 'none', ...server } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return eventually('the server to leave BUILD', async () => {
      const s = (await send('GET', `${nova}/servers/${res.body.server.id}`, admin)).body.server;
      return s.status === 'BUILD' ? undefined : s;
    });
  }

  // ---- flavors ------------------------------------------------------------------------------------

  test('flavor create answers 200 with the flavor; names and ids are unique; "auto" is a literal id', async () => {
    const created = await send('POST', `${nova}/flavors`, admin, { flavor: { name: 'w.small', ram: 1024, vcpus: 2, disk: 10, swap: 512, description: 'writes' } });
    assert.equal(created.status, 200);
    assert.deepEqual({ ...created.body.flavor, id: 'x', links: [] }, {
      id: 'x', name: 'w.small', ram: 1024, disk: 10, swap: 512, 'OS-FLV-EXT-DATA:ephemeral': 0, 'OS-FLV-DISABLED:disabled': false, vcpus: 2,
      'os-flavor-access:is_public': true, rxtx_factor: 1, links: [], description: 'writes', extra_specs: {},
    });
    assert.match(created.body.flavor.id, /^[0-9a-f-]{36}$/);
    const again = await send('POST', `${nova}/flavors`, admin, { flavor: { name: 'w.small', ram: 1024, vcpus: 2, disk: 10 } });
    assert.deepEqual(again.body, { conflictingRequest: { code: 409, message: 'Flavor with name w.small already exists.' } });
    const sameId = await send('POST', `${nova}/flavors`, admin, { flavor: { name: 'w.other', ram: 1024, vcpus: 2, disk: 10, id: '1' } });
    assert.deepEqual(sameId.body, { conflictingRequest: { code: 409, message: 'Flavor with ID 1 already exists.' } });
    const auto = await send('POST', `${nova}/flavors`, admin, { flavor: { name: 'w.auto', ram: 128, vcpus: 1, disk: 0, id: 'auto' } });
    assert.equal(auto.body.flavor.id, 'auto');
    const shown = await send('GET', `${nova}/flavors/${created.body.flavor.id}`, admin, undefined, V287);
    assert.equal(shown.body.flavor.name, 'w.small');
  });

  test('flavor create validates as Nova and is admin-only', async () => {
    const zeroRam = await send('POST', `${nova}/flavors`, admin, { flavor: { name: 'w.bad', ram: 0, vcpus: 1, disk: 0 } });
    assert.deepEqual(zeroRam.body, { badRequest: { code: 400, message: 'Invalid input for field/attribute ram. Value: 0. 0 is less than the minimum of 1' } });
    const noRam = await send('POST', `${nova}/flavors`, admin, { flavor: { name: 'w.bad', vcpus: 1, disk: 0 } });
    assert.equal(noRam.body.badRequest.message, "Invalid input for field/attribute flavor. Value: {'name': 'w.bad', 'vcpus': 1, 'disk': 0}. 'ram' is a required property");
    const byUser = await send('POST', `${nova}/flavors`, alice, { flavor: { name: 'w.user', ram: 1, vcpus: 1, disk: 0 } });
    assert.deepEqual(byUser.body, { forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed." } });
  });

  test('extra specs: merge, put one, mismatch, delete, missing key', async () => {
    const flavor = (await send('POST', `${nova}/flavors`, admin, { flavor: { name: 'w.specs', ram: 128, vcpus: 1, disk: 0 } })).body.flavor;
    const url = `${nova}/flavors/${flavor.id}/os-extra_specs`;
    assert.deepEqual((await send('POST', url, admin, { extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': 10 } })).body, { extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': 10 } });
    assert.deepEqual((await send('PUT', `${url}/hw:cpu_policy`, admin, { 'hw:cpu_policy': 'shared' })).body, { 'hw:cpu_policy': 'shared' });
    assert.deepEqual((await send('PUT', `${url}/hw:cpu_policy`, admin, { other: 'x' })).body, { badRequest: { code: 400, message: 'Request body and URI mismatch' } });
    assert.deepEqual((await send('GET', url, admin)).body, { extra_specs: { 'hw:cpu_policy': 'shared', 'quota:cpu_shares': '10' } });
    assert.equal((await send('DELETE', `${url}/hw:cpu_policy`, admin)).status, 200);
    assert.deepEqual((await send('DELETE', `${url}/hw:cpu_policy`, admin)).body, {
      itemNotFound: { code: 404, message: `Flavor ${flavor.id} has no extra specs with key hw:cpu_policy.` },
    });
  });

  test('flavor access: 409 on a public flavor; add, list and remove on a private one; delete → 202', async () => {
    const pub = (await send('POST', `${nova}/flavors`, admin, { flavor: { name: 'w.public', ram: 128, vcpus: 1, disk: 0 } })).body.flavor;
    const onPublic = await send('POST', `${nova}/flavors/${pub.id}/action`, admin, { addTenantAccess: { tenant: demoId } });
    assert.deepEqual(onPublic.body, { conflictingRequest: { code: 409, message: 'Can not add access to a public flavor.' } });
    const priv = (await send('POST', `${nova}/flavors`, admin, { flavor: { name: 'w.private', ram: 128, vcpus: 1, disk: 0, 'os-flavor-access:is_public': false } })).body.flavor;
    const added = await send('POST', `${nova}/flavors/${priv.id}/action`, admin, { addTenantAccess: { tenant: demoId } });
    assert.deepEqual(added.body, { flavor_access: [{ flavor_id: priv.id, tenant_id: demoId }] });
    assert.equal((await send('POST', `${nova}/flavors/${priv.id}/action`, admin, { addTenantAccess: { tenant: demoId } })).status, 409);
    assert.equal((await send('POST', `${nova}/flavors/${priv.id}/action`, admin, { addTenantAccess: { tenant: 'nope' } })).body.badRequest.message, 'Project ID nope is not a valid project.');
    // alice's project now sees the private flavor
    assert.equal((await send('GET', `${nova}/flavors/${priv.id}`, alice)).status, 200);
    assert.deepEqual((await send('POST', `${nova}/flavors/${priv.id}/action`, admin, { removeTenantAccess: { tenant: demoId } })).body, { flavor_access: [] });
    assert.equal((await send('POST', `${nova}/flavors/${priv.id}/action`, admin, { removeTenantAccess: { tenant: demoId } })).status, 404);
    assert.equal((await send('DELETE', `${nova}/flavors/${priv.id}`, admin)).status, 202);
    assert.deepEqual((await send('DELETE', `${nova}/flavors/${priv.id}`, admin)).body, { itemNotFound: { code: 404, message: `Flavor ${priv.id} could not be found.` } });
  });

  // ---- keypairs -----------------------------------------------------------------------------------

  test('keypair import: 201 from 2.2 (200 at 2.1), md5 fingerprint of the key blob, 409 on a second import', async () => {
    const key = ed25519Key('import');
    const res = await send('POST', `${nova}/os-keypairs`, alice, { keypair: { name: 'alice-import', public_key: key } });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body, { keypair: { name: 'alice-import', public_key: key, fingerprint: md5Fingerprint(key), user_id: aliceId, type: 'ssh' } });
    const dup = await send('POST', `${nova}/os-keypairs`, alice, { keypair: { name: 'alice-import', public_key: key } });
    assert.deepEqual(dup.body, { conflictingRequest: { code: 409, message: "Key pair 'alice-import' already exists." } });
    const old = await send('POST', `${nova}/os-keypairs`, alice, { keypair: { name: 'alice-old', public_key: key } }, {});
    assert.equal(old.status, 200);
    assert.equal(old.body.keypair.type, undefined);
    const garbage = await send('POST', `${nova}/os-keypairs`, alice, { keypair: { name: 'alice-bad', public_key: 'garbage' } });
    assert.deepEqual(garbage.body, { badRequest: { code: 400, message: 'Keypair data is invalid: failed to generate fingerprint' } });
  });

  test('keypair generation returns the private key once; delete is 204, then 404; other users need admin', async () => {
    const res = await send('POST', `${nova}/os-keypairs`, alice, { keypair: { name: 'alice-gen' } });
    assert.equal(res.status, 201);
    assert.match(res.body.keypair.private_key, /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.match(res.body.keypair.public_key, /^ssh-rsa AAAA\S+ Generated-by-Nova$/);
    assert.equal(res.body.keypair.fingerprint, md5Fingerprint(res.body.keypair.public_key));
    const shown = await send('GET', `${nova}/os-keypairs/alice-gen`, alice);
    assert.equal(shown.body.keypair.private_key, undefined);
    assert.equal(shown.body.keypair.fingerprint, res.body.keypair.fingerprint);
    const bobId = store.users.by('name', 'bob')[0]?.id;
    const forBob = await send('POST', `${nova}/os-keypairs`, alice, { keypair: { name: 'x', public_key: ed25519Key('bob'), user_id: bobId } });
    assert.equal(forBob.status, 403);
    const byAdmin = await send('POST', `${nova}/os-keypairs`, admin, { keypair: { name: 'for-bob', public_key: ed25519Key('bob'), user_id: bobId } });
    assert.equal(byAdmin.body.keypair.user_id, bobId);
    assert.equal((await send('DELETE', `${nova}/os-keypairs/for-bob?user_id=${bobId}`, admin)).status, 204);
    assert.equal((await send('DELETE', `${nova}/os-keypairs/alice-gen`, alice)).status, 204);
    assert.deepEqual((await send('DELETE', `${nova}/os-keypairs/alice-gen`, alice)).body, {
      itemNotFound: { code: 404, message: `Keypair alice-gen not found for user ${aliceId}` },
    });
  });

  // ---- quotas and server groups ------------------------------------------------------------------------

  test('quota update: admin-only, 200 with the limits, refuses limits below usage, rejects removed keys', async () => {
    const url = `${nova}/os-quota-sets/${demoId}`;
    assert.equal((await send('PUT', url, alice, { quota_set: { instances: 5 } })).status, 403);
    const res = await send('PUT', url, admin, { quota_set: { instances: 7, key_pairs: '50' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.quota_set.instances, 7);
    assert.equal(res.body.quota_set.key_pairs, 50);
    assert.equal(res.body.quota_set.id, undefined);
    assert.equal((await send('GET', url, admin)).body.quota_set.instances, 7);
    const below = await send('PUT', url, admin, { quota_set: { cores: 1 } });
    assert.match(below.body.badRequest.message, /^Quota limit 1 for cores must be greater than or equal to already used and reserved \d+\.$/);
    const gone = await send('PUT', url, admin, { quota_set: { floating_ips: 3 } });
    assert.equal(gone.body.badRequest.message, "Invalid input for field/attribute quota_set. Value: {'floating_ips': 3}. Additional properties are not allowed ('floating_ips' was unexpected)");
    assert.equal((await send('PUT', `${nova}/os-quota-sets/nope`, admin, { quota_set: { cores: 1 } })).body.badRequest.message, 'Project ID nope is not a valid project.');
    await send('PUT', url, admin, { quota_set: { instances: 50 } });
  });

  test('server groups: created in the token project with policy (2.64+) or policies, deleted with 204', async () => {
    const modern = await send('POST', `${nova}/os-server-groups`, alice, { server_group: { name: 'g1', policy: 'anti-affinity' } }, { 'OpenStack-API-Version': 'compute 2.64' });
    assert.equal(modern.status, 200);
    assert.deepEqual({ ...modern.body.server_group, id: 'x' }, { id: 'x', name: 'g1', policy: 'anti-affinity', rules: {}, members: [], project_id: demoId, user_id: aliceId });
    const legacy = await send('POST', `${nova}/os-server-groups`, alice, { server_group: { name: 'g2', policies: ['affinity'] } }, {});
    assert.deepEqual(legacy.body.server_group.policies, ['affinity']);
    const wrong = await send('POST', `${nova}/os-server-groups`, alice, { server_group: { name: 'g3', policies: ['anti-affinity'] } });
    assert.match(wrong.body.badRequest.message, /'policy' is a required property$/);
    assert.equal((await send('DELETE', `${nova}/os-server-groups/${legacy.body.server_group.id}`, alice)).status, 204);
    assert.deepEqual((await send('DELETE', `${nova}/os-server-groups/${legacy.body.server_group.id}`, alice)).body, {
      itemNotFound: { code: 404, message: `Instance group ${legacy.body.server_group.id} could not be found.` },
    });
  });

  // ---- server boot -------------------------------------------------------------------------------------

  test('a boot with a pre-created port, the caller\'s key, tags, metadata, user data and a volume at /dev/vdb', async () => {
    const port = insertPort(store, 'demo-net', '10.1.0.200');
    const volume = insertVolume(store, demoId, 'w-data');
    await send('POST', `${nova}/os-keypairs`, alice, { keypair: { name: 'alice-boot', public_key: ed25519Key('boot') } });
    // Slow the first step down so the BUILD state is there to be seen.
    sandbox.clouds.source.faults.update({ transitionMs: 300 });
    const res = await send('POST', `${nova}/servers`, alice, {
      server: {
        name: 'w-app', flavorRef: '1', imageRef: cirrosId, key_name: 'alice-boot', networks: [{ port: port.id }], metadata: { role: 'app' },
        tags: ['blue', 'tier-1'], user_data: Buffer.from('#cloud-config\n').toString('base64'), description: 'booted by a test',
        block_device_mapping_v2: [{ boot_index: 0, uuid: cirrosId, source_type: 'image', destination_type: 'local' },
          { uuid: volume.id, source_type: 'volume', destination_type: 'volume', boot_index: -1, delete_on_termination: false }],
      },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const id = res.body.server.id;
    assert.deepEqual(Object.keys(res.body.server).sort(), ['OS-DCF:diskConfig', 'adminPass', 'id', 'links', 'security_groups']);
    assert.deepEqual(res.body.server.security_groups, [{ name: 'default' }]);
    assert.equal(res.headers.get('location'), `${nova}/servers/${id}`);
    const building = (await send('GET', `${nova}/servers/${id}`, admin)).body.server;
    assert.deepEqual([building.status, building['OS-EXT-STS:vm_state'], building['OS-EXT-STS:task_state'], building['OS-EXT-SRV-ATTR:host']], ['BUILD', 'building', 'scheduling', null]);
    assert.equal(store.volumes.get(volume.id)?.status, 'reserved');
    sandbox.clouds.source.faults.update({ transitionMs: 5 });

    const s = await eventually('ACTIVE', async () => {
      const x = (await send('GET', `${nova}/servers/${id}`, admin)).body.server;
      return x.status === 'ACTIVE' ? x : undefined;
    });
    assert.equal(s.tenant_id, demoId);
    assert.equal(s.user_id, aliceId);
    assert.equal(s.key_name, 'alice-boot');
    assert.deepEqual(s.tags, ['blue', 'tier-1']);
    assert.deepEqual(s.metadata, { role: 'app' });
    assert.equal(s.description, 'booted by a test');
    assert.equal(s['OS-EXT-SRV-ATTR:user_data'], Buffer.from('#cloud-config\n').toString('base64'));
    assert.equal(s['OS-EXT-STS:power_state'], 1);
    assert.match(s['OS-EXT-SRV-ATTR:host'], /^cmp-\d$/);
    assert.deepEqual(s['os-extended-volumes:volumes_attached'], [{ id: volume.id, delete_on_termination: false }]);
    assert.deepEqual(s.addresses['demo-net'].map((a: any) => a.addr), ['10.1.0.200']);

    const nport = (await send('GET', `${origin}/network/v2.0/ports/${port.id}`, admin, undefined, {})).body.port;
    assert.deepEqual([nport.device_id, nport.device_owner, nport['binding:host_id'], nport.status], [id, 'compute:nova', s['OS-EXT-SRV-ATTR:host'], 'ACTIVE']);
    const vol = (await send('GET', `${origin}/volume/v3/${demoId}/volumes/${volume.id}`, admin, undefined, {})).body.volume;
    assert.equal(vol.status, 'in-use');
    assert.deepEqual(vol.attachments.map((a: any) => [a.server_id, a.device]), [[id, '/dev/vdb']]);
    const attachments = (await send('GET', `${nova}/servers/${id}/os-volume_attachments`, alice)).body.volumeAttachments;
    assert.deepEqual(attachments.map((a: any) => [a.volumeId, a.device, a.delete_on_termination]), [[volume.id, '/dev/vdb', false]]);
  });

  test('the boot refusals carry Nova\'s statuses and messages', async () => {
    const bound = store.ports.all().find((p) => p.deviceOwner === 'compute:nova' && p.projectId === demoId);
    const inUseVolume = store.volumes.find((v) => v.name === 'db-data');
    const base = { name: 'w-refused', flavorRef: '1', imageRef: cirrosId, networks: 'none' };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ flavorRef: '999' }, 400, 'Flavor 999 could not be found.'],
      [{ imageRef: randomUUID() }, 400, 'Can not find requested image'],
      [{ key_name: 'admin-key' }, 400, 'Invalid key_name provided.'],
      [{ networks: [{ uuid: '00000000-0000-4000-8000-000000000000' }] }, 400, 'Network 00000000-0000-4000-8000-000000000000 could not be found.'],
      [{ networks: [{ port: '00000000-0000-4000-8000-000000000001' }] }, 400, 'Port id 00000000-0000-4000-8000-000000000001 could not be found.'],
      [{ networks: [{ port: bound?.id }] }, 409, `Port ${bound?.id} is still in use.`],
      [{ block_device_mapping_v2: [{ uuid: '00000000-0000-4000-8000-000000000002', source_type: 'volume', destination_type: 'volume' }] }, 400, 'Volume 00000000-0000-4000-8000-000000000002 could not be found.'],
      [{ block_device_mapping_v2: [{ uuid: inUseVolume?.id, source_type: 'volume', destination_type: 'volume' }] }, 400, `Invalid volume: volume ${inUseVolume?.id} is already attached to instances: ${inUseVolume?.attachments[0]?.serverId}`],
      [{ security_groups: [{ name: 'nope' }] }, 400, 'Security group nope not found.'],
      [{ user_data: 'not base64!' }, 400, "Invalid input for field/attribute user_data. Value: 'not base64!'. 'not base64!' is not a 'base64'"],
    ];
    for (const [change, status, message] of cases) {
      const res = await send('POST', `${nova}/servers`, alice, { server: { ...base, ...change } });
      assert.equal(res.status, status, `${JSON.stringify(change)}: ${JSON.stringify(res.body)}`);
      assert.equal(Object.values(res.body as object)[0].message, message);
    }
    const noNetworks = await send('POST', `${nova}/servers`, alice, { server: { name: 'x', flavorRef: '1', imageRef: cirrosId } });
    assert.match(noNetworks.body.badRequest.message, /'networks' is a required property$/);
    assert.equal(store.servers.by('name', 'w-refused').length, 0, 'a refused boot leaves no server behind');
  });

  test('quota refusal says what is over, requested, used and allowed', async () => {
    const used = store.quotaUsage('compute', demoId)['cores'] ?? 0;
    await send('PUT', `${nova}/os-quota-sets/${demoId}`, admin, { quota_set: { cores: used } });
    const res = await send('POST', `${nova}/servers`, alice, { server: { name: 'w-quota', flavorRef: '3', imageRef: cirrosId, networks: 'none' } });
    assert.deepEqual(res.body, { forbidden: { code: 403, message: `Quota exceeded for cores: Requested 2, but already used ${used} of ${used} cores` } });
    await send('PUT', `${nova}/os-quota-sets/${demoId}`, admin, { quota_set: { cores: 20 } });
  });

  test('no host with room → ERROR with a 500 fault "No valid host was found"', async () => {
    const adminProject = store.projectByName('admin', 'default')?.id ?? '';
    await send('PUT', `${nova}/os-quota-sets/${adminProject}`, admin, { quota_set: { cores: -1, ram: -1 } });
    const huge = (await send('POST', `${nova}/flavors`, admin, { flavor: { name: 'w.huge', ram: 4_000_000, vcpus: 1, disk: 1 } })).body.flavor;
    const s = await boot({ name: 'w-nohost', flavorRef: huge.id }, admin);
    assert.deepEqual([s.status, s['OS-EXT-STS:vm_state'], s['OS-EXT-STS:task_state']], ['ERROR', 'error', null]);
    assert.equal(s.fault.code, 500);
    assert.equal(s.fault.message, 'No valid host was found. There are not enough hosts available.');
  });

  test('a hang fault keeps a server in BUILD', async () => {
    sandbox.clouds.source.faults.update({ hang: [{ kind: 'server', name: 'w-hang*' }] });
    const res = await send('POST', `${nova}/servers`, alice, { server: { name: 'w-hang-1', flavorRef: '1', imageRef: cirrosId, networks: 'none' } });
    await new Promise((r) => setTimeout(r, 60));
    const s = (await send('GET', `${nova}/servers/${res.body.server.id}`, alice)).body.server;
    assert.deepEqual([s.status, s['OS-EXT-STS:task_state']], ['BUILD', 'scheduling']);
    const tag = await send('PUT', `${nova}/servers/${s.id}/tags/t`, alice);
    assert.deepEqual(tag.body, { conflictingRequest: { code: 409, message: `Cannot 'update tag' instance ${s.id} while it is in vm_state building` } });
    const snap = await send('POST', `${nova}/servers/${s.id}/action`, alice, { createImage: { name: 'never' } });
    assert.equal(snap.body.conflictingRequest.message, `Cannot 'createImage' instance ${s.id} while it is in vm_state building`);
    sandbox.clouds.source.faults.update({ hang: [] });
  });

  test('anti-affinity places group members on different hosts', async () => {
    const group = (await send('POST', `${nova}/os-server-groups`, alice, { server_group: { name: 'w-anti', policy: 'anti-affinity' } })).body.server_group;
    const hosts: string[] = [];
    for (const name of ['w-anti-1', 'w-anti-2']) {
      const res = await send('POST', `${nova}/servers`, alice, { server: { name, flavorRef: '1', imageRef: cirrosId, networks: 'none' }, 'os:scheduler_hints': { group: group.id } });
      const s = await eventually('ACTIVE', async () => {
        const x = (await send('GET', `${nova}/servers/${res.body.server.id}`, admin)).body.server;
        return x.status === 'ACTIVE' ? x : undefined;
      });
      hosts.push(s['OS-EXT-SRV-ATTR:host']);
    }
    assert.notEqual(hosts[0], hosts[1]);
    assert.equal((await send('GET', `${nova}/os-server-groups/${group.id}`, alice)).body.server_group.members.length, 2);
  });

  // ---- actions -------------------------------------------------------------------------------------------

  test('stop → SHUTOFF (a second stop is 409), createImage → an active image with the same md5, start → ACTIVE', async () => {
    const s = await boot({ name: 'w-snap' });
    assert.equal((await send('POST', `${nova}/servers/${s.id}/action`, alice, { 'os-start': null })).body.conflictingRequest.message,
      `Cannot 'start' instance ${s.id} while it is in vm_state active`);
    // Slow enough transitions that the transitional states can be seen on a busy machine.
    sandbox!.clouds.source.faults.update({ transitionMs: 400 });
    assert.equal((await send('POST', `${nova}/servers/${s.id}/action`, alice, { 'os-stop': null })).status, 202);
    const powering = (await send('GET', `${nova}/servers/${s.id}`, alice)).body.server;
    assert.deepEqual([powering.status, powering['OS-EXT-STS:task_state']], ['ACTIVE', 'powering-off']);
    await eventually('SHUTOFF', async () => ((await send('GET', `${nova}/servers/${s.id}`, alice)).body.server.status === 'SHUTOFF' ? true : undefined));
    const again = await send('POST', `${nova}/servers/${s.id}/action`, alice, { 'os-stop': null });
    assert.deepEqual(again.body, { conflictingRequest: { code: 409, message: `Cannot 'stop' instance ${s.id} while it is in vm_state stopped` } });

    const snap = await send('POST', `${nova}/servers/${s.id}/action`, alice, { createImage: { name: 'w-snap-image', metadata: { pumphouse_source: 'x' } } });
    assert.equal(snap.status, 202);
    const imageId = snap.body.image_id;
    assert.equal((await send('GET', `${nova}/servers/${s.id}`, alice)).body.server['OS-EXT-STS:task_state'], 'image_snapshot');
    sandbox!.clouds.source.faults.update({ transitionMs: 5 });
    const image = await eventually('the snapshot to be active', async () => {
      const body = (await send('GET', `${origin}/image/v2/images/${imageId}`, alice, undefined, {})).body;
      return body.status === 'active' ? body : undefined;
    });
    const base = (await send('GET', `${origin}/image/v2/images/${cirrosId}`, alice, undefined, {})).body;
    assert.equal(image.checksum, base.checksum);
    assert.equal(image.size, base.size);
    assert.deepEqual([image.owner, image.visibility, image.image_type, image.instance_uuid, image.base_image_ref, image.pumphouse_source], [demoId, 'private', 'snapshot', s.id, cirrosId, 'x']);
    assert.equal((await send('GET', `${nova}/servers/${s.id}`, alice)).body.server['OS-EXT-STS:task_state'], null);
    const old = await send('POST', `${nova}/servers/${s.id}/action`, alice, { createImage: { name: 'w-snap-old' } }, { 'OpenStack-API-Version': 'compute 2.44' });
    assert.equal(old.status, 202);
    assert.match(old.headers.get('location') ?? '', /\/images\/[0-9a-f-]{36}$/);

    await eventually('the second snapshot', async () => ((await send('GET', `${nova}/servers/${s.id}`, alice)).body.server['OS-EXT-STS:task_state'] === null ? true : undefined));
    assert.equal((await send('POST', `${nova}/servers/${s.id}/action`, alice, { 'os-start': null })).status, 202);
    await eventually('ACTIVE', async () => ((await send('GET', `${nova}/servers/${s.id}`, alice)).body.server.status === 'ACTIVE' ? true : undefined));
    assert.equal((await send('POST', `${nova}/servers/${s.id}/action`, alice, { fly: {} })).body.badRequest.message, 'There is no such action: fly');
  });

  test('lock and unlock: locked shows at once; an admin\'s lock is lifted only by an admin', async () => {
    const s = await boot({ name: 'w-lock' });
    const locked = async () => (await send('GET', `${nova}/servers/${s.id}`, alice)).body.server.locked as boolean;
    assert.equal((await send('POST', `${nova}/servers/${s.id}/action`, alice, { lock: null })).status, 202);
    assert.equal(await locked(), true);
    assert.equal((await send('POST', `${nova}/servers/${s.id}/action`, alice, { unlock: null })).status, 202, 'the owner lifts her own lock');
    assert.equal(await locked(), false);
    assert.equal((await send('POST', `${nova}/servers/${s.id}/action`, admin, { lock: null })).status, 202);
    const refused = await send('POST', `${nova}/servers/${s.id}/action`, alice, { unlock: null });
    assert.equal(refused.status, 403);
    assert.match(refused.body.forbidden.message, /unlock_override/);
    assert.equal(await locked(), true);
    assert.equal((await send('POST', `${nova}/servers/${s.id}/action`, admin, { unlock: null })).status, 202);
    assert.equal(await locked(), false);
  });

  test('createImage of a boot-from-volume server: a zero-size image mapping a snapshot of the root volume', async () => {
    const root = insertVolume(store, demoId, 'w-root', { bootable: true, sizeGb: 3, imageId: cirrosId });
    const s = await boot({ name: 'w-bfv', imageRef: '', block_device_mapping_v2: [{ boot_index: 0, uuid: root.id, source_type: 'volume', destination_type: 'volume' }] });
    assert.equal(s.status, 'ACTIVE');
    assert.equal(s.image, '');
    assert.equal(store.volumes.get(root.id)?.attachments[0]?.device, '/dev/vda');
    const snap = await send('POST', `${nova}/servers/${s.id}/action`, alice, { createImage: { name: 'w-bfv-image' } });
    const image = (await send('GET', `${origin}/image/v2/images/${snap.body.image_id}`, alice, undefined, {})).body;
    assert.deepEqual([image.status, image.size, image.bdm_v2, image.root_device_name], ['active', 0, 'True', '/dev/vda']);
    const mapping = JSON.parse(image.block_device_mapping);
    const snapshot = store.snapshots.get(mapping[0].snapshot_id);
    assert.equal(snapshot?.volumeId, root.id);
    assert.equal(snapshot?.name, 'snapshot for w-bfv-image');
    assert.equal(mapping[0].boot_index, 0);
    assert.equal((await send('DELETE', `${nova}/servers/${s.id}/os-volume_attachments/${root.id}`, alice)).body.badRequest.message, 'Cannot detach a root device volume');
  });

  test('tags: replace, add (201 then 204), check, delete, and the list filters', async () => {
    const s = await boot({ name: 'w-tags', tags: ['a'] });
    const url = `${nova}/servers/${s.id}/tags`;
    assert.deepEqual((await send('PUT', url, alice, { tags: ['x', 'y'] })).body, { tags: ['x', 'y'] });
    const added = await send('PUT', `${url}/z`, alice);
    assert.equal(added.status, 201);
    assert.equal(added.headers.get('location'), `${url}/z`);
    assert.equal((await send('PUT', `${url}/z`, alice)).status, 204);
    assert.equal((await send('GET', `${url}/z`, alice)).status, 204);
    assert.deepEqual((await send('GET', `${url}/nope`, alice)).body, { itemNotFound: { code: 404, message: `Server ${s.id} has no tag 'nope'` } });
    assert.deepEqual((await send('DELETE', `${url}/nope`, alice)).body, { itemNotFound: { code: 404, message: `Instance ${s.id} has no tag 'nope'` } });
    assert.equal((await send('DELETE', `${url}/y`, alice)).status, 204);
    assert.deepEqual((await send('GET', url, alice)).body, { tags: ['x', 'z'] });
    const names = async (query: string): Promise<string[]> => (await send('GET', `${nova}/servers?${query}`, alice)).body.servers.map((x: any) => x.name);
    assert.deepEqual(await names('tags=x,z'), ['w-tags']);
    assert.deepEqual(await names('tags-any=z,q'), ['w-tags']);
    assert.ok(!(await names('not-tags=x,z')).includes('w-tags'));
    assert.ok((await names('not-tags=x,q')).includes('w-tags'));
    assert.ok(!(await names('not-tags-any=q,z')).includes('w-tags'));
    assert.equal((await send('PUT', `${url}/a,b`, alice)).status, 400);
    assert.equal((await send('DELETE', url, alice)).status, 204);
    assert.deepEqual((await send('GET', url, alice)).body, { tags: [] });
    assert.equal((await send('PUT', url, alice, { tags: ['x'] }, { 'OpenStack-API-Version': 'compute 2.25' })).status, 404);
  });

  test('metadata: merge, replace, one item, mismatch, delete', async () => {
    const s = await boot({ name: 'w-meta', metadata: { k: 'v' } });
    const url = `${nova}/servers/${s.id}/metadata`;
    assert.deepEqual((await send('POST', url, alice, { metadata: { a: '1' } })).body, { metadata: { k: 'v', a: '1' } });
    assert.deepEqual((await send('PUT', `${url}/b`, alice, { meta: { b: '2' } })).body, { meta: { b: '2' } });
    assert.deepEqual((await send('PUT', `${url}/b`, alice, { meta: { c: '2' } })).body, { badRequest: { code: 400, message: 'Request body and URI mismatch' } });
    assert.deepEqual((await send('GET', `${url}/a`, alice)).body, { meta: { a: '1' } });
    assert.deepEqual((await send('DELETE', `${url}/zz`, alice)).body, { itemNotFound: { code: 404, message: 'Metadata item was not found' } });
    assert.equal((await send('DELETE', `${url}/a`, alice)).status, 204);
    assert.deepEqual((await send('PUT', url, alice, { metadata: { only: '1' } })).body, { metadata: { only: '1' } });
    assert.deepEqual((await send('GET', url, alice)).body, { metadata: { only: '1' } });
  });

  test('volume attachments: attach at the next device, 400 when attached twice, detach back to available', async () => {
    const s = await boot({ name: 'w-vols' });
    const volume = insertVolume(store, demoId, 'w-extra');
    const url = `${nova}/servers/${s.id}/os-volume_attachments`;
    const res = await send('POST', url, alice, { volumeAttachment: { volumeId: volume.id, tag: 'data', delete_on_termination: true } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { volumeAttachment: { id: volume.id, serverId: s.id, volumeId: volume.id, device: '/dev/vdb', tag: 'data', delete_on_termination: true } });
    assert.equal(store.volumes.get(volume.id)?.status, 'attaching');
    await eventually('in-use', async () => (store.volumes.get(volume.id)?.status === 'in-use' ? true : undefined));
    const twice = await send('POST', url, alice, { volumeAttachment: { volumeId: volume.id } });
    assert.equal(twice.body.badRequest.message, `Invalid volume: volume ${volume.id} already attached`);
    assert.equal((await send('POST', url, alice, { volumeAttachment: { volumeId: randomUUID() } })).status, 404);
    const one = await send('GET', `${url}/${volume.id}`, alice, undefined, { 'OpenStack-API-Version': 'compute 2.89' });
    assert.deepEqual([one.body.volumeAttachment.device, one.body.volumeAttachment.tag, one.body.volumeAttachment.id], ['/dev/vdb', 'data', undefined]);
    assert.equal((await send('DELETE', `${url}/${volume.id}`, alice)).status, 202);
    await eventually('available', async () => (store.volumes.get(volume.id)?.status === 'available' ? true : undefined));
    assert.deepEqual(store.volumes.get(volume.id)?.attachments, []);
    assert.deepEqual((await send('GET', url, alice)).body, { volumeAttachments: [] });
  });

  test('security groups: add and remove on the server\'s ports', async () => {
    const s = await boot({ name: 'w-sg', networks: [{ uuid: store.networks.by('name', 'demo-net')[0]?.id }] });
    assert.deepEqual(s.security_groups, [{ name: 'default' }]);
    assert.equal((await send('POST', `${nova}/servers/${s.id}/action`, alice, { addSecurityGroup: { name: 'web' } })).status, 202);
    assert.deepEqual((await send('GET', `${nova}/servers/${s.id}`, alice)).body.server.security_groups, [{ name: 'default' }, { name: 'web' }]);
    assert.equal((await send('POST', `${nova}/servers/${s.id}/action`, alice, { addSecurityGroup: { name: 'web' } })).status, 400);
    assert.equal((await send('POST', `${nova}/servers/${s.id}/action`, alice, { removeSecurityGroup: { name: 'web' } })).status, 202);
    assert.equal((await send('POST', `${nova}/servers/${s.id}/action`, alice, { removeSecurityGroup: { name: 'web' } })).status, 400);
  });

  // ---- delete --------------------------------------------------------------------------------------------

  test('delete: Nova\'s own ports go (their floating IP loses the port), pre-created ports are unbound, volumes detached or deleted', async () => {
    const pre = insertPort(store, 'demo-net', '10.1.0.210');
    const keep = insertVolume(store, demoId, 'w-keep');
    const drop = insertVolume(store, demoId, 'w-drop');
    const net = store.networks.by('name', 'demo-net')[0]?.id;
    const s = await boot({
      name: 'w-delete', networks: [{ port: pre.id }, { uuid: net }],
      block_device_mapping_v2: [{ uuid: keep.id, source_type: 'volume', destination_type: 'volume', boot_index: -1 },
        { uuid: drop.id, source_type: 'volume', destination_type: 'volume', boot_index: -1, delete_on_termination: true }],
    });
    assert.equal(s.status, 'ACTIVE');
    const created = store.serverPorts(s.id).find((p) => p.id !== pre.id);
    assert.ok(created, 'Nova created a port for the network request');
    const fip = store.floatingIps.all().find((f) => f.portId === null && f.projectId === demoId) ?? store.floatingIps.insert({
      id: randomUUID(), projectId: demoId, floatingNetworkId: store.networks.by('name', 'public')[0]?.id ?? '', floatingIpAddress: '203.0.113.250',
      portId: null, fixedIpAddress: null, routerId: null, status: 'DOWN', description: '', tags: [], createdAt: Date.now(),
    });
    store.floatingIps.update(fip, (f) => { f.portId = created.id; f.fixedIpAddress = created.fixedIps[0]?.ipAddress ?? null; f.status = 'ACTIVE'; });
    assert.deepEqual([...new Set(s['os-extended-volumes:volumes_attached'].map((v: any) => v.id))].sort(), [keep.id, drop.id].sort());

    // Slow enough that `deleting` can be seen on a busy machine (at 5 ms the server can be gone before the GET).
    sandbox.clouds.source.faults.update({ transitionMs: 400 });
    assert.equal((await send('DELETE', `${nova}/servers/${s.id}`, alice)).status, 204);
    assert.equal((await send('GET', `${nova}/servers/${s.id}`, alice)).body.server['OS-EXT-STS:task_state'], 'deleting');
    sandbox.clouds.source.faults.update({ transitionMs: 5 });
    await eventually('the server to be gone', async () => ((await send('GET', `${nova}/servers/${s.id}`, alice)).status === 404 ? true : undefined));
    assert.equal(store.ports.get(created.id), undefined);
    assert.deepEqual([fip.portId, fip.fixedIpAddress, fip.status], [null, null, 'DOWN']);
    const unbound = (await send('GET', `${origin}/network/v2.0/ports/${pre.id}`, admin, undefined, {})).body.port;
    assert.deepEqual([unbound.device_id, unbound.device_owner, unbound.status], ['', '', 'DOWN']);
    assert.deepEqual([store.volumes.get(keep.id)?.status, store.volumes.get(keep.id)?.attachments], ['available', []]);
    assert.equal(store.volumes.get(drop.id), undefined);
    assert.equal((await send('GET', `${origin}/volume/v3/${demoId}/volumes/${drop.id}`, admin, undefined, {})).status, 404);
  });
});
