// The simulator's host side beyond the shared contract (test/contract/nova-host-contracts.ts):
// refusals, older microversions, stopped servers, forced destinations and a failed evacuation,
// spoken to over plain HTTP with expectations taken from Zed's nova source.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import { sandboxUserPassword } from '../../../src/simulator/scenarios/builder.js';
import type { CloudStore, Server } from '../../../src/simulator/store.js';
import { login, originOf, sender, type Reply } from './helpers.js';
import { eventually } from '../../helpers/eventually.js';

const http = sender();
const send = (method: string, url: string, token: string, body?: unknown, version = '2.87'): Promise<Reply> =>
  http(method, url, token, body, { 'OpenStack-API-Version': `compute ${version}` });

describe('simulator: nova hosts', () => {
  let sandbox: Sandbox;
  let store: CloudStore;
  let nova: string;
  let admin: string;

  const service = (host: string) => store.computeServices.by('host', host).find((s) => s.binary === 'nova-compute')!;
  const serverNamed = (name: string): Server => store.servers.by('name', name)[0]!;
  const action = (server: Server, body: unknown, version?: string) => send('POST', `${nova}/servers/${server.id}/action`, admin, body, version);
  const setService = (host: string, body: unknown) => send('PUT', `${nova}/os-services/${service(host).id}`, admin, body);

  beforeEach(async () => {
    sandbox = await startSandbox({ scenario: 'demo', portBase: 0, faults: { transitionMs: 2 } });
    store = sandbox.clouds.source.store;
    nova = `${originOf(sandbox.source)}/compute/v2.1`;
    admin = (await login(sandbox.source)).token;
  });
  afterEach(async () => {
    await sandbox.stop();
  });

  test('service updates: Nova refusals, and the hypervisor mirrors status and state', async () => {
    const scheduler = store.computeServices.all().find((s) => s.binary === 'nova-scheduler')!;
    const cases: Array<[string, unknown, number, RegExp]> = [
      [scheduler.id, { status: 'disabled' }, 400, /Updating a nova-scheduler service is not supported/],
      [service('cmp-1').id, { status: 'enabled', disabled_reason: 'x' }, 400, /Specifying 'disabled_reason' with status 'enabled' is invalid/],
      [service('cmp-1').id, { disabled_reason: 'x' }, 400, /No updates were requested/],
      [service('cmp-1').id, { status: 'off' }, 400, /is not one of \['enabled', 'disabled'\]/],
      ['not-a-uuid', { status: 'disabled' }, 400, /Invalid uuid not-a-uuid/],
      [randomUUID(), { status: 'disabled' }, 404, /could not be found/],
    ];
    for (const [id, body, status, message] of cases) {
      const reply = await send('PUT', `${nova}/os-services/${id}`, admin, body);
      assert.equal(reply.status, status, JSON.stringify(body));
      assert.match(JSON.stringify(reply.body), message);
    }
    const alice = (await login(sandbox.source, { user: 'alice', password: sandboxUserPassword('alice'), project: 'demo' })).token;
    assert.equal((await send('PUT', `${nova}/os-services/${service('cmp-1').id}`, alice, { status: 'disabled' })).status, 403);

    assert.equal((await setService('cmp-1', { status: 'disabled', disabled_reason: 'drain', forced_down: true })).status, 200);
    const hypervisor = (await send('GET', `${nova}/os-hypervisors/detail`, admin)).body.hypervisors.find((h: any) => h.service.host === 'cmp-1');
    assert.deepEqual([hypervisor.status, hypervisor.state, hypervisor.service.disabled_reason], ['disabled', 'down', 'drain']);
    const back = await setService('cmp-1', { status: 'enabled', forced_down: false });
    assert.deepEqual([back.body.service.status, back.body.service.state, back.body.service.disabled_reason, back.body.service.forced_down], ['enabled', 'up', null, false]);
  });

  test('before 2.53 services are updated by host and binary', async () => {
    const reply = await send('PUT', `${nova}/os-services/disable-log-reason`, admin, { host: 'cmp-2', binary: 'nova-compute', disabled_reason: 'old style' }, '2.11');
    assert.deepEqual(reply.body, { service: { host: 'cmp-2', binary: 'nova-compute', status: 'disabled', disabled_reason: 'old style' } });
    assert.equal(service('cmp-2').disabledReason, 'old style');
    assert.equal((await send('PUT', `${nova}/os-services/force-down`, admin, { host: 'cmp-2', binary: 'nova-compute', forced_down: true }, '2.10')).status, 404);
  });

  test('a service hosting servers cannot be deleted; an empty one goes with its hypervisor', async () => {
    const busy = await send('DELETE', `${nova}/os-services/${service('cmp-1').id}`, admin);
    assert.equal(busy.status, 409);
    assert.match(busy.body.conflictingRequest.message, /hosting instances/);
    for (const s of [...store.servers.by('host', 'cmp-3')]) store.servers.delete(s.id);
    assert.equal((await send('DELETE', `${nova}/os-services/${service('cmp-3').id}`, admin)).status, 204);
    assert.equal(store.hypervisors.by('hostname', 'cmp-3').length, 0);
    assert.equal(store.aggregates.all().some((a) => a.hosts.includes('cmp-3')), false);
  });

  test('a stopped server cold-migrates, is confirmed back to SHUTOFF, and its ports follow it', async () => {
    const server = serverNamed('ops-monitor');
    assert.equal(server.status, 'SHUTOFF');
    const from = server.host;
    assert.equal((await action(server, { migrate: { host: from } })).status, 400, 'not to its own host');
    assert.equal((await action(server, { migrate: { host: 'cmp-1' } }, '2.55')).status, 400, 'no host before 2.56');
    assert.equal((await action(server, { migrate: { host: 'cmp-1' } })).status, 202);
    assert.equal(server.status as string, 'RESIZE');
    await eventually('VERIFY_RESIZE', () => (server.status === 'VERIFY_RESIZE' ? true : undefined));
    assert.equal(server.host, 'cmp-1');
    assert.deepEqual(store.serverPorts(server.id).map((p) => p.bindingHostId), store.serverPorts(server.id).map(() => 'cmp-1'));
    assert.equal((await action(server, { confirmResize: null })).status, 204);
    await eventually('SHUTOFF', () => (server.status === 'SHUTOFF' ? true : undefined));
    assert.equal(server.vmState, 'stopped');
  });

  test('force (2.30–2.67) takes a disabled host; 2.68 refuses the field; unknown hosts are refused', async () => {
    const server = serverNamed('web-1');
    await setService('cmp-2', { status: 'disabled' });
    assert.equal((await action(server, { 'os-migrateLive': { host: 'nowhere', block_migration: 'auto' } })).status, 400);
    assert.equal((await action(server, { 'os-migrateLive': { host: 'cmp-2', block_migration: 'auto', force: true } })).status, 400, '2.87 has no force');
    assert.equal((await action(server, { 'os-migrateLive': { host: 'cmp-2', block_migration: 'auto', force: true } }, '2.30')).status, 202);
    await eventually('the move', () => (server.taskState === null ? true : undefined));
    assert.equal(server.host, 'cmp-2');
    const records = (await send('GET', `${nova}/os-migrations?instance_uuid=${server.id}`, admin)).body.migrations;
    assert.deepEqual(records.map((m: any) => [m.migration_type, m.status, m.dest_compute]), [['live-migration', 'completed', 'cmp-2']]);
  });

  test('an evacuation with no host left ends in ERROR with the scheduler fault', async () => {
    const server = serverNamed('web-1');
    await setService('cmp-1', { forced_down: true });
    await setService('cmp-2', { status: 'disabled' });
    await setService('cmp-3', { status: 'disabled' });
    assert.equal((await action(server, { evacuate: {} })).status, 200);
    await eventually('ERROR', () => (server.status === 'ERROR' ? true : undefined));
    const shown = (await send('GET', `${nova}/servers/${server.id}`, admin)).body.server;
    assert.match(shown.fault.message, /No valid host was found/);
    assert.equal(shown['OS-EXT-SRV-ATTR:host'], 'cmp-1');
    const records = (await send('GET', `${nova}/os-migrations?migration_type=evacuation`, admin)).body.migrations;
    assert.deepEqual(records.map((m: any) => m.status), ['error']);
    // An errored evacuation does not hold the host down.
    assert.equal((await setService('cmp-1', { forced_down: false })).status, 200);
  });

  test('a move keeps the anti-affinity of the server group', async () => {
    const server = serverNamed('web-1');
    assert.deepEqual([server.host, serverNamed('web-2').host], ['cmp-1', 'cmp-2']);
    await setService('cmp-3', { status: 'disabled' });
    assert.equal((await action(server, { 'os-migrateLive': { host: null, block_migration: 'auto' } })).status, 202);
    await eventually('the scheduler', () => (server.taskState === null ? true : undefined));
    assert.equal(server.host, 'cmp-1', 'cmp-2 holds its anti-affine peer');
    const records = (await send('GET', `${nova}/os-migrations?instance_uuid=${server.id}`, admin)).body.migrations;
    assert.deepEqual(records.map((m: any) => m.status), ['error']);
  });

  test('os-migrations: shapes by microversion, newest first and paged from 2.59', async () => {
    for (const name of ['web-1', 'web-2']) {
      const server = serverNamed(name);
      assert.equal((await action(server, { 'os-migrateLive': { host: null, block_migration: 'auto' } })).status, 202);
      await eventually('the move', () => (server.taskState === null ? true : undefined));
    }
    const old = (await send('GET', `${nova}/os-migrations`, admin, undefined, '2.1')).body.migrations;
    assert.equal(old.length, 2);
    assert.equal('migration_type' in old[0] || 'uuid' in old[0], false);
    const first = (await send('GET', `${nova}/os-migrations?limit=1`, admin, undefined, '2.59')).body;
    assert.equal(first.migrations[0].instance_uuid, serverNamed('web-2').id, 'newest first');
    assert.match(first.migrations_links[0].href, /marker=/);
    const second = (await send('GET', `${nova}/os-migrations?limit=1&marker=${first.migrations[0].uuid}`, admin, undefined, '2.59')).body;
    assert.equal(second.migrations[0].instance_uuid, serverNamed('web-1').id);
    const byHost = (await send('GET', `${nova}/os-migrations?host=${serverNamed('web-1').host}`, admin)).body.migrations;
    assert.ok(byHost.length >= 1 && byHost.every((m: any) => [m.source_compute, m.dest_compute].includes(serverNamed('web-1').host)));
  });
});
