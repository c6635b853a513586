// What the client sends to free a host, per negotiated microversion: the fields each Nova
// schema accepts and nothing more (Nova answers 400 to an unexpected property).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compute, OPENSTACK_CODES, ServiceClient, type HttpRequest, type Transport } from '../../../src/openstack/index.js';
import * as migrations from '../../../src/openstack/compute/migrations.js';
import { PumphouseError } from '../../../src/errors.js';

/** A compute client at `microversion` whose transport records requests and answers `reply`. */
function recordingClient(microversion: string, reply: (req: HttpRequest) => unknown = () => undefined): { client: ServiceClient; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const transport = {
    cloud: 'test',
    send: async (req: HttpRequest) => {
      sent.push(req);
      return { status: req.okCodes[0] ?? 200, headers: {}, data: reply(req) };
    },
  } as unknown as Transport;
  return { client: new ServiceClient({ transport, service: 'compute', baseUrl: 'http://nova.test/compute/v2.1', microversion }), sent };
}

const bodies = (sent: HttpRequest[]): unknown[] => sent.map((r) => r.body);

describe('compute: moving servers and updating services', () => {
  it('live migration: block_migration "auto" from 2.25, disk_over_commit before, never force', async () => {
    const modern = recordingClient('2.87');
    await compute.servers.liveMigrate(modern.client, 's1', { blockMigration: 'auto' });
    await compute.servers.liveMigrate(modern.client, 's1', { host: 'cmp-2', blockMigration: false });
    assert.deepEqual(bodies(modern.sent), [
      { 'os-migrateLive': { host: null, block_migration: 'auto' } },
      { 'os-migrateLive': { host: 'cmp-2', block_migration: false } },
    ]);
    assert.equal(modern.sent[0]?.url, 'http://nova.test/compute/v2.1/servers/s1/action');
    const old = recordingClient('2.24');
    await compute.servers.liveMigrate(old.client, 's1', { blockMigration: 'auto' });
    assert.deepEqual(bodies(old.sent), [{ 'os-migrateLive': { host: null, block_migration: false, disk_over_commit: false } }]);
  });

  it('cold migration names a host only from 2.56; confirmResize expects 204', async () => {
    const modern = recordingClient('2.56');
    await compute.servers.migrate(modern.client, 's1');
    await compute.servers.migrate(modern.client, 's1', { host: 'cmp-3' });
    await compute.servers.confirmResize(modern.client, 's1');
    assert.deepEqual(bodies(modern.sent), [{ migrate: null }, { migrate: { host: 'cmp-3' } }, { confirmResize: null }]);
    assert.deepEqual(modern.sent[2]?.okCodes, [204]);
    const old = recordingClient('2.55');
    await assert.rejects(compute.servers.migrate(old.client, 's1', { host: 'cmp-3' }), (e: unknown) => e instanceof PumphouseError && e.code === OPENSTACK_CODES.microversionUnsupported);
    assert.equal(old.sent.length, 0, 'nothing sent');
  });

  it('evacuate: onSharedStorage only before 2.14', async () => {
    const modern = recordingClient('2.87');
    await compute.servers.evacuate(modern.client, 's1');
    await compute.servers.evacuate(modern.client, 's1', { host: 'cmp-1' });
    assert.deepEqual(bodies(modern.sent), [{ evacuate: {} }, { evacuate: { host: 'cmp-1' } }]);
    const old = recordingClient('2.13');
    await compute.servers.evacuate(old.client, 's1');
    assert.deepEqual(bodies(old.sent), [{ evacuate: { onSharedStorage: false } }]);
  });

  it('services by uuid (2.53+): disable with a reason, enable, force down, delete', async () => {
    const { client, sent } = recordingClient('2.87', (req) => (req.method === 'PUT' ? { service: { id: 'u1', status: 'disabled' } } : undefined));
    assert.deepEqual(await compute.services.disable(client, 'u1', 'drain'), { id: 'u1', status: 'disabled' });
    await compute.services.enable(client, 'u1');
    await compute.services.forceDown(client, 'u1', true);
    await compute.services.remove(client, 'u1');
    assert.deepEqual(sent.map((r) => [r.method, r.displayPath, r.body]), [
      ['PUT', '/os-services/u1', { status: 'disabled', disabled_reason: 'drain' }],
      ['PUT', '/os-services/u1', { status: 'enabled' }],
      ['PUT', '/os-services/u1', { forced_down: true }],
      ['DELETE', '/os-services/u1', undefined],
    ]);
    const old = recordingClient('2.52');
    await assert.rejects(compute.services.disable(old.client, '7', 'drain'), (e: unknown) => e instanceof PumphouseError && e.code === OPENSTACK_CODES.microversionUnsupported);
    assert.equal(old.sent.length, 0);
  });

  it('migrations: filters as query parameters; paged from 2.59 only', async () => {
    const modern = recordingClient('2.87', () => ({ migrations: [{ id: 1, instance_uuid: 's1', status: 'completed' }] }));
    const rows = await migrations.list(modern.client, { instanceUuid: 's1', migrationType: 'live-migration', pageSize: 50 }).collectAll();
    assert.deepEqual(rows.map((m) => m.status), ['completed']);
    assert.equal(modern.sent[0]?.displayPath, '/os-migrations?instance_uuid=s1&migration_type=live-migration&limit=50');
    const old = recordingClient('2.58', () => ({ migrations: [] }));
    await migrations.list(old.client, { host: 'cmp-1' }).collectAll();
    assert.equal(old.sent[0]?.displayPath, '/os-migrations?host=cmp-1');
  });
});
