import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startSandbox, writeSandboxConfig, type Sandbox } from '../../src/simulator/sandbox.js';
import { runCli } from '../helpers/cli.js';
import { batchRunner } from '../helpers/openstack-cli.js';
import { tempFiles } from '../helpers/tmp.js';
import { realSourceName } from './real-clouds.js';

/**
 * `pumphouse discover --output json` lists the same resources, kind by kind, as the real
 * `openstack` command-line client does — against a real cloud and against the sandbox (which
 * also proves the openstack CLI works against the sandbox for every read below).
 *
 * inventory kind → the openstack CLI listing of the same objects (all projects, as admin), and
 * the column that identifies a row. Hypervisors go by hostname: the CLI negotiates a microversion
 * below 2.53, where their ids are integers rather than the UUIDs Pumphouse reads.
 */
const LISTINGS: Record<string, { args: string; key: string; ours: 'id' | 'name' }> = {
  domain: { args: 'domain list', key: 'ID', ours: 'id' },
  project: { args: 'project list', key: 'ID', ours: 'id' },
  user: { args: 'user list', key: 'ID', ours: 'id' },
  role: { args: 'role list', key: 'ID', ours: 'id' },
  flavor: { args: 'flavor list --all', key: 'ID', ours: 'id' },
  image: { args: 'image list', key: 'ID', ours: 'id' },
  'security-group': { args: 'security group list', key: 'ID', ours: 'id' },
  network: { args: 'network list', key: 'ID', ours: 'id' },
  subnet: { args: 'subnet list', key: 'ID', ours: 'id' },
  router: { args: 'router list', key: 'ID', ours: 'id' },
  port: { args: 'port list', key: 'ID', ours: 'id' },
  'floating-ip': { args: 'floating ip list', key: 'ID', ours: 'id' },
  'volume-type': { args: 'volume type list', key: 'ID', ours: 'id' },
  volume: { args: 'volume list --all-projects', key: 'ID', ours: 'id' },
  'volume-snapshot': { args: 'volume snapshot list --all-projects', key: 'ID', ours: 'id' },
  'server-group': { args: 'server group list --all-projects', key: 'ID', ours: 'id' },
  server: { args: 'server list --all-projects', key: 'ID', ours: 'id' },
  hypervisor: { args: 'hypervisor list', key: 'Hypervisor Hostname', ours: 'name' },
  // Keypairs are per user: the CLI lists its own user's (admin, Default domain).
  keypair: { args: 'keypair list', key: 'Name', ours: 'name' },
};

interface Inventory {
  resources: Array<{ kind: string; id: string; name: string; refs: Record<string, unknown> }>;
}

async function compare(configPath: string, cloud: string, env: NodeJS.ProcessEnv): Promise<void> {
  const kinds = Object.keys(LISTINGS);
  // The CLI's own microversion (the process's OS_COMPUTE_API_VERSION, if any), as the hypervisor
  // column above expects: not the 2.79 batchRunner sets by default.
  const openstack = batchRunner({ env: { ...env, OS_COMPUTE_API_VERSION: process.env['OS_COMPUTE_API_VERSION'] } });
  const [discovered, listed] = await Promise.all([
    runCli(['--config', configPath, 'discover', '--output', 'json'], { env }),
    Promise.all(kinds.map((kind) => openstack(cloud, LISTINGS[kind]!.args.split(' ')))).then((v) => v as Array<Array<Record<string, unknown>>>),
  ]);
  assert.equal(discovered.code, 0, discovered.stderr);
  const inventory = JSON.parse(discovered.stdout) as Inventory;
  kinds.forEach((kind, i) => {
    const listing = LISTINGS[kind]!;
    const theirs = listed[i]!.map((row) => String(row[listing.key])).sort();
    const ours = inventory.resources
      .filter((r) => r.kind === kind && (kind !== 'keypair' || r.refs['user'] === 'user:admin'))
      .map((r) => r[listing.ours])
      .sort();
    assert.deepEqual(ours, theirs, `${kind}: pumphouse and \`openstack ${listing.args}\` differ`);
  });
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

  for (const scenario of ['demo', 'kitchen-sink'] as const) {
    describe(`on the sandbox (${scenario})`, () => {
      let sandbox: Sandbox;
      const files = tempFiles({});
      before(async () => {
        sandbox = await startSandbox({ scenario, portBase: 0 });
        writeSandboxConfig(files.dir, sandbox);
      });
      after(async () => {
        await sandbox.stop();
        files.cleanup();
      });
      test(`${scenario} scenario, source cloud`, async () => {
        await compare(files.path('pumphouse.yaml'), 'sandbox-source', { OS_CLIENT_CONFIG_FILE: files.path('clouds.yaml') });
      });
    });
  }
});
