import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import YAML from 'yaml';
import { writeSandboxConfig, startSandbox } from '../../../src/simulator/sandbox.js';
import { SCENARIOS } from '../../../src/simulator/scenarios/index.js';
import { KS_FIXED_MAC } from '../../../src/simulator/scenarios/kitchen-sink.js';
import type { CloudStore } from '../../../src/simulator/store.js';
import { tempFiles } from '../../helpers/tmp.js';
import { login } from './helpers.js';

function fingerprint(store: CloudStore): string {
  return JSON.stringify({
    projects: store.projects.all().map((p) => p.id), users: store.users.all().map((u) => u.id),
    servers: store.servers.all().map((s) => [s.id, s.host, s.createdAt]), ports: store.ports.all().map((p) => [p.id, p.macAddress, p.fixedIps]),
    images: store.images.all().map((i) => [i.id, i.checksum]), volumes: store.volumes.all().map((v) => v.id), keypairs: store.keypairs.all().map((k) => k.fingerprint),
  });
}

test('scenarios are deterministic: two builds give the same ids', () => {
  for (const name of ['demo', 'small', 'kitchen-sink'] as const) {
    assert.equal(fingerprint(SCENARIOS[name].source()), fingerprint(SCENARIOS[name].source()), name);
  }
  assert.equal(fingerprint(SCENARIOS.demo.target()), fingerprint(SCENARIOS.demo.target()));
  assert.equal(fingerprint(SCENARIOS['kitchen-sink-mac-clash'].target()), fingerprint(SCENARIOS['kitchen-sink-mac-clash'].target()));
});

test('the kitchen-sink source holds every case of issue "Fidelity" item 6', () => {
  const s = SCENARIOS['kitchen-sink'].source();
  const one = <T extends { name: string }>(rows: readonly T[], name: string): T => {
    const row = rows.find((r) => r.name === name);
    assert.ok(row, `no ${name}`);
    return row;
  };
  const domain = one(s.domains.all(), 'ks-domain');
  const app = one(s.projects.all(), 'ks-app');
  const partner = one(s.projects.all(), 'ks-partner');
  assert.ok(domain.description && app.description && app.tags.length > 0 && app.domainId === domain.id && partner.domainId === domain.id);
  const owner = one(s.users.all(), 'ks-owner');
  assert.ok(owner.email && owner.description && owner.defaultProjectId === app.id);
  assert.deepEqual(s.roleAssignments.by('user', owner.id).map((a) => [s.roles.get(a.roleId)?.name, a.scope]), [['member', { projectId: app.id }], ['reader', { domainId: domain.id }]]);
  assert.ok(['instances', 'cores', 'ram'].every((k) => (s.quotaFor('compute', app.id)[k] ?? 0) > (s.quotaDefaults.compute[k] ?? 0)));
  assert.ok((s.quotaFor('network', app.id)['port'] ?? 0) !== s.quotaDefaults.network['port'] && (s.quotaFor('volume', app.id)['volumes'] ?? 0) > (s.quotaDefaults.volume['volumes'] ?? 0));
  const flavor = one(s.flavors.all(), 'ks-private');
  assert.ok(!flavor.isPublic && flavor.description && Object.keys(flavor.extraSpecs).length > 0);
  assert.deepEqual(flavor.accessProjectIds, [app.id, partner.id]);
  const ephemeral = one(s.flavors.all(), 'ks-ephemeral');
  assert.ok(ephemeral.isPublic && ephemeral.ephemeralGb > 0 && ephemeral.swapMb > 0);
  assert.deepEqual(s.keypairs.all().map((k) => [k.name, k.userId]), [['ks-key', owner.id]]);
  const shared = one(s.images.all(), 'ks-shared-image');
  assert.deepEqual(shared.members.map((m) => [m.memberId, m.status]), [[partner.id, 'accepted']]);
  assert.ok(shared.visibility === 'shared' && shared.tags.length > 0 && Object.keys(shared.properties).length > 0 && shared.minDiskGb > 0 && shared.minRamMb > 0 && !shared.protected);
  const [kernel, ramdisk, ami] = ['ks-kernel', 'ks-ramdisk', 'ks-ami'].map((n) => one(s.images.all(), n));
  assert.deepEqual([kernel!.diskFormat, ramdisk!.diskFormat, ami!.properties['kernel_id'], ami!.properties['ramdisk_id']], ['aki', 'ari', kernel!.id, ramdisk!.id]);
  const net = one(s.networks.all(), 'ks-net');
  assert.ok(net.mtu !== 1450 && net.description && net.tags.length > 0 && net.portSecurityEnabled);
  const subnet = one(s.subnets.all(), 'ks-subnet');
  assert.ok(subnet.allocationPools.length > 1 && subnet.dnsNameservers.length > 0 && subnet.hostRoutes.length > 0 && subnet.gatewayIp && subnet.description);
  const router = one(s.routers.all(), 'ks-router');
  assert.ok(router.externalGateway && router.routes.length > 0 && s.ports.by('device', router.id).some((p) => p.deviceOwner === 'network:router_interface'));
  const groups = s.securityGroups.by('project', app.id);
  const rules = groups.flatMap((g) => s.securityGroupRules.by('group', g.id));
  assert.ok(rules.some((r) => r.remoteGroupId && r.remoteGroupId !== r.securityGroupId) && rules.some((r) => r.remoteIpPrefix && r.description));
  const port = one(s.ports.all(), 'ks-web-port');
  assert.ok(port.macAddress === KS_FIXED_MAC && port.fixedIps[0]?.ipAddress === '10.77.0.20' && (port.allowedAddressPairs ?? []).length > 0 && port.description);
  const fip = s.floatingIpOfPort(port.id);
  assert.ok(fip && fip.description);
  const web = one(s.servers.all(), 'ks-web-1');
  assert.ok(web.status === 'ACTIVE' && web.userId === owner.id && web.keyName === 'ks-key' && web.flavorId === flavor.id && web.imageId === shared.id);
  assert.ok(Object.keys(web.metadata).length > 0 && web.tags.length > 0 && web.description && web.userData);
  assert.deepEqual(s.serverPorts(web.id).map((p) => p.id), [port.id]);
  assert.deepEqual(s.serverGroups.by('member', web.id).map((g) => g.policy), ['anti-affinity']);
  assert.equal(one(s.servers.all(), 'ks-stopped').status, 'SHUTOFF');
  assert.equal(one(s.servers.all(), 'ks-kernel-boot').kernelId, kernel!.id);
  const volumes = s.volumes.by('project', app.id);
  assert.ok(volumes.every((v) => v.description && Object.keys(v.metadata).length > 0));
  assert.deepEqual(volumes.map((v) => v.attachments.map((a) => a.serverId)), [[web.id], []]);
});

