import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/cli.js';
import { stripCommon } from '../../helpers/cli-normalise.js';
import { compareClouds, diffObjects, isExpectedLoss, type Difference, type ExpectedLoss } from '../../helpers/independent-compare.js';
import { replayRunner, recordingKey } from '../../helpers/openstack-cli.js';
import { findSecrets } from '../../helpers/secret-scan.js';
import { KITCHEN_SINK_EXPECTED_LOSSES, KITCHEN_SINK_OBJECTS } from '../../real/kitchen-sink-objects.js';

// A real session of the comparator (test/real/compare-clouds.ts --record): every `openstack …
// -f json` answer of the testbed's c5000 and c6000, both seeded by test/real/seed-source.sh on
// their own (not by Pumphouse): same names and settings, every id different.
const RECORDING = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'cli', 'zed', 'kitchen-sink-c5000-c6000.json'), 'utf8')) as Record<string, unknown>;
type Raw = Record<string, unknown>;

/** A copy of the recording with `edit` applied to the answer of `cloud args`. */
function edited(cloud: string, args: string, edit: (answer: any) => void): Record<string, unknown> {
  const copy = structuredClone(RECORDING);
  const key = `${cloud} ${args}`;
  assert.ok(key in copy, `the recording has no "${key}"`);
  edit(copy[key]);
  return copy;
}

/** The id of NAME in the recorded `cloud` listing `args`. */
function idIn(cloud: string, args: string, name: string): string {
  const rows = RECORDING[`${cloud} ${args}`] as Raw[];
  const row = rows.find((r) => r['Name'] === name);
  assert.ok(row, `${name} in ${cloud} ${args}`);
  return String(row['ID']);
}

const compare = (recording: Record<string, unknown>, losses: ExpectedLoss[] = [], source = 'c5000', target = 'c6000') =>
  compareClouds({ source, target, objects: KITCHEN_SINK_OBJECTS, expectedLosses: losses, run: replayRunner(recording) });
const fields = (diffs: Difference[]) => diffs.map((d) => `${d.object} ${d.field}`).sort();

