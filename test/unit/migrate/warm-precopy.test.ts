import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PRECOPIED_METADATA_KEY } from '../../../src/diff/marks.js';
import type { InventoryResource } from '../../../src/inventory/model.js';
import { serverRunner } from '../../../src/migrate/servers.js';
import { precopyRunner } from '../../../src/migrate/warm-precopy.js';
import { FakeServerClouds, FakeStepContext, fakeContext } from '../../helpers/fake-migrate.js';
import { demoSourceResources } from '../../helpers/small-inventory.js';

// The warm pre-copy (src/migrate/warm-precopy.ts) against fake clouds: the running source is
// snapshotted, never stopped; the copy is booted, stopped and marked built; a resumed attempt
// finishes a copy an earlier one booted instead of booting a second.

const WEB_1 = 'server:demo/web-1';
const SOURCE_ID = 'id-server-demo/web-1';

const PORT_COPY = 't-port:demo/p-web-1';

function setUp() {
  // No floating IP: its move is warm-floating-ips.test.ts's.
  const resources: InventoryResource[] = demoSourceResources().filter((r) => r.kind !== 'floating-ip')
    .map((r) => (r.address === WEB_1 ? { ...r, attributes: { ...r.attributes, status: 'ACTIVE', locked: false, keyName: 'alice-key' } } : r));
  const mappings = Object.fromEntries(resources.filter((r) => r.kind !== 'server').map((r) => [r.address, `t-${r.address}`]));
  const { m } = fakeContext({ resources, mappings, change: { address: WEB_1, kind: 'server', move: { cutover: 'warm' } } });
  const clouds = new FakeServerClouds();
  clouds.source.servers.add({ id: SOURCE_ID, name: 'web-1', status: 'ACTIVE' });
  return { m, clouds, ctx: FakeStepContext.of('precopy-server', 'server', WEB_1), runner: precopyRunner(m, clouds) };
}