test('the kitchen-sink-mac-clash target already holds a port with the MAC of ks-web-port on ks-app/ks-net', () => {
  const t = SCENARIOS['kitchen-sink-mac-clash'].target();
  const squatter = t.ports.all().find((p) => p.macAddress === KS_FIXED_MAC);
  assert.ok(squatter);
  assert.equal(t.networks.get(squatter.networkId)?.name, 'ks-net');
  assert.equal(t.projects.get(squatter.projectId)?.name, 'ks-app');
  assert.notEqual(squatter.fixedIps[0]?.ipAddress, '10.77.0.20', 'at another address: a different port, not a copy');
  assert.deepEqual(fingerprint(SCENARIOS['kitchen-sink-mac-clash'].source()), fingerprint(SCENARIOS['kitchen-sink'].source()), 'the same source');
});

test('the demo source has the promised estate', () => {
  const s = SCENARIOS.demo.source();
  assert.deepEqual(s.hypervisors.all().map((h) => h.hostname), ['cmp-1', 'cmp-2', 'cmp-3']);
  assert.equal(s.servers.size, 12, 'ten of the estate and two of pumphouse-1, the tenant the original\'s functional tests look for');
  assert.deepEqual(new Set(s.servers.all().filter((x) => x.name.startsWith('pumphouse-1-')).map((x) => x.host)).size, 2, 'pumphouse-1\'s servers are on two hosts');
  assert.equal(s.servers.all().filter((x) => x.imageId === '').length, 1, 'one boot-from-volume server');
  assert.equal(s.serverGroups.size, 1);
  assert.ok(s.images.all().some((i) => i.visibility === 'shared' && i.members.length > 0));
  assert.ok(s.flavors.all().some((f) => !f.isPublic && f.accessProjectIds.length > 0 && Object.keys(f.extraSpecs).length > 0));
  assert.ok(s.securityGroupRules.all().some((r) => r.remoteGroupId !== null && r.remoteGroupId !== r.securityGroupId), 'a rule references another group');
  assert.equal(s.volumes.all().filter((v) => v.attachments.length === 0).length, 1);
  assert.equal(s.snapshots.size, 1);
  assert.equal(s.domains.size, 2);
});

test('the target is a fresh Fuel cloud', () => {
  const t = SCENARIOS.small.target();
  assert.deepEqual(t.hypervisors.all().map((h) => h.hostname), ['node-4.domain.tld', 'node-5.domain.tld']);
  assert.deepEqual(t.flavors.all().map((f) => f.name), ['m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge']);
  assert.deepEqual(t.networks.all().map((n) => [n.name, n.external]), [['admin_floating_net', true]]);
  assert.equal(t.servers.size, 0);
  assert.deepEqual(t.projects.all().map((p) => p.name), ['admin', 'services']);
});

// How fast it builds is bench:plan's concern (it starts this scenario), not a timed unit test's.
test('the large source builds 10 000 servers and 20 000 server ports', () => {
  const s = SCENARIOS.large.source();
  assert.equal(s.servers.size, 10_000);
  assert.equal(s.ports.all().filter((p) => p.deviceOwner === 'compute:nova').length, 20_000);
  assert.equal(s.hypervisors.size, 100);
  assert.equal(s.projects.all().filter((p) => p.name.startsWith('proj-')).length, 50);
});

