import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SOURCE_TAG_PREFIX } from '../../../src/diff/marks.js';
import type { InventoryResource } from '../../../src/inventory/model.js';
import { serverRunner } from '../../../src/migrate/servers.js';
import { moveFloatingIps } from '../../../src/migrate/warm-floating-ips.js';
import { precopyRunner } from '../../../src/migrate/warm-precopy.js';
import { FakeServerClouds, FakeStepContext, fakeContext } from '../../helpers/fake-migrate.js';
import { demoSourceResources } from '../../helpers/small-inventory.js';

// A warm cutover's floating IP (src/migrate/warm-floating-ips.ts) against fake clouds: released on
// the source once the source is stopped, the same address taken on the target and pointed at the
// port's copy; another address when someone else holds it there; and given back to the source's
// port when the cutover fails, before the source starts again.

const WEB_1 = 'server:demo/web-1';
const SOURCE_ID = 'id-server-demo/web-1';
const FIP = 'floating-ip:demo/203.0.113.7';
const SOURCE_FIP_ID = 'id-floating-ip-demo/203.0.113.7';
const ADDRESS = '203.0.113.7';

async function precopied() {
  const resources: InventoryResource[] = demoSourceResources().map((r) => {
    if (r.address === WEB_1) return { ...r, attributes: { ...r.attributes, status: 'ACTIVE', locked: false, keyName: 'alice-key' } };
    if (r.address === FIP) return { ...r, attributes: { ...r.attributes, floatingIpAddress: ADDRESS, description: 'web' } };
    return r;
  });
  // A warm server's floating IP is not copied before its cutover: the cutover moves it.
  const mappings = Object.fromEntries(resources.filter((r) => r.kind !== 'server' && r.kind !== 'floating-ip').map((r) => [r.address, `t-${r.address}`]));
  const { m, events } = fakeContext({ resources, mappings, change: { address: WEB_1, kind: 'server', move: { cutover: 'warm' } } });
  const clouds = new FakeServerClouds();
  clouds.source.servers.add({ id: SOURCE_ID, name: 'web-1', status: 'ACTIVE' });
  clouds.source.floatingIps.add({ id: SOURCE_FIP_ID, floating_ip_address: ADDRESS, floating_network_id: 'id-network-admin/public', project_id: 'id-project-demo', port_id: 'id-port-demo/p-web-1' });
  await precopyRunner(m, clouds).run(FakeStepContext.of('precopy-server', 'server', WEB_1));
  return { m, events, clouds, ctx: FakeStepContext.of('migrate-server', 'server', WEB_1), runner: serverRunner(m, clouds) };
}

const marked = (tags: string[] | undefined) => (tags ?? []).includes(`${SOURCE_TAG_PREFIX}${SOURCE_FIP_ID}`);

describe('warm cutover: floating IPs', () => {
  test('released on the source after its stop, the same address taken on the target for the copy\'s port before the copy starts', async () => {
    const { m, clouds, ctx, runner } = await precopied();
    await runner.run(ctx);
    assert.deepEqual(clouds.source.floatingIps.holding(ADDRESS), [], 'released on the source');
    const [copy] = clouds.target.floatingIps.holding(ADDRESS);
    assert.ok(copy, 'the same address on the target');
    assert.equal(copy.port_id, 't-port:demo/p-web-1', "on the port's copy");
    assert.equal(copy.floating_network_id, 't-network:admin/public');
    assert.equal(copy.project_id, 't-project:demo');
    assert.ok(marked(copy.tags), 'marked as the copy of the source floating IP');
    assert.equal(m.ledger.mapping(FIP), copy.id);
    const log = clouds.log;
    assert.ok(log.indexOf(`source.servers.stop ${SOURCE_ID}`) < log.indexOf(`source.floatingIps.remove ${SOURCE_FIP_ID}`), 'the source is stopped first');
    assert.ok(log.indexOf(`source.floatingIps.remove ${SOURCE_FIP_ID}`) < log.indexOf(`target.floatingIps.create ${ADDRESS}`), 'released before it is taken');
    assert.ok(log.indexOf(`target.floatingIps.create ${ADDRESS}`) < log.indexOf('target.servers.start'), 'before the copy starts');
    assert.ok(ctx.checkpoint?.['movedFloatingIps'], 'what moved is in the checkpoint');

    // Again (a resumed attempt): the marked copy is found, nothing is allocated twice.
    await moveFloatingIps(m, clouds, ctx.next(), m.sourceObject(WEB_1));
    assert.equal(clouds.target.floatingIps.holding(ADDRESS).length, 1);
    assert.equal(log.matching(/^target\.floatingIps\.create /).length, 1);
  });

  test('an address someone else holds on the target: the copy gets another one, theirs is left alone', async () => {
    const { clouds, ctx, runner } = await precopied();
    clouds.target.floatingIps.add({ id: 'theirs', floating_ip_address: ADDRESS, floating_network_id: 't-network:admin/public', project_id: 'another-project', port_id: 'their-port' });
    await runner.run(ctx);
    assert.deepEqual(clouds.target.floatingIps.holding(ADDRESS).map((f) => [f.id, f.port_id]), [['theirs', 'their-port']], 'theirs is untouched');
    const copy = [...clouds.target.floatingIps.floatingIps.values()].find((f) => marked(f.tags));
    assert.ok(copy, 'a marked copy');
    assert.notEqual(copy.floating_ip_address, ADDRESS);
    assert.equal(copy.port_id, 't-port:demo/p-web-1');
    assert.ok(ctx.phases.some((p) => p.includes(`${ADDRESS} is taken or not in the target's range`)), ctx.phases.join('; '));
    assert.deepEqual(clouds.source.floatingIps.holding(ADDRESS), [], 'released on the source all the same');
  });

  test('a cutover that fails after the move gives the address back to the source port, then starts the source', async () => {
    const { clouds, ctx, runner } = await precopied();
    clouds.target.servers.start = async () => {
      throw new Error('refused');
    };
    await assert.rejects(runner.run(ctx));
    assert.equal(clouds.target.floatingIps.holding(ADDRESS).length, 1, 'moved before the failure');
    await runner.onFailed?.(ctx, new Error('refused'));
    assert.deepEqual(clouds.target.floatingIps.holding(ADDRESS), [], 'gone from the target');
    const [back] = clouds.source.floatingIps.holding(ADDRESS);
    assert.ok(back, 'the same address on the source');
    assert.equal(back.port_id, 'id-port-demo/p-web-1', "on the source server's port");
    assert.equal(back.floating_network_id, 'id-network-admin/public');
    assert.equal(back.project_id, 'id-project-demo');
    const log = clouds.log;
    const given = log.indexOf(`source.floatingIps.create ${ADDRESS}`);
    assert.ok(log.indexOf('target.floatingIps.remove') < given, 'released on the target first');
    assert.ok(given < log.calls.lastIndexOf(`source.servers.start ${SOURCE_ID}`), 'back before the source starts');
    assert.equal(clouds.source.servers.servers.get(SOURCE_ID)?.status, 'ACTIVE', 'the source runs again');
    assert.deepEqual(ctx.checkpoint?.['movedFloatingIps'], {}, 'nothing left moved');
  });
});
