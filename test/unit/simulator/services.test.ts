import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import { sandboxUserPassword } from '../../../src/simulator/scenarios/builder.js';
import { getJson, login, originOf } from './helpers.js';

describe('simulator nova, glance, neutron, cinder', () => {
  let sandbox: Sandbox;
  let token: string;
  let origin: string;
  let adminProject: string;
  before(async () => {
    sandbox = await startSandbox({ scenario: 'demo', portBase: 0 });
    const l = await login(sandbox.source);
    token = l.token;
    adminProject = (l.body.token['project'] as any).id;
    origin = originOf(sandbox.source);
  });
  after(async () => {
    await sandbox.stop();
  });

  test('nova echoes the negotiated microversion, with Vary, and defaults to 2.1', async () => {
    const plain = await getJson(`${origin}/compute/v2.1/flavors`, token);
    assert.equal(plain.headers.get('openstack-api-version'), 'compute 2.1');
    assert.equal(plain.headers.get('x-openstack-nova-api-version'), '2.1');
    assert.match(plain.headers.get('vary') ?? '', /OpenStack-API-Version/);
    const v60 = await getJson(`${origin}/compute/v2.1/flavors`, token, { 'OpenStack-API-Version': 'compute 2.60' });
    assert.equal(v60.headers.get('openstack-api-version'), 'compute 2.60');
    const legacy = await getJson(`${origin}/compute/v2.1/flavors`, token, { 'X-OpenStack-Nova-API-Version': '2.47' });
    assert.equal(legacy.headers.get('x-openstack-nova-api-version'), '2.47');
    const latest = await getJson(`${origin}/compute/v2.1/flavors`, token, { 'OpenStack-API-Version': 'compute latest' });
    assert.equal(latest.headers.get('openstack-api-version'), 'compute 2.93');
  });

  test('nova and cinder answer 406 for versions outside their range', async () => {
    const nova = await getJson(`${origin}/compute/v2.1/servers`, token, { 'OpenStack-API-Version': 'compute 2.94' });
    assert.equal(nova.status, 406);
    assert.deepEqual(nova.body, { computeFault: { code: 406, message: 'Version 2.94 is not supported by the API. Minimum is 2.1 and maximum is 2.93.' } });
    const cinder = await getJson(`${origin}/volume/v3/${adminProject}/volumes`, token, { 'OpenStack-API-Version': 'volume 3.71' });
    assert.equal(cinder.status, 406);
    assert.equal(cinder.headers.get('openstack-api-version'), 'volume 3.71');
    assert.match(cinder.body.computeFault.message, /Minimum is 3.0 and maximum is 3.70/);
  });

  test('server shape follows the microversion (flavor at 2.47, tags at 2.26)', async () => {
    const query = `${origin}/compute/v2.1/servers/detail?all_tenants=1&name=^ops-bastion$`;
    const old = (await getJson(query, token)).body.servers[0];
    assert.deepEqual(Object.keys(old.flavor).sort(), ['id', 'links']);
    assert.equal(old.tags, undefined);
    const v = (await getJson(query, token, { 'OpenStack-API-Version': 'compute 2.93' })).body.servers[0];
    assert.deepEqual(v.flavor, { vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, original_name: 'm1.tiny', extra_specs: {} });
    assert.deepEqual(v.tags, ['bastion', 'ssh']);
    assert.deepEqual(v.metadata, { role: 'bastion', owner: 'carol' });
    assert.equal(v['OS-EXT-SRV-ATTR:host'], 'cmp-1');
    const fixed = v.addresses['it-ops-net'].map((a: any) => a['OS-EXT-IPS:type']);
    assert.deepEqual(fixed, ['fixed', 'floating']);
  });

  test('a boot-from-volume server has image "" and its root volume attached', async () => {
    const list = await getJson(`${origin}/compute/v2.1/servers/detail?all_tenants=True&name=ops-bfv`, token, { 'OpenStack-API-Version': 'compute 2.79' });
    const s = list.body.servers[0];
    assert.equal(s.image, '');
    assert.equal(s['os-extended-volumes:volumes_attached'].length, 1);
    const att = await getJson(`${origin}/compute/v2.1/servers/${s.id}/os-volume_attachments`, token, { 'OpenStack-API-Version': 'compute 2.79' });
    assert.equal(att.body.volumeAttachments[0].device, '/dev/vda');
  });

  test('hypervisor ids are integers before 2.53 and uuids from 2.53; stats go at 2.88', async () => {
    const old = await getJson(`${origin}/compute/v2.1/os-hypervisors/detail`, token);
    assert.deepEqual(old.body.hypervisors.map((h: any) => h.id), [1, 2, 3]);
    assert.equal(old.body.hypervisors[0].running_vms, 4, 'cmp-1: web-1, ops-bastion, fin-app-2, pumphouse-1-server-0');
    const mid = await getJson(`${origin}/compute/v2.1/os-hypervisors/detail`, token, { 'OpenStack-API-Version': 'compute 2.53' });
    assert.match(mid.body.hypervisors[0].id, /^[0-9a-f-]{36}$/);
    assert.equal(typeof mid.body.hypervisors[0].vcpus, 'number');
    const recent = await getJson(`${origin}/compute/v2.1/os-hypervisors/detail`, token, { 'OpenStack-API-Version': 'compute 2.88' });
    assert.equal(recent.body.hypervisors[0].vcpus, undefined);
    assert.equal(recent.body.hypervisors[0].uptime, null);
  });

  test('error bodies have each service\'s shape, and every response a request id', async () => {
    const nova = await getJson(`${origin}/compute/v2.1/servers/nope`, token);
    assert.deepEqual(nova.body, { itemNotFound: { code: 404, message: 'Instance nope could not be found.' } });
    assert.match(nova.headers.get('x-compute-request-id') ?? '', /^req-[0-9a-f-]{36}$/);
    assert.equal(nova.headers.get('x-compute-request-id'), nova.headers.get('x-openstack-request-id'));
    const neutron = await getJson(`${origin}/network/v2.0/networks/nope`, token);
    assert.deepEqual(neutron.body, { NeutronError: { type: 'NetworkNotFound', message: 'Network nope could not be found.', detail: '' } });
    const neutronPath = await getJson(`${origin}/network/v2.0/nothing`, token);
    assert.equal(neutronPath.body.NeutronError.type, 'HTTPNotFound');
    const keystone = await getJson(`${sandbox.source.authUrl}/projects/nope`, token);
    assert.deepEqual(keystone.body, { error: { code: 404, message: 'Could not find project: nope.', title: 'Not Found' } });
    const glance = await getJson(`${origin}/image/v2/images/nope`, token);
    assert.equal(glance.status, 404);
    assert.match(glance.body, /<h1>404 Not Found<\/h1>\n  No image found with ID nope/);
    const cinder = await getJson(`${origin}/volume/v3/${adminProject}/volumes/nope`, token);
    assert.deepEqual(cinder.body, { itemNotFound: { code: 404, message: 'Volume nope could not be found.' } });
    for (const res of [neutron, keystone, glance, cinder]) assert.match(res.headers.get('x-openstack-request-id') ?? '', /^req-/);
    const unknown = await getJson(`${origin}/compute/v2.1/nothing-here`, token);
    assert.equal(unknown.status, 404);
    const noService = await getJson(`${origin}/nothing`, undefined);
    assert.equal(noService.status, 404);
  });

  test('no token or a bad token is 401 everywhere', async () => {
    for (const path of ['/compute/v2.1/servers', '/network/v2.0/ports', `/volume/v3/${adminProject}/volumes`, '/image/v2/images', '/identity/v3/projects']) {
      for (const t of [undefined, 'bogus']) {
        const res = await getJson(`${origin}${path}`, t);
        assert.equal(res.status, 401, `${path} with ${t ?? 'no token'}`);
        assert.ok(res.headers.get('www-authenticate')?.startsWith('Keystone uri='), path);
      }
    }
  });

  test('non-admins see their own project only and get 403 for cloud-wide reads', async () => {
    const alice = await login(sandbox.source, { user: 'alice', password: sandboxUserPassword('alice'), project: 'demo' });
    const servers = await getJson(`${origin}/compute/v2.1/servers`, alice.token);
    assert.deepEqual(servers.body.servers.map((s: any) => s.name).sort(), ['db-1', 'web-1', 'web-2']);
    assert.equal((await getJson(`${origin}/compute/v2.1/servers?all_tenants=1`, alice.token)).status, 403);
    const hyp = await getJson(`${origin}/compute/v2.1/os-hypervisors`, alice.token);
    assert.equal(hyp.status, 403);
    assert.equal(hyp.body.forbidden.code, 403);
    const nets = await getJson(`${origin}/network/v2.0/networks`, alice.token);
    assert.deepEqual(nets.body.networks.map((n: any) => n.name).sort(), ['demo-net', 'public']);
    const images = await getJson(`${origin}/image/v2/images`, alice.token);
    assert.deepEqual(images.body.images.map((i: any) => i.name).sort(), ['cirros-0.6.2-x86_64-disk', 'ubuntu-22.04']);
    // finance-golden is shared with it-ops, whose member bob is.
    const bob = await login(sandbox.source, { user: 'bob', password: sandboxUserPassword('bob'), project: 'it-ops' });
    const bobImages = await getJson(`${origin}/image/v2/images`, bob.token);
    assert.ok(bobImages.body.images.some((i: any) => i.name === 'finance-golden'));
    const flavors = await getJson(`${origin}/compute/v2.1/flavors`, alice.token);
    assert.ok(!flavors.body.flavors.some((f: any) => f.name === 'finance.secure'), 'private flavor hidden without access');
  });

  test('flavors: private ones need is_public=None for admins; access list and extra specs', async () => {
    const pub = await getJson(`${origin}/compute/v2.1/flavors/detail`, token);
    assert.ok(!pub.body.flavors.some((f: any) => f.name === 'finance.secure'));
    const all = await getJson(`${origin}/compute/v2.1/flavors/detail?is_public=None`, token);
    const secure = all.body.flavors.find((f: any) => f.name === 'finance.secure');
    assert.equal(secure['os-flavor-access:is_public'], false);
    const access = await getJson(`${origin}/compute/v2.1/flavors/${secure.id}/os-flavor-access`, token);
    assert.equal(access.body.flavor_access.length, 1);
    const specs = await getJson(`${origin}/compute/v2.1/flavors/${secure.id}/os-extra_specs`, token);
    assert.equal(specs.body.extra_specs['hw:cpu_policy'], 'dedicated');
    const publicAccess = await getJson(`${origin}/compute/v2.1/flavors/1/os-flavor-access`, token);
    assert.equal(publicAccess.status, 404);
  });

  test('neutron filters and fields; router interfaces and floating IPs link up', async () => {
    const routers = await getJson(`${origin}/network/v2.0/routers?name=demo-router`, token);
    const router = routers.body.routers[0];
    assert.ok(router.external_gateway_info.network_id);
    const ifaces = await getJson(`${origin}/network/v2.0/ports?device_id=${router.id}&device_owner=network:router_interface&fields=id&fields=fixed_ips`, token);
    assert.equal(ifaces.body.ports.length, 1);
    assert.deepEqual(Object.keys(ifaces.body.ports[0]).sort(), ['fixed_ips', 'id']);
    assert.equal(ifaces.body.ports[0].fixed_ips[0].ip_address, '10.1.0.1');
    const fips = await getJson(`${origin}/network/v2.0/floatingips`, token);
    assert.equal(fips.body.floatingips.length, 6);
    for (const f of fips.body.floatingips) assert.equal(f.router_id !== null, true);
    const rules = await getJson(`${origin}/network/v2.0/security-group-rules?remote_group_id=${(await getJson(`${origin}/network/v2.0/security-groups?name=web`, token)).body.security_groups[0].id}`, token);
    assert.equal(rules.body.security_group_rules.length, 1, 'db allows the web group');
  });

  test('cinder lists volumes with attachments and a snapshot; quotas with usage', async () => {
    const vols = await getJson(`${origin}/volume/v3/${adminProject}/volumes/detail?all_tenants=1`, token);
    const byName = Object.fromEntries(vols.body.volumes.map((v: any) => [v.name, v]));
    assert.equal(byName['db-data'].attachments[0].device, '/dev/vdb');
    assert.equal(byName['ops-bfv-root'].bootable, 'true');
    assert.equal(byName['fin-archive'].status, 'available');
    const snaps = await getJson(`${origin}/volume/v3/${adminProject}/snapshots/detail?all_tenants=1`, token);
    assert.equal(snaps.body.snapshots[0].volume_id, byName['db-data'].id);
    const finance = byName['fin-archive']['os-vol-tenant-attr:tenant_id'];
    const quota = await getJson(`${origin}/volume/v3/${adminProject}/os-quota-sets/${finance}?usage=True`, token);
    assert.deepEqual(quota.body.quota_set.gigabytes, { limit: 2000, in_use: 2, reserved: 0 });
    const attachments = await getJson(`${origin}/volume/v3/${adminProject}/attachments?all_tenants=1`, token, { 'OpenStack-API-Version': 'volume 3.27' });
    assert.equal(attachments.body.attachments.length, 2);
  });

  test('nova quotas: limits with overrides and usage', async () => {
    const projects = await getJson(`${sandbox.source.authUrl}/projects?name=finance`, token);
    const id = projects.body.projects[0].id;
    const q = await getJson(`${origin}/compute/v2.1/os-quota-sets/${id}?usage=True`, token);
    assert.deepEqual(q.body.quota_set.instances, { in_use: 3, limit: 20, reserved: 0 });
    const d = await getJson(`${origin}/compute/v2.1/os-quota-sets/${id}/defaults`, token);
    assert.equal(d.body.quota_set.instances, 10);
  });
});
