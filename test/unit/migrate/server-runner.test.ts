import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SOURCE_STATUS_METADATA_KEY, SOURCE_TAG_PREFIX, VERIFIED_METADATA_KEY } from '../../../src/diff/marks.js';
import type { ServerMove } from '../../../src/diff/changes.js';
import type { InventoryResource } from '../../../src/inventory/model.js';
import { serverRunner } from '../../../src/migrate/servers.js';
import { FakeServerClouds, FakeStepContext, fakeContext, httpError } from '../../helpers/fake-migrate.js';
import { demoSourceResources } from '../../helpers/small-inventory.js';

// The server step (src/migrate/servers.ts) against fake clouds: what it does to each cloud, in
// which order, what it records, and how it undoes a move that fails after the boot.

const WEB_1 = 'server:demo/web-1';
const SOURCE_ID = 'id-server-demo/web-1';

function setUp(options: { status?: 'ACTIVE' | 'SHUTOFF'; move?: Partial<ServerMove>; locked?: boolean } = {}) {
  const resources: InventoryResource[] = demoSourceResources().map((r) =>
    r.address === WEB_1 ? { ...r, attributes: { ...r.attributes, status: options.status ?? 'ACTIVE', locked: options.locked ?? false, keyName: 'alice-key' } } : r);
  // Everything the server needs was copied by the steps before it.
  const mappings = Object.fromEntries(resources.filter((r) => r.kind !== 'server').map((r) => [r.address, `t-${r.address}`]));
  const { m, events } = fakeContext({ resources, mappings, change: { address: WEB_1, kind: 'server', move: options.move ?? {} } });
  const clouds = new FakeServerClouds();
  clouds.source.servers.add({ id: SOURCE_ID, name: 'web-1', status: options.status ?? 'ACTIVE', 'OS-EXT-SRV-ATTR:user_data': 'I2Nsb3VkLWNvbmZpZw==' });
  const ctx = FakeStepContext.of('migrate-server', 'server', WEB_1);
  return { m, events, clouds, ctx, runner: serverRunner(m, clouds) };
}

const copies = (clouds: FakeServerClouds) => [...clouds.target.servers.servers.values()];
const code = (error: unknown): string | undefined => (error as { code?: string }).code;

