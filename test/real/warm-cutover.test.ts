import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { parse, stringify } from 'yaml';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { tempFiles } from '../helpers/tmp.js';
import { realCloudNames } from './real-clouds.js';

// Warm cutover between real clouds (issue 14 item 6): a server of its own project (ph-warm,
// made here on the source and removed from both clouds afterwards) moves warm; the state's
// timestamps show its downtime (source stopped → copy verified ACTIVE with its floating IP)
// under 30 s while its pre-copy (snapshot, stream, boot) took longer. Both testbed clouds share
// 203.0.113.0/24 on their external networks, so the copy keeps its floating IP's address.
const [source, target] = realCloudNames() as [string, string];
const PROJECT = 'ph-warm';
const SERVER = 'ph-warm-1';
const PLAN = `apiVersion: pumphouse/v1
kind: MigrationPlan
metadata: { name: real-warm }
spec:
  identity: { projects: [${PROJECT}], passwordsFile: passwords.yaml }
  workloads:
    - { projects: [${PROJECT}], strategy: snapshot, cutover: warm, source: keep-stopped }
  maps: { networks: { ph-public: ph-target-public } }
`;
const files = tempFiles({ 'pumphouse.yaml': `source: { cloud: ${source} }\ntarget: { cloud: ${target} }\n`, 'warm.yaml': PLAN });

/**
 * The source cloud scoped to ph-warm, as `<source>-ph-warm` in a private copy of clouds.yaml (as
 * seed-source.sh does): Nova creates a server in the project of the token.
 */
function scopedCloudsFile(): string {
  const found = process.env['OS_CLIENT_CONFIG_FILE'] ?? ['clouds.yaml', `${homedir()}/.config/openstack/clouds.yaml`, '/etc/openstack/clouds.yaml'].find((p) => existsSync(p));
  assert.ok(found, 'no clouds.yaml');
  const doc = parse(readFileSync(found, 'utf8')) as { clouds: Record<string, { auth: Record<string, unknown> }> };
  const entry = structuredClone(doc.clouds[source]!);
  entry.auth['project_name'] = PROJECT;
  delete entry.auth['project_id'];
  doc.clouds[`${source}-${PROJECT}`] = entry;
  const path = files.path('clouds.yaml');
  writeFileSync(path, stringify(doc), { mode: 0o600 });
  return path;
}

function openstack(cloud: string, args: string[], options: { project?: string; json?: boolean; check?: boolean } = {}): unknown {
  const scoped = options.project ? { env: { ...process.env, OS_CLIENT_CONFIG_FILE: scopedCloudsFile() } } : {};
  const name = options.project ? `${cloud}-${options.project}` : cloud;
  const result = spawnSync('openstack', ['--os-cloud', name, ...args, ...(options.json ? ['-f', 'json'] : [])], { encoding: 'utf8', timeout: 300_000, ...scoped });
  if (options.check !== false) assert.equal(result.status, 0, `openstack ${args.join(' ')} on ${cloud}: ${result.stderr}`);
  return options.json && result.status === 0 ? JSON.parse(result.stdout) as unknown : undefined;
}
const ids = (cloud: string, args: string[]): string[] => ((openstack(cloud, args, { json: true, check: false }) ?? []) as Array<{ ID: string }>).map((r) => r.ID);

/** The source workload: a project with a network behind a router on ph-public, one server with a floating IP. */
function seedSource(): string {
  openstack(source, ['project', 'create', '--or-show', PROJECT]);
  openstack(source, ['role', 'add', '--project', PROJECT, '--user', 'admin', 'admin']);
  openstack(source, ['network', 'create', '--project', PROJECT, `${PROJECT}-net`]);
  openstack(source, ['subnet', 'create', '--project', PROJECT, '--network', `${PROJECT}-net`, '--subnet-range', '10.77.0.0/24', `${PROJECT}-subnet`]);
  openstack(source, ['router', 'create', '--project', PROJECT, `${PROJECT}-router`]);
  openstack(source, ['router', 'set', '--external-gateway', 'ph-public', `${PROJECT}-router`]);
  openstack(source, ['router', 'add', 'subnet', `${PROJECT}-router`, `${PROJECT}-subnet`]);
  openstack(source, ['server', 'create', '--flavor', 'm1.tiny', '--image', 'ph-tiny-image', '--network', `${PROJECT}-net`, '--wait', SERVER], { project: PROJECT });
  const fip = openstack(source, ['floating', 'ip', 'create', '--project', PROJECT, 'ph-public'], { json: true }) as { floating_ip_address: string };
  openstack(source, ['server', 'add', 'floating', 'ip', SERVER, fip.floating_ip_address], { project: PROJECT });
  return fip.floating_ip_address;
}

