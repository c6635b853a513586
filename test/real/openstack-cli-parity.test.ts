import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { startSandbox, writeSandboxConfig, type Sandbox } from '../../src/simulator/sandbox.js';
import { mapLimit } from '../../src/openstack/index.js';
import { runCli } from '../helpers/cli.js';
import { tempFiles } from '../helpers/tmp.js';
import { realSourceName } from './real-clouds.js';

/**
 * `pumphouse discover --output json` lists the same resources, kind by kind, as the real
 * `openstack` command-line client does — against a real cloud and against the sandbox (which
 * also proves the openstack CLI works against the sandbox for every read below).
 */
const run = promisify(execFile);

/** inventory kind → the openstack CLI listing of the same objects (all projects, as admin). */
const LISTINGS: Record<string, string[]> = {
  domain: ['domain', 'list'],
  project: ['project', 'list'],
  user: ['user', 'list'],
  role: ['role', 'list'],
  flavor: ['flavor', 'list', '--all'],
  image: ['image', 'list'],
  'security-group': ['security', 'group', 'list'],
  network: ['network', 'list'],
  subnet: ['subnet', 'list'],
  router: ['router', 'list'],
  port: ['port', 'list'],
  'floating-ip': ['floating', 'ip', 'list'],
  'volume-type': ['volume', 'type', 'list'],
  volume: ['volume', 'list', '--all-projects'],
  'volume-snapshot': ['volume', 'snapshot', 'list', '--all-projects'],
  'server-group': ['server', 'group', 'list', '--all-projects'],
  server: ['server', 'list', '--all-projects'],
  hypervisor: ['hypervisor', 'list'],
};

interface Inventory {
  resources: Array<{ kind: string; id: string; name: string; attributes: Record<string, unknown>; refs: Record<string, unknown> }>;
}

async function openstackIds(cloud: string, env: NodeJS.ProcessEnv, args: string[]): Promise<string[]> {
  const { stdout } = await run('openstack', ['--os-cloud', cloud, ...args, '-f', 'json'], { env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  const rows = JSON.parse(stdout) as Array<Record<string, unknown>>;
  return rows.map((row) => String(row['ID'] ?? row['Id'] ?? row['id'])).sort();
}

async function compare(configPath: string, cloud: string, env: NodeJS.ProcessEnv): Promise<void> {
  const discovered = await runCli(['--config', configPath, 'discover', '--output', 'json'], { env });
  assert.equal(discovered.code, 0, discovered.stderr);
  const inventory = JSON.parse(discovered.stdout) as Inventory;
  const kinds = Object.keys(LISTINGS);
  const listed = await mapLimit(kinds, 4, (kind) => openstackIds(cloud, env, LISTINGS[kind]!));
  kinds.forEach((kind, i) => {
    const ours = inventory.resources.filter((r) => r.kind === kind).map((r) => r.id).sort();
    assert.deepEqual(ours, listed[i], `${kind}: pumphouse and \`openstack ${LISTINGS[kind]!.join(' ')}\` differ`);
  });
  // Keypairs are per user: the CLI lists its own user's (admin, in the Default domain).
  const { stdout } = await run('openstack', ['--os-cloud', cloud, 'keypair', 'list', '-f', 'json'], { env: { ...process.env, ...env } });
  const ownNames = (JSON.parse(stdout) as Array<{ Name: string }>).map((k) => k.Name).sort();
  const ours = inventory.resources.filter((r) => r.kind === 'keypair' && r.refs['user'] === 'user:admin').map((r) => r.name).sort();
  assert.deepEqual(ours, ownNames, 'keypairs of admin differ');
}

describe('discover matches the openstack CLI', () => {
  test(`on the real cloud ${realSourceName()}`, async () => {
    const files = tempFiles({});
    try {
      const path = files.path('pumphouse.yaml');
      writeFileSync(path, `source: { cloud: ${realSourceName()} }\ntarget: { cloud: ${realSourceName()} }\n`);
      await compare(path, realSourceName(), {});
    } finally {
      files.cleanup();
    }
  });

  describe('on the sandbox', () => {
    let sandbox: Sandbox;
    const files = tempFiles({});
    before(async () => {
      sandbox = await startSandbox({ scenario: 'demo', portBase: 0 });
      writeSandboxConfig(files.dir, sandbox);
    });
    after(async () => {
      await sandbox.stop();
      files.cleanup();
    });
    test('demo scenario, source cloud', async () => {
      await compare(files.path('pumphouse.yaml'), 'sandbox-source', { OS_CLIENT_CONFIG_FILE: files.path('clouds.yaml') });
    });
  });
});