describe('warm pre-copy', () => {
  test('snapshots the running source, boots the copy, stops it and marks it built; the source runs on', async () => {
    const { m, clouds, ctx, runner } = setUp();
    assert.deepEqual(await runner.observe(ctx), { done: false });
    const result = await runner.run(ctx);
    await runner.verify(ctx);
    const [copy] = [...clouds.target.servers.servers.values()];
    assert.ok(copy);
    assert.deepEqual(result, { targetId: copy.id });
    assert.equal(copy.status, 'SHUTOFF', 'left stopped for its cutover');
    assert.equal(copy.metadata[PRECOPIED_METADATA_KEY], ctx.checkpoint?.['snapshotAt'], 'the copy says when its snapshot was taken');
    assert.equal(clouds.source.servers.servers.get(SOURCE_ID)?.status, 'ACTIVE', 'the source is never stopped');
    assert.ok(!clouds.log.has('source.servers.stop'));
    assert.equal(m.ledger.downtime(WEB_1), undefined, 'no downtime yet');
    assert.equal(ctx.checkpoint?.['snapshotId'], undefined, 'the source snapshot is dropped once the copy is built');
    assert.deepEqual(Object.keys(m.ledger.temporaries()), [], 'and forgotten as a temporary');
    assert.deepEqual(await runner.observe(ctx.next()), { done: true, targetId: copy.id });
  });

  test('a resumed attempt finishes the copy the killed one booted: one copy', async () => {
    const { clouds, ctx, runner } = setUp();
    const first = await runner.run(ctx);
    const copy = clouds.target.servers.servers.get((first as { targetId: string }).targetId)!;
    // Killed after the boot, before the stop and the mark.
    copy.status = 'ACTIVE';
    delete copy.metadata[PRECOPIED_METADATA_KEY];
    const again = ctx.next();
    assert.deepEqual(await runner.observe(again), { done: false });
    await runner.run(again);
    assert.equal(clouds.target.servers.servers.size, 1);
    assert.equal(copy.status, 'SHUTOFF');
    assert.ok(copy.metadata[PRECOPIED_METADATA_KEY]);
  });

  test("the copy's ports are set admin-down before it boots, and stay down once it is built", async () => {
    const { clouds, ctx, runner } = setUp();
    await runner.run(ctx);
    const down = clouds.log.indexOf(`target.ports.setAdminStateUp ${PORT_COPY} false`);
    assert.ok(down >= 0, 'its port is set admin-down');
    assert.ok(down < clouds.log.indexOf('target.boot web-1'), 'before the boot');
    assert.equal(clouds.target.ports.adminUp.get(PORT_COPY), false);
  });

  test("a resumed attempt that takes on a running copy sets its ports down again", async () => {
    const { clouds, ctx, runner } = setUp();
    const first = await runner.run(ctx);
    const copy = clouds.target.servers.servers.get((first as { targetId: string }).targetId)!;
    copy.status = 'ACTIVE';
    delete copy.metadata[PRECOPIED_METADATA_KEY];
    clouds.target.ports.adminUp.set(PORT_COPY, true);
    await runner.run(ctx.next());
    assert.equal(clouds.target.ports.adminUp.get(PORT_COPY), false);
  });

  test("the cutover gives the ports the source's admin state after the source stops and before the copy starts", async () => {
    const { m, clouds, ctx, runner } = setUp();
    await runner.run(ctx);
    const cutover = FakeStepContext.of('migrate-server', 'server', WEB_1);
    await serverRunner(m, clouds).run(cutover);
    const up = clouds.log.indexOf(`target.ports.setAdminStateUp ${PORT_COPY} true`);
    assert.ok(clouds.log.indexOf(`source.servers.stop ${SOURCE_ID}`) < up, 'the source is stopped first');
    assert.ok(up < clouds.log.indexOf('target.servers.start'), 'the port is enabled before the copy starts');
    assert.equal(clouds.target.ports.adminUp.get(PORT_COPY), true, 'as the source port is');
  });

  test('a port of a source that is admin-down stays down on its copy after the cutover', async () => {
    const { m, clouds, ctx, runner } = setUp();
    const port = m.sourceLookup.get('port:demo/p-web-1')!;
    port.attributes['adminStateUp'] = false;
    await runner.run(ctx);
    await serverRunner(m, clouds).run(FakeStepContext.of('migrate-server', 'server', WEB_1));
    assert.equal(clouds.target.ports.adminUp.get(PORT_COPY), false);
    assert.ok(!clouds.log.has(`target.ports.setAdminStateUp ${PORT_COPY} true`));
  });

  test('a port that does not keep its admin state fails the cutover before the copy starts (PH1475)', async () => {
    const { m, clouds, ctx, runner } = setUp();
    await runner.run(ctx);
    clouds.target.ports.setAdminStateUp = async (id) => void clouds.target.ports.adminUp.set(id, false);
    await assert.rejects(serverRunner(m, clouds).run(FakeStepContext.of('migrate-server', 'server', WEB_1)), (e: Error & { code?: string }) => e.code === 'PH1475');
    assert.ok(!clouds.log.has('target.servers.start'), 'the copy was not started');
  });

  test('a cutover that fails after enabling the ports leaves none enabled once rolled back', async () => {
    const { m, clouds, ctx, runner } = setUp();
    await runner.run(ctx);
    clouds.target.servers.start = async () => {
      throw new Error('refused');
    };
    const cutover = FakeStepContext.of('migrate-server', 'server', WEB_1);
    const server = serverRunner(m, clouds);
    await assert.rejects(server.run(cutover));
    assert.equal(clouds.target.ports.adminUp.get(PORT_COPY), true, 'enabled by the cutover');
    await server.onFailed?.(cutover, new Error('refused'));
    assert.equal(clouds.target.ports.adminUp.get(PORT_COPY), false, 'down again after the roll-back');
    assert.equal(clouds.source.servers.servers.get(SOURCE_ID)?.status, 'ACTIVE', 'the source runs again');
  });
});