/** Everything of ph-warm on one cloud (and the snapshot copy on the target); errors ignored: it may be half there. */
function removeWorkload(cloud: string): void {
  const projectId = (openstack(cloud, ['project', 'show', PROJECT], { json: true, check: false }) as { id?: string } | undefined)?.id;
  if (!projectId) return;
  for (const id of ids(cloud, ['server', 'list', '--all-projects', '--project', projectId])) openstack(cloud, ['server', 'delete', '--wait', id], { check: false });
  for (const id of ids(cloud, ['floating', 'ip', 'list', '--project', projectId])) openstack(cloud, ['floating', 'ip', 'delete', id], { check: false });
  for (const id of ids(cloud, ['image', 'list', '--name', `pumphouse-snapshot-${SERVER}`])) openstack(cloud, ['image', 'delete', id], { check: false });
  openstack(cloud, ['router', 'remove', 'subnet', `${PROJECT}-router`, `${PROJECT}-subnet`], { check: false });
  openstack(cloud, ['router', 'delete', `${PROJECT}-router`], { check: false });
  for (const id of ids(cloud, ['port', 'list', '--project', projectId])) openstack(cloud, ['port', 'delete', id], { check: false });
  openstack(cloud, ['network', 'delete', `${PROJECT}-net`], { check: false });
  for (const id of ids(cloud, ['security', 'group', 'list', '--project', projectId])) openstack(cloud, ['security', 'group', 'delete', id], { check: false });
  openstack(cloud, ['project', 'delete', projectId], { check: false });
}

describe(`warm cutover on real clouds (${source} → ${target})`, () => {
  let address = '';
  before(() => {
    for (const cloud of [source, target]) removeWorkload(cloud);
    const seeded = spawnSync('bash', [`${REPO_ROOT}/test/real/seed-target.sh`, target], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(seeded.status, 0, seeded.stderr);
    address = seedSource();
  });
  after(() => {
    for (const cloud of [target, source]) removeWorkload(cloud);
    files.cleanup();
  });

  test('downtime under 30 s, the disk copy longer; the copy runs with the same floating IP', { timeout: 900_000 }, async () => {
    const state = files.path('state.json');
    const cli = (...args: string[]) => runCli(['--config', files.path('pumphouse.yaml'), ...args], { timeoutMs: 900_000, env: { PUMPHOUSE_POLL_MS: '250' } });
    const applied = await cli('apply', files.path('warm.yaml'), '--auto-approve', '--state', state);
    assert.equal(applied.code, 0, applied.stderr.slice(-3000));
    const record = JSON.parse(readFileSync(state, 'utf8')) as { downtime: Record<string, { stoppedAt: string; verifiedAt: string }>; steps: Record<string, { startedAt: string; finishedAt: string }> };
    const downtime = record.downtime[`server:${PROJECT}/${SERVER}`];
    const precopy = record.steps[`precopy-server:server:${PROJECT}/${SERVER}`];
    assert.ok(downtime?.stoppedAt && downtime.verifiedAt && precopy?.startedAt && precopy.finishedAt, `${JSON.stringify(record.downtime)}\n${applied.stderr.slice(-3000)}`);
    const down = (Date.parse(downtime.verifiedAt) - Date.parse(downtime.stoppedAt)) / 1000;
    const copy = (Date.parse(precopy.finishedAt) - Date.parse(precopy.startedAt)) / 1000;
    process.stderr.write(`# ${SERVER}: downtime ${down} s, pre-copy ${copy} s\n`);
    assert.ok(down < 30, `downtime ${down} s (source stopped → copy verified ACTIVE with its floating IP) is under 30 s`);
    assert.ok(copy > down, `the pre-copy (${copy} s) took longer than the downtime (${down} s)`);

    const copies = (openstack(target, ['server', 'list', '--all-projects', '--name', `^${SERVER}$`, '--long'], { json: true }) as Array<Record<string, unknown>>);
    assert.equal(copies.length, 1, 'one copy');
    assert.equal(copies[0]?.['Status'], 'ACTIVE');
    assert.match(JSON.stringify(copies[0]?.['Networks']), new RegExp(address.replace(/\./g, '\\.')), `the copy has ${address}`);
    const sources = openstack(source, ['server', 'list', '--all-projects', '--name', `^${SERVER}$`], { json: true }) as Array<Record<string, unknown>>;
    assert.equal(sources[0]?.['Status'], 'SHUTOFF', 'the source is kept stopped');
    const left = openstack(source, ['floating', 'ip', 'list', '--floating-ip-address', address], { json: true }) as unknown[];
    assert.equal(left.length, 0, 'the address was released on the source');
    const replanned = await cli('plan', files.path('warm.yaml'), '--state', state);
    assert.match(replanned.stdout, /No changes\./, replanned.stderr);
  });
});
