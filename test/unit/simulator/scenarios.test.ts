import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import YAML from 'yaml';
import { writeSandboxConfig, startSandbox } from '../../../src/simulator/sandbox.js';
import { SCENARIOS } from '../../../src/simulator/scenarios/index.js';
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
  for (const name of ['demo', 'small'] as const) {
    assert.equal(fingerprint(SCENARIOS[name].source()), fingerprint(SCENARIOS[name].source()), name);
  }
  assert.equal(fingerprint(SCENARIOS.demo.target()), fingerprint(SCENARIOS.demo.target()));
});

test('the demo source has the promised estate', () => {
  const s = SCENARIOS.demo.source();
  assert.deepEqual(s.hypervisors.all().map((h) => h.hostname), ['cmp-1', 'cmp-2', 'cmp-3']);
  assert.equal(s.servers.size, 10);
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

test('the large source builds 10 000 servers and 20 000 server ports', () => {
  const t0 = performance.now();
  const s = SCENARIOS.large.source();
  const ms = performance.now() - t0;
  assert.equal(s.servers.size, 10_000);
  assert.equal(s.ports.all().filter((p) => p.deviceOwner === 'compute:nova').length, 20_000);
  assert.equal(s.hypervisors.size, 100);
  assert.equal(s.projects.all().filter((p) => p.name.startsWith('proj-')).length, 50);
  assert.ok(ms < 5000, `built in ${Math.round(ms)} ms`);
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
    // The hardware: the Fuel master and a BMC (with its PXE MAC) for each source hypervisor.
    assert.deepEqual(config.fuel, { url: sandbox.hardware!.fuel.url, username: 'admin', password: 'sandbox-fuel-admin', environment: 'mos-9' });
    assert.deepEqual(Object.keys(config.hosts), sandbox.clouds.source.store.hypervisors.all().map((h) => h.hostname));
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

test('stop() closes kept-alive connections promptly', async () => {
  const sandbox = await startSandbox({ scenario: 'small', portBase: 0 });
  await login(sandbox.source); // fetch keeps the connection alive
  const t0 = performance.now();
  await sandbox.stop();
  assert.ok(performance.now() - t0 < 500, 'stop waited for an idle keep-alive socket');
});
