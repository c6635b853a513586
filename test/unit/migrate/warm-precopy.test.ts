import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PRECOPIED_METADATA_KEY } from '../../../src/diff/marks.js';
import type { InventoryResource } from '../../../src/inventory/model.js';
import { precopyRunner } from '../../../src/migrate/warm-precopy.js';
import { FakeServerClouds, FakeStepContext, fakeContext } from '../../helpers/fake-migrate.js';
import { demoSourceResources } from '../../helpers/small-inventory.js';

// The warm pre-copy (src/migrate/warm-precopy.ts) against fake clouds: the running source is
// snapshotted, never stopped; the copy is booted, stopped and marked built; a resumed attempt
// finishes a copy an earlier one booted instead of booting a second.

const WEB_1 = 'server:demo/web-1';
const SOURCE_ID = 'id-server-demo/web-1';

function setUp() {
  const resources: InventoryResource[] = demoSourceResources().map((r) => (r.address === WEB_1 ? { ...r, attributes: { ...r.attributes, status: 'ACTIVE', keyName: 'alice-key' } } : r));
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
});