describe('independent comparator, on recorded openstack CLI output of two real Zed clouds', () => {
  test('the same cloud compared with itself has no difference', async () => {
    assert.deepEqual(await compare(RECORDING, [], 'c5000', 'c5000'), []);
  });

  test('two clouds seeded alike differ only where the seed is random or the cloud allocates', async () => {
    const diffs = await compare(RECORDING);
    // Every other field, the ids of other objects included, is equal once ids become names.
    const allowed = /^(image:.* (checksum|properties\.os_hash_value)|keypair:.* fingerprint|floating-ip:.* (floating_ip_address|name)|router:.* external_gateway_info\.external_fixed_ips|server:.* addresses\..*)$/;
    for (const d of diffs) assert.match(`${d.object} ${d.field}`, allowed, JSON.stringify(d));
    assert.ok(fields(diffs).includes('keypair:ph-ks-owner/ph-ks-key fingerprint'), 'each seed made its own key');
    assert.ok(fields(diffs).includes('image:ph-ks-app/ph-ks-ami checksum'), 'each seed uploaded its own random image data');
    // The web server's fixed IP is the seeded port's on both; only its floating IP differs.
    const web = diffs.find((d) => d.object === 'server:ph-ks-app/ph-ks-web-1');
    assert.ok(web, 'the web server\'s addresses differ');
    assert.equal((web.source as string[]).includes('10.30.0.50') && (web.target as string[]).includes('10.30.0.50'), true);
  });

  test('ids of other objects are compared by name: kernel_id pointing at another image is a difference', async () => {
    const ami = idIn('c6000', 'image list', 'ph-ks-ami');
    const ramdisk = idIn('c6000', 'image list', 'ph-ks-ramdisk');
    const recording = edited('c6000', `image show ${ami}`, (image) => (image.properties.kernel_id = ramdisk));
    const diffs = (await compare(recording)).filter((d) => d.field === 'properties.kernel_id');
    assert.deepEqual(diffs, [{ object: 'image:ph-ks-app/ph-ks-ami', field: 'properties.kernel_id', source: 'ph-ks-kernel', target: 'ph-ks-ramdisk' }]);
  });

  test('a server stopped on the target is a difference; its host, times and Pumphouse marks are not', async () => {
    const web = idIn('c6000', 'server list --all-projects --project ph-ks-app', 'ph-ks-web-1');
    const recording = edited('c6000', `server show ${web}`, (server) => {
      Object.assign(server, { status: 'SHUTOFF', 'OS-EXT-STS:power_state': 4, 'OS-EXT-STS:vm_state': 'stopped', 'OS-EXT-SRV-ATTR:host': 'elsewhere', 'OS-EXT-SRV-ATTR:hypervisor_hostname': 'elsewhere', updated: '2030-01-01T00:00:00Z' });
      server.tags.push('pumphouse-source=2c7d62df-19db-42a7-a4c0-6a31fd758927', 'pumphouse-plan=ks');
      server.properties.pumphouse_source = '2c7d62df-19db-42a7-a4c0-6a31fd758927';
      server.properties.pumphouse_verified = 'true';
    });
    const diffs = (await compare(recording)).filter((d) => d.object === 'server:ph-ks-app/ph-ks-web-1' && !d.field.startsWith('addresses'));
    assert.deepEqual(diffs.map((d) => [d.field, d.source, d.target]), [
      ['OS-EXT-STS:power_state', 1, 4], ['OS-EXT-STS:vm_state', 'active', 'stopped'], ['status', 'ACTIVE', 'SHUTOFF'],
    ]);
    const excused = await compare(recording, [{ object: 'server:ph-ks-app/ph-ks-web-1', field: 'status' }, { object: 'server:*', field: 'OS-EXT-STS:*' }, { object: '*', field: 'addresses' }]);
    assert.deepEqual(excused.filter((d) => d.object === 'server:ph-ks-app/ph-ks-web-1'), [], 'expected losses are left out');
  });

  test('a port with one security group fewer, and a flavor with another extra spec, are named field by field', async () => {
    const port = idIn('c6000', 'port list --project ph-ks-app', 'ph-ks-web-port');
    const web = idIn('c6000', 'security group list --project ph-ks-app', 'ph-ks-web-sg');
    const flavor = idIn('c6000', 'flavor list --all', 'ph-ks-private');
    let recording = edited('c6000', `port show ${port}`, (p) => (p.security_group_ids = [web]));
    recording = { ...recording, [recordingKey('c6000', ['flavor', 'show', flavor])]: { ...(RECORDING[`c6000 flavor show ${flavor}`] as Raw), properties: { 'hw:cpu_policy': 'dedicated', 'hw_rng:allowed': 'True', 'ks:tier': 'gold' } } };
    const diffs = await compare(recording);
    assert.deepEqual(diffs.find((d) => d.field === 'security_group_ids'), { object: 'port:ph-ks-app/ph-ks-web-port', field: 'security_group_ids', source: ['ph-ks-db-sg', 'ph-ks-web-sg'], target: ['ph-ks-web-sg'] });
    assert.deepEqual(diffs.find((d) => d.object === 'flavor:ph-ks-private'), { object: 'flavor:ph-ks-private', field: 'properties.hw:cpu_policy', source: 'shared', target: 'dedicated' });
  });

  test('an object missing on the target is one "(exists)" difference', async () => {
    const recording = edited('c6000', 'volume list --all-projects --project ph-ks-app', (rows: Raw[]) => rows.splice(rows.findIndex((r) => r['Name'] === 'ph-ks-spare'), 1));
    const diffs = (await compare(recording)).filter((d) => d.object === 'volume:ph-ks-app/ph-ks-spare');
    assert.deepEqual(diffs, [{ object: 'volume:ph-ks-app/ph-ks-spare', field: '(exists)', source: true, target: false }]);
  });

  test('the recording holds no secret', () => {
    assert.deepEqual(findSecrets(RECORDING, ['password', 'ks-owner-pw-not-secret']), []);
  });
});

// The same comparison after a real `pumphouse apply` of the kitchen-sink project from c5000 to
// c6000 (test/real/compare-clouds.ts --record, with Pumphouse at commit 5714252): the target's
// objects carry Pumphouse's marks and were made by Pumphouse, not by the seed.
const AFTER_APPLY = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'cli', 'zed', 'kitchen-sink-after-apply.json'), 'utf8')) as Record<string, unknown>;

