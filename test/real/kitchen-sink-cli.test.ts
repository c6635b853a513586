import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, writeSandboxConfig, type Sandbox } from '../../src/simulator/sandbox.js';
import { KS_FIXED_MAC } from '../../src/simulator/scenarios/kitchen-sink.js';
import type { CloudStore } from '../../src/simulator/store.js';
import { batchRunner } from '../helpers/openstack-cli.js';
import { tempFiles } from '../helpers/tmp.js';

/**
 * The real `openstack` client (python3-openstackclient, as on the testbed) lists and shows every
 * object of the sandbox's kitchen-sink scenario, and shows the fields the scenario is about.
 * Servers and server groups of another project are shown by id: by name the client only looks
 * in the admin's own project, on a real cloud too.
 */
type Row = Record<string, any>;

function commands(store: CloudStore): Record<string, string> {
  const id = (rows: ReadonlyArray<{ id: string; name: string }>, name: string): string => rows.find((r) => r.name === name)?.id ?? name;
  const app = id(store.projects.all(), 'ks-app');
  const lists = ['domain list', 'project list --long', 'user list --long', 'role assignment list --names', 'flavor list --all --long', 'image list --long',
    'server group list --all-projects --long', 'network list --long', 'subnet list --long', 'router list --long', 'port list --long', 'floating ip list --long',
    'security group list', 'security group rule list --long', 'volume type list --long', 'volume list --all-projects --long', 'server list --all-projects --long'];
  return {
    ...Object.fromEntries(lists.map((c) => [c, c])),
    domain: 'domain show ks-domain',
    app: `project show ${app}`,
    partner: 'project show --domain ks-domain ks-partner',
    owner: 'user show --domain ks-domain ks-owner',
    grants: 'role assignment list --user ks-owner --user-domain ks-domain --names',
    quota: `quota show ${app}`,
    flavor: 'flavor show ks-private',
    ephemeral: 'flavor show ks-ephemeral',
    keypair: 'keypair show --user ks-owner --user-domain ks-domain ks-key',
    shared: 'image show ks-shared-image',
    members: 'image member list ks-shared-image',
    ami: 'image show ks-ami',
    kernel: 'image show ks-kernel',
    ramdisk: 'image show ks-ramdisk',
    group: `server group show ${id(store.serverGroups.all(), 'ks-anti')}`,
    network: 'network show ks-net',
    subnet: 'subnet show ks-subnet',
    router: 'router show ks-router',
    port: 'port show ks-web-port',
    fip: `floating ip show ${store.floatingIps.all()[0]?.id ?? ''}`,
    web: 'security group show ks-web',
    db: 'security group show ks-db',
    type: 'volume type show lvmdriver-1',
    data: 'volume show ks-data',
    spare: 'volume show ks-spare',
    web1: `server show ${id(store.servers.all(), 'ks-web-1')}`,
    stopped: `server show ${id(store.servers.all(), 'ks-stopped')}`,
    kernelBoot: `server show ${id(store.servers.all(), 'ks-kernel-boot')}`,
  };
}

describe('the openstack CLI on the kitchen-sink sandbox', () => {
  let sandbox: Sandbox;
  const files = tempFiles({});
  before(async () => {
    sandbox = await startSandbox({ scenario: 'kitchen-sink', portBase: 0, hardware: false });
    writeSandboxConfig(files.dir, sandbox);
  });
  after(async () => {
    await sandbox.stop();
    files.cleanup();
  });

  test('lists and shows every object, with the fields the scenario sets', async () => {
    const wanted = commands(sandbox.clouds.source.store);
    const names = Object.keys(wanted);
    // batchRunner asks for Nova 2.79 (CLI_ENV): server descriptions, tags, kernel and user data;
    // the CLI's default (2.1) shows none of them.
    const openstack = batchRunner({ env: { OS_CLIENT_CONFIG_FILE: files.path('clouds.yaml') } });
    const answers = await Promise.all(Object.values(wanted).map((command) => openstack('sandbox-source', command.split(' '))));
    const got = Object.fromEntries(names.map((n, i) => [n, answers[i] as Row]));
    for (const list of names.filter((n) => n.includes(' list'))) assert.ok(Array.isArray(got[list]) && got[list].length > 0, `${list} lists something`);

    assert.match(String(got['domain']!['description']), /Kitchen-sink/);
    assert.deepEqual(got['app']!['tags'], ['kitchen-sink', 'tier-1']);
    assert.equal(got['owner']!['default_project_id'], got['app']!['id']);
    assert.equal(got['owner']!['email'], 'ks-owner@example.com');
    assert.deepEqual(got['grants']!.map((g: Row) => [g['Role'], g['Project'] || g['Domain']]).sort(), [['member', 'ks-app@ks-domain'], ['reader', 'ks-domain']]);
    assert.equal(got['quota']!['instances'], 20);
    assert.deepEqual(got['flavor']!['access_project_ids'], [got['app']!['id'], got['partner']!['id']]);
    assert.equal(got['flavor']!['properties']['hw:cpu_policy'], 'shared');
    assert.deepEqual([got['ephemeral']!['OS-FLV-EXT-DATA:ephemeral'], got['ephemeral']!['swap']], [1, 512]);
    assert.equal(got['keypair']!['user_id'], got['owner']!['id']);
    assert.deepEqual([got['shared']!['visibility'], got['shared']!['min_disk'], got['shared']!['min_ram']], ['shared', 5, 512]);
    assert.deepEqual(got['members']!.map((m: Row) => [m['Member ID'], m['Status']]), [[got['partner']!['id'], 'accepted']]);
    assert.deepEqual([got['ami']!['properties']['kernel_id'], got['ami']!['properties']['ramdisk_id']], [got['kernel']!['id'], got['ramdisk']!['id']]);
    assert.equal(got['group']!['policy'], 'anti-affinity');
    assert.deepEqual([got['network']!['mtu'], got['network']!['tags']], [1400, ['kitchen-sink']]);
    assert.equal(got['subnet']!['allocation_pools'].length, 2);
    assert.deepEqual(got['subnet']!['host_routes'], [{ destination: '192.168.77.0/24', nexthop: '10.77.0.254' }]);
    assert.deepEqual(got['router']!['routes'], [{ destination: '172.31.0.0/16', nexthop: '10.77.0.254' }]);
    assert.equal(got['port']!['mac_address'], KS_FIXED_MAC);
    assert.equal(got['port']!['allowed_address_pairs'].length, 2);
    assert.equal(got['fip']!['description'], 'Public address of ks-web-1');
    assert.ok(got['db']!['rules'].some((r: Row) => r['remote_group_id'] === got['web']!['id']));
    assert.deepEqual([got['data']!['description'], got['data']!['status']], ['Data disk of ks-web-1', 'in-use']);
    assert.equal(got['spare']!['status'], 'available');
    assert.deepEqual([got['web1']!['description'], got['web1']!['key_name'], got['web1']!['tags']], ['The kitchen-sink web server', 'ks-key', ['kitchen-sink', 'web']]);
    assert.ok(got['web1']!['OS-EXT-SRV-ATTR:user_data']);
    assert.deepEqual([got['stopped']!['status'], got['stopped']!['OS-EXT-STS:power_state']], ['SHUTOFF', 4]);
    assert.equal(got['kernelBoot']!['OS-EXT-SRV-ATTR:kernel_id'], got['kernel']!['id']);
  });
});