test('writeSandboxConfig writes clouds.yaml and pumphouse.yaml that log in', async () => {
  const sandbox = await startSandbox({ scenario: 'small', portBase: 0 });
  const tmp = tempFiles({});
  try {
    const written = writeSandboxConfig(`${tmp.dir}/cfg`, sandbox);
    const clouds = YAML.parse(readFileSync(written.cloudsYaml, 'utf8')) as any;
    assert.deepEqual(Object.keys(clouds.clouds), ['sandbox-source', 'sandbox-target']);
    const source = clouds.clouds['sandbox-source'];
    assert.equal(source.auth_type, 'password');
    assert.equal(source.region_name, 'RegionOne');
    assert.equal(source.interface, 'public');
    assert.equal(source.identity_api_version, 3);
    assert.equal(source.auth.auth_url, sandbox.source.authUrl);
    assert.equal(clouds.clouds['sandbox-target'].auth.auth_url, `http://127.0.0.1:${sandbox.target.port}/identity/v3`);
    assert.equal(statSync(written.cloudsYaml).mode & 0o077, 0, 'clouds.yaml is private');
    const text = readFileSync(written.pumphouseYaml, 'utf8');
    assert.match(text, /^# Written by `pumphouse sandbox`/);
    const config = YAML.parse(text);
    assert.deepEqual({ ...config, fuel: undefined, hosts: undefined }, { clouds_file: 'clouds.yaml', source: { cloud: 'sandbox-source' }, target: { cloud: 'sandbox-target' }, fuel: undefined, hosts: undefined });
    // The hardware: the Fuel master and a BMC (with its PXE MAC) for each source hypervisor and controller.
    assert.deepEqual(config.fuel, { url: sandbox.hardware!.fuel.url, username: 'admin', password: 'sandbox-fuel-admin', environment: 'mos-9' });
    assert.deepEqual(Object.keys(config.hosts), [...sandbox.clouds.source.store.hypervisors.all().map((h) => h.hostname), 'ctl-1']);
    for (const host of Object.values(config.hosts) as Array<{ bmc: { driver: string; address: string }; pxe_macs: string[] }>) {
      assert.deepEqual([host.bmc.driver, host.bmc.address, host.pxe_macs.length], ['redfish', '127.0.0.1', 1]);
    }
    assert.equal(statSync(written.pumphouseYaml).mode & 0o077, 0, 'pumphouse.yaml (the hardware passwords) is private');
    const { status } = await login({ ...sandbox.source, password: source.auth.password, authUrl: source.auth.auth_url });
    assert.equal(status, 201);
  } finally {
    tmp.cleanup();
    await sandbox.stop();
  }
});

test('a Fuel-built source: controllers and every hypervisor but the last are nodes of old-cloud, managed by Fuel; the last by its BMC', async () => {
  const sandbox = await startSandbox({ scenario: 'demo', portBase: 0, hardware: { sourceFuel: true } });
  const tmp = tempFiles({});
  try {
    const config = YAML.parse(readFileSync(writeSandboxConfig(tmp.dir, sandbox).pumphouseYaml, 'utf8'));
    assert.equal(config.fuel.source_environment, 'old-cloud');
    assert.deepEqual(config.hosts['cmp-1'], { management: 'fuel' }, 'no BMC, no PXE MAC: Fuel manages it');
    assert.deepEqual(config.hosts['ctl-1'], { management: 'fuel' });
    assert.deepEqual(Object.keys(config.hosts['cmp-3']), ['bmc', 'pxe_macs'], 'the last hypervisor stays BMC-managed');
    const fuel = sandbox.hardware!.fuel.store;
    const clusters = [...fuel.clusters.values()].map((c) => [c.id, c.name]);
    assert.deepEqual(clusters, [[1, 'mos-9'], [2, 'old-cloud']], 'the target keeps environment 1 and its node ids');
    const old = [...fuel.nodes.values()].filter((n) => n.cluster === 2).map((n) => [n.name, n.status, n.roles.join()]);
    assert.deepEqual(old, [['cmp-1', 'ready', 'compute'], ['cmp-2', 'ready', 'compute'], ['ctl-1', 'ready', 'controller']]);
    assert.ok(sandbox.hardware!.bmcs, 'every machine still has a BMC');
  } finally {
    tmp.cleanup();
    await sandbox.stop();
  }
});

test('stop() closes kept-alive connections promptly', async () => {
  const sandbox = await startSandbox({ scenario: 'small', portBase: 0 });
  await login(sandbox.source); // fetch keeps the connection alive
  const t0 = performance.now();
  await sandbox.stop();
  assert.ok(performance.now() - t0 < 500, 'stop waited for an idle keep-alive socket');
});