describe('independent comparator, on a real apply of the kitchen-sink project', () => {
  test('Pumphouse\'s marks are no difference; what did not survive is named by object and field', async () => {
    const diffs = await compareClouds({ source: 'c5000', target: 'c6000', objects: KITCHEN_SINK_OBJECTS, expectedLosses: KITCHEN_SINK_EXPECTED_LOSSES, run: replayRunner(AFTER_APPLY) });
    assert.ok(JSON.stringify(AFTER_APPLY).includes('pumphouse-source='), 'the recorded target is marked');
    assert.deepEqual(diffs.filter((d) => /pumphouse-(source|plan)=/.test(JSON.stringify([d.source, d.target])) || /^(tags|properties\.pumphouse|metadata)/.test(d.field)), []);
    const found = new Set(fields(diffs));
    // What the apply of that day lost (each an issue for the "Fidelity" work):
    for (const lost of [
      'domain:ph-ks-domain (exists)', 'role-assignment:ph-ks-owner@domain:ph-ks-domain (exists)', 'user:ph-ks-owner default_project_id',
      'flavor:ph-ks-private access_project_ids', 'image:ph-ks-app/ph-ks-shared members', 'image:ph-ks-app/ph-ks-ami properties.kernel_id',
      'router:ph-ks-app/ph-ks-router routes', 'server:ph-ks-app/ph-ks-stopped status', 'server:ph-ks-app/ph-ks-web-1 user_id', 'server:ph-ks-app/ph-ks-kernel-1 (exists)',
    ]) assert.ok(found.has(lost), lost);
    // …and what survived: no difference on these objects at all.
    for (const kept of ['quota:ph-ks-app', 'port:ph-ks-app/ph-ks-web-port', 'security-group:ph-ks-app/ph-ks-db-sg', 'subnet:ph-ks-app/ph-ks-subnet', 'network:ph-ks-app/ph-ks-net', 'keypair:ph-ks-owner/ph-ks-key', 'floating-ip:ph-ks-app/ph-ks-web-fip']) {
      assert.deepEqual(diffs.filter((d) => d.object === kept), [], kept);
    }
  });
});

describe('independent comparator, normalisation', () => {
  test('times, ids, the CLI location and Pumphouse marks go; lists become sets, but not DNS servers', () => {
    const normal = stripCommon({
      id: 'x', created_at: 't', 'OS-SRV-USG:launched_at': 't', location: { cloud: 'c5000' }, revision_number: 3,
      tags: ['web', 'pumphouse-plan=ks', 'pumphouse-source=abc'], properties: { tier: 'gold', pumphouse_source: 'abc', pumphouse_verified: 'true' },
      allocation_pools: [{ start: '10.0.0.50' }, { start: '10.0.0.10' }], dns_nameservers: ['192.0.2.54', '192.0.2.53'],
    });
    assert.deepEqual(normal, { tags: ['web'], properties: { tier: 'gold' }, allocation_pools: [{ start: '10.0.0.10' }, { start: '10.0.0.50' }], dns_nameservers: ['192.0.2.54', '192.0.2.53'] });
  });

  test('differences are per leaf field, with a field present on one side only', () => {
    assert.deepEqual(diffObjects('server:p/s', { a: { b: 1, c: 2 }, d: [1] }, { a: { b: 1, c: 3 }, e: 'x' }), [
      { object: 'server:p/s', field: 'a.c', source: 2, target: 3 },
      { object: 'server:p/s', field: 'd', source: [1], target: undefined },
      { object: 'server:p/s', field: 'e', source: undefined, target: 'x' },
    ]);
  });

  test('an expected loss covers its field and the fields under it, by object glob', () => {
    const d = (object: string, field: string): Difference => ({ object, field, source: 1, target: 2 });
    const losses = [{ object: 'server:ph-ks-app/*', field: 'addresses' }, { object: 'image:ph-ks-app/ph-ks-ami', field: 'checksum' }];
    assert.equal(isExpectedLoss(d('server:ph-ks-app/ph-ks-web-1', 'addresses.ph-ks-net'), losses), true);
    assert.equal(isExpectedLoss(d('server:ph-ks-app/ph-ks-web-1', 'addresses_v2'), losses), false);
    assert.equal(isExpectedLoss(d('image:ph-ks-app/ph-ks-ami', 'checksum'), losses), true);
    assert.equal(isExpectedLoss(d('image:ph-ks-app/ph-ks-kernel', 'checksum'), losses), false);
  });
});