describe('server step', () => {
  test('a running server: stopped, snapshotted, booted on the copied ports, read back, then kept stopped; the snapshot goes', async () => {
    const { m, events, clouds, ctx, runner } = setUp();
    assert.deepEqual(await runner.observe(ctx), { done: false });
    const result = await runner.run(ctx);
    await runner.verify(ctx);

    const [copy] = copies(clouds);
    assert.ok(copy);
    assert.deepEqual(result, { targetId: copy.id });
    assert.equal(m.ledger.mapping(WEB_1), copy.id);
    assert.ok(clouds.log.indexOf('source.servers.stop') < clouds.log.indexOf('source.servers.snapshot'), 'the snapshot is of the stopped server');
    assert.ok(clouds.log.indexOf('source.servers.snapshot') < clouds.log.indexOf('target.boot'));
    assert.ok(clouds.log.indexOf('target.floatingIps.setPort') < clouds.log.indexOf('target.servers.addMetadata'));
    const [boot] = clouds.boots;
    assert.ok(boot);
    assert.equal(boot.projectId, 't-project:demo');
    assert.equal(boot.flavorRef, 't-flavor:m1.small');
    assert.deepEqual(boot.networks, [{ port: 't-port:demo/p-web-1' }], 'the copied port keeps MAC and address');
    assert.equal(boot.user_data, 'I2Nsb3VkLWNvbmZpZw==', 'user data read live from the source');
    assert.ok(boot.tags?.includes('frontend') && boot.tags.includes(`${SOURCE_TAG_PREFIX}${SOURCE_ID}`), 'its own tags and the mark');
    assert.equal(boot.metadata?.[SOURCE_STATUS_METADATA_KEY], 'ACTIVE', 'the copy records that the source ran');
    const bootImage = clouds.targetImages.images.get(boot.imageRef as string);
    assert.equal(bootImage?.name, 'pumphouse-snapshot-web-1', 'booted from the streamed snapshot');

    assert.equal(copy.status, 'ACTIVE');
    assert.ok(copy.metadata[VERIFIED_METADATA_KEY], 'the move is marked done on the copy');
    assert.equal(await clouds.target.floatingIps.portOf('t-floating-ip:demo/203.0.113.7'), 't-port:demo/p-web-1');
    assert.equal(clouds.source.servers.servers.get(SOURCE_ID)?.status, 'SHUTOFF', 'keep-stopped');
    assert.equal(clouds.sourceImages.images.size, 0, 'the snapshot is removed from the source');
    assert.deepEqual(Object.keys(m.ledger.temporaries()), [], 'and from the recorded temporaries');
    const downtime = m.ledger.downtime(WEB_1);
    assert.equal(downtime?.wasActive, true);
    assert.ok(downtime?.stoppedAt && downtime.verifiedAt && Date.parse(downtime.verifiedAt) >= Date.parse(downtime.stoppedAt));
    assert.deepEqual(events.ofType('server_downtime').map((e) => e.data.outcome), ['migrated']);

    const next = ctx.next();
    assert.deepEqual(await runner.observe(next), { done: true, targetId: copy.id }, 'the next apply sees the move done');
    await runner.verify(next);
  });

  test('source: delete removes the source only after the copy is read back, and waits until it is gone', async () => {
    const { clouds, ctx, runner } = setUp({ move: { source: 'delete' } });
    await runner.run(ctx);
    assert.equal(clouds.source.servers.servers.has(SOURCE_ID), false);
    assert.ok(clouds.log.indexOf('target.boot') < clouds.log.indexOf('source.servers.remove'));
    assert.ok(clouds.log.indexOf('source.servers.remove') < clouds.log.indexOf('target.servers.addMetadata'), 'done is marked after the source is handled');
  });

  test('strategy rebuild boots from the copy of the original image and takes no snapshot', async () => {
    const { clouds, ctx, runner } = setUp({ move: { strategy: 'rebuild' } });
    await runner.run(ctx);
    assert.equal(clouds.boots[0]?.imageRef, 't-image:admin/cirros');
    assert.equal(clouds.log.has('source.servers.snapshot'), false);
  });

  test('a server stopped before the move gets a stopped, locked copy and is not started again on failure', async () => {
    const { m, clouds, ctx, runner } = setUp({ status: 'SHUTOFF', locked: true });
    await runner.run(ctx);
    const [copy] = copies(clouds);
    assert.equal(copy?.status, 'SHUTOFF', 'stopped as its source was');
    assert.equal(copy?.locked, true);
    assert.equal(clouds.log.has('source.servers.stop'), false, 'nothing to stop on the source');
    assert.equal(m.ledger.downtime(WEB_1)?.wasActive, false);
  });

  test('a copy the target did not keep as written fails with PH1632; the source is untouched, and the roll-back removes the copy and starts the source', async () => {
    const { m, events, clouds, ctx, runner } = setUp({ move: { source: 'delete' } });
    clouds.drift.set(WEB_1, { metadata: { role: 'changed by the target' } });
    await assert.rejects(runner.run(ctx), (error) => code(error) === 'PH1632' && /metadata/.test((error as Error).message));
    assert.equal(clouds.source.servers.servers.get(SOURCE_ID)?.status, 'SHUTOFF', 'the source is not deleted before its copy is verified');
    const copyId = m.ledger.mapping(WEB_1) as string;
    assert.equal(clouds.target.servers.servers.get(copyId)?.metadata[VERIFIED_METADATA_KEY], undefined, 'not marked done');

    await runner.onFailed?.(ctx, new Error('attempts exhausted'));
    assert.equal(clouds.target.servers.servers.has(copyId), false, 'the unverified copy is removed');
    assert.equal(clouds.source.servers.servers.get(SOURCE_ID)?.status, 'ACTIVE', 'the source runs again');
    assert.ok(clouds.log.indexOf('target.servers.remove') < clouds.log.indexOf('source.servers.start'), 'never on both clouds at once');
    assert.equal(clouds.sourceImages.images.size + clouds.targetImages.images.size, 0, 'the stale snapshot and its copy are dropped');
    assert.equal(ctx.checkpoint?.['snapshotId'], undefined, 'the next attempt snapshots afresh');
    assert.ok(m.ledger.downtime(WEB_1)?.restartedAt);
    assert.deepEqual(events.ofType('server_downtime').map((e) => e.data.outcome), ['restarted-on-source']);
  });

  test('a copy gone before its read-back fails with PH1633, and the roll-back still starts the source', async () => {
    const { clouds, ctx, runner } = setUp();
    const readBack = clouds.readBack;
    clouds.readBack = async (source, id) => {
      if (source.kind === 'server') clouds.target.servers.servers.delete(id);
      return readBack(source, id);
    };
    await assert.rejects(runner.run(ctx), (error) => code(error) === 'PH1633');
    await runner.onFailed?.(ctx, new Error('attempts exhausted'));
    assert.equal(clouds.source.servers.servers.get(SOURCE_ID)?.status, 'ACTIVE');
  });

  test('a verified move is not rolled back: its copy is the workload', async () => {
    const { clouds, ctx, runner } = setUp({ move: { source: 'delete' } });
    await runner.run(ctx);
    await runner.onFailed?.(ctx, new Error('a later failure'));
    assert.equal(copies(clouds).length, 1);
    assert.equal(clouds.log.has('target.servers.remove'), false);
  });

  test('a resumed attempt takes on the copy an earlier one booted (found by its mark) instead of booting a second', async () => {
    const { clouds, ctx, runner } = setUp();
    const first = await runner.run(ctx).catch(() => undefined);
    assert.ok(first);
    // The earlier apply's state is lost: a new context, the same clouds.
    const again = setUp();
    const resumed = serverRunner(again.m, clouds);
    clouds.target.servers.servers.forEach((s) => delete s.metadata[VERIFIED_METADATA_KEY]);
    const attempt = again.ctx;
    assert.deepEqual(await resumed.observe(attempt), { done: false }, 'not verified: not done');
    await resumed.run(attempt);
    assert.equal(copies(clouds).length, 1);
    assert.equal(clouds.boots.length, 1, 'booted once');
  });

  test('a copy in ERROR is removed and the attempt fails retryably (PH1652)', async () => {
    const { clouds, ctx, runner } = setUp();
    const broken = clouds.target.servers.add({ id: 'broken', status: 'ERROR', tags: [`${SOURCE_TAG_PREFIX}${SOURCE_ID}`] });
    await assert.rejects(runner.run(ctx), (error) => code(error) === 'PH1652' && (error as { retryable?: boolean }).retryable === true);
    assert.equal(clouds.target.servers.servers.has(broken.id), false);
    assert.equal(clouds.boots.length, 0);
  });

  test('a source in ERROR is not moved, and not retried', async () => {
    const { clouds, ctx, runner } = setUp();
    (clouds.source.servers.servers.get(SOURCE_ID) as { status: string }).status = 'ERROR';
    await assert.rejects(runner.run(ctx), (error) => /must be ACTIVE or SHUTOFF/.test((error as Error).message) && (error as { retryable?: boolean }).retryable === false);
    assert.equal(clouds.boots.length, 0);
  });

  test('verify of a move observed done fails when its copy is not in the state its source was', async () => {
    const { clouds, ctx, runner } = setUp();
    await runner.run(ctx);
    const next = ctx.next();
    (copies(clouds)[0] as { status: string }).status = 'SHUTOFF';
    assert.deepEqual(await runner.observe(next), { done: false }, 'a stopped copy of a running server is not done');
    await assert.rejects(runner.verify(next), /SHUTOFF on the target, not ACTIVE/);
  });

  test('an attempt that failed at the boot is resumed with the snapshot it took, not a second one', async () => {
    const { clouds, ctx, runner } = setUp();
    const boot = clouds.boot.bind(clouds);
    clouds.boot = async () => {
      throw httpError(409, '/servers');
    };
    await assert.rejects(runner.run(ctx), (error) => (error as { status?: number }).status === 409);
    const snapshotId = ctx.checkpoint?.['snapshotId'];
    assert.ok(typeof snapshotId === 'string' && clouds.sourceImages.images.has(snapshotId));
    clouds.boot = boot;
    await runner.run(ctx.next());
    assert.equal(clouds.log.calls.filter((line) => line.startsWith('source.servers.snapshot')).length, 1);
    assert.equal(copies(clouds).length, 1);
  });

  test('a source Nova is stopping already (409 on the stop) is waited for, not failed', async () => {
    const { clouds, ctx, runner } = setUp();
    clouds.source.servers.failStop = () => {
      (clouds.source.servers.servers.get(SOURCE_ID) as { status: string }).status = 'SHUTOFF';
      return httpError(409, `/servers/${SOURCE_ID}/action`);
    };
    await runner.run(ctx);
    assert.equal(copies(clouds).length, 1);
  });
});
