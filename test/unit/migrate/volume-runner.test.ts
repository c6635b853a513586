import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Change } from '../../../src/diff/changes.js';
import { SOURCE_METADATA_KEY } from '../../../src/diff/marks.js';
import type { InventoryResource } from '../../../src/inventory/model.js';
import { volumeRunner } from '../../../src/migrate/volumes.js';
import { FakeStepContext, FakeVolumeClouds, fakeContext } from '../../helpers/fake-migrate.js';
import { demoSourceResources } from '../../helpers/small-inventory.js';

// The volume step (src/migrate/volumes.ts) against fake clouds: the transfer through Glance, the
// temporaries it makes and removes, the server it stops for an attached volume, its failure paths.

const VOLUME = 'volume:demo/web-data';
const VOLUME_ID = 'id-volume-demo/web-data';
const WEB_1 = 'server:demo/web-1';
const SERVER_ID = 'id-server-demo/web-1';

function setUp(options: { attached?: boolean; serverMoves?: boolean; imageMetadata?: Record<string, string> } = {}) {
  const resources: InventoryResource[] = demoSourceResources().map((r) =>
    r.address === VOLUME
      ? { ...r, refs: { ...r.refs, ...(options.imageMetadata ? { image: 'image:admin/cirros' } : {}) }, attributes: { ...r.attributes, bootable: false, description: null, imageMetadata: options.imageMetadata ?? {} } }
      : r);
  const mappings = Object.fromEntries(resources.filter((r) => r.kind !== 'volume' && r.kind !== 'server').map((r) => [r.address, `t-${r.address}`]));
  const serverChange: Change = { address: WEB_1, kind: 'server', action: 'migrate', differences: [], reason: '', impact: 'downtime', willNotSurvive: [] };
  const { m, events } = fakeContext({ resources, mappings, change: { address: VOLUME, kind: 'volume' }, changes: options.serverMoves === false ? [] : [serverChange] });
  const clouds = new FakeVolumeClouds();
  const attached = options.attached ?? false;
  clouds.source.volumes.add({
    id: VOLUME_ID, size: 10, status: attached ? 'in-use' : 'available',
    attachments: attached ? [{ server_id: SERVER_ID, attachment_id: 'a-1', volume_id: VOLUME_ID, device: '/dev/vdb', host_name: 'cmp-1' }] : [],
  });
  clouds.source.servers.add({ id: SERVER_ID, status: 'ACTIVE' });
  const ctx = FakeStepContext.of('migrate-volume', 'volume', VOLUME);
  return { m, events, clouds, ctx, runner: volumeRunner(m, clouds) };
}

const targetVolumes = (clouds: FakeVolumeClouds) => [...clouds.target.volumes.volumes.values()];
const code = (error: unknown): string | undefined => (error as { code?: string }).code;

describe('volume step', () => {
  test('a detached volume: uploaded as it is, streamed, made in its project with the mapped type and the mark; temporaries removed', async () => {
    const { m, clouds, ctx, runner } = setUp();
    assert.deepEqual(await runner.observe(ctx), { done: false });
    const result = await runner.run(ctx);
    await runner.verify(ctx);

    const [copy] = targetVolumes(clouds);
    assert.ok(copy);
    assert.deepEqual(result, { targetId: copy.id });
    assert.equal(m.ledger.mapping(VOLUME), copy.id);
    assert.ok(clouds.log.calls.includes(`source.volumes.uploadToImage ${VOLUME_ID}`), 'the volume itself is uploaded');
    assert.equal(clouds.log.calls.some((line) => line.startsWith('source.snapshots.create') || line.startsWith('source.servers.stop')), false);
    const [created] = clouds.created;
    assert.equal(created?.projectId, 't-project:demo');
    assert.equal(created?.body.volume_type, 'lvm-target', 'through maps.volumeTypes');
    assert.equal(created?.body.size, 10);
    assert.equal(created?.body.metadata?.[SOURCE_METADATA_KEY], VOLUME_ID);
    assert.equal(copy.bootable, 'false', 'made from an image, but a data volume: not bootable');
    assert.equal(clouds.sourceImages.images.size + clouds.targetImages.images.size, 0, 'upload and transfer images removed');
    assert.deepEqual(Object.keys(m.ledger.temporaries()), []);

    assert.deepEqual(await runner.observe(ctx.next()), { done: true, targetId: copy.id });
  });

  test('an attached volume of a moving server: the server stopped first, then a snapshot and a clone, all removed after', async () => {
    const { m, clouds, ctx, runner } = setUp({ attached: true });
    await runner.run(ctx);
    assert.ok(clouds.log.indexOf('source.servers.stop') < clouds.log.indexOf('source.snapshots.create'), 'crash-consistent: the server is stopped');
    assert.ok(clouds.log.indexOf('source.snapshots.create') < clouds.log.indexOf('source.volumes.create'));
    const cloneId = ctx.checkpoint?.['cloneId'] as string;
    assert.ok(clouds.log.calls.includes(`source.volumes.uploadToImage ${cloneId}`), 'the clone is uploaded, not the attached volume');
    assert.ok(clouds.log.indexOf(`source.volumes.remove ${cloneId}`) < clouds.log.indexOf('source.snapshots.remove'), 'the clone goes before its snapshot');
    assert.deepEqual([...clouds.source.volumes.volumes.keys()], [VOLUME_ID], 'only the source volume is left');
    assert.equal(clouds.source.snapshots.snapshots.size, 0);
    assert.deepEqual(Object.keys(m.ledger.temporaries()), []);
    assert.equal(m.ledger.downtime(WEB_1)?.wasActive, true, 'recorded, so a failure starts it again');
  });

  test('a snapshot Cinder fails to delete stays on record for `pumphouse cleanup`; the rest is forgotten once gone', async () => {
    const { m, clouds, ctx, runner } = setUp({ attached: true });
    const snapshots = clouds.source.snapshots;
    // Cinder accepts the delete (202) and fails it in the background.
    snapshots.remove = async (id) => {
      (snapshots.snapshots.get(id) as { status: string }).status = 'error_deleting';
    };
    await runner.run(ctx);
    const snapshotId = ctx.checkpoint?.['snapshotId'] as string;
    assert.equal(snapshots.snapshots.get(snapshotId)?.status, 'error_deleting');
    assert.deepEqual(Object.keys(m.ledger.temporaries()), [`volume-snapshot:${snapshotId}`]);
  });

  test('the volume of a server that stays is copied without stopping it', async () => {
    const { clouds, ctx, runner } = setUp({ attached: true, serverMoves: false });
    await runner.run(ctx);
    assert.equal(clouds.log.has('source.servers.stop'), false);
    assert.ok(clouds.log.has('source.snapshots.create'));
  });

  test('a resumed attempt adopts the snapshot a killed one made instead of taking another', async () => {
    const { clouds, ctx, runner } = setUp({ attached: true });
    // The kill came after the snapshot call, before its id reached the checkpoint.
    await clouds.source.snapshots.create({ volume_id: VOLUME_ID, name: `pumphouse-temp-${VOLUME_ID}` });
    await runner.run(ctx);
    assert.equal(clouds.log.calls.filter((line) => line.startsWith('source.snapshots.create')).length, 1);
  });

  test('a snapshot a killed attempt left in error is never adopted, but goes on record for `pumphouse cleanup`', async () => {
    const { m, clouds, ctx, runner } = setUp({ attached: true });
    const snapshots = clouds.source.snapshots;
    const failed = await snapshots.create({ volume_id: VOLUME_ID, name: `pumphouse-temp-${VOLUME_ID}` });
    (snapshots.snapshots.get(failed.id) as { status: string }).status = 'error';
    await runner.run(ctx);
    assert.notEqual(ctx.checkpoint?.['snapshotId'], failed.id, 'a new snapshot carries the copy');
    assert.deepEqual(Object.keys(m.ledger.temporaries()), [`volume-snapshot:${failed.id}`], 'the failed one is on record until cleanup removes it');
  });

  test("Cinder's record of the transfer image is replaced by the source's, its image named by the image's copy", async () => {
    const { clouds, ctx, runner } = setUp({ imageMetadata: { image_id: 'id-image-admin/cirros', os_distro: 'cirros' } });
    const create = clouds.target.volumes.create.bind(clouds.target.volumes);
    clouds.target.volumes.create = async (body) => {
      const volume = await create(body);
      clouds.target.volumes.volumes.get(volume.id)!.volume_image_metadata = { image_id: 'transfer-image', checksum: 'c-transfer' };
      return volume;
    };
    await runner.run(ctx);
    assert.deepEqual(targetVolumes(clouds)[0]?.volume_image_metadata, { image_id: 't-image:admin/cirros', os_distro: 'cirros' });
  });

  test('a copy that does not hold what the source holds fails verify with PH1632', async () => {
    const { clouds, ctx, runner } = setUp();
    await runner.run(ctx);
    clouds.drift.set(VOLUME, { sizeGb: 20 });
    await assert.rejects(runner.verify(ctx), (error) => code(error) === 'PH1632' && /sizeGb/.test((error as Error).message));
  });

  test('a copy that cannot be read back fails verify with PH1633', async () => {
    const { clouds, ctx, runner } = setUp();
    await runner.run(ctx);
    clouds.readBack = async () => undefined;
    await assert.rejects(runner.verify(ctx), (error) => code(error) === 'PH1633');
  });

  test('a failed step starts again the server it stopped; a server it did not stop stays as it is', async () => {
    const { m, clouds, ctx, runner } = setUp({ attached: true });
    clouds.source.volumes.uploadToImage = async () => {
      throw new Error('Cinder refused the upload');
    };
    await assert.rejects(runner.run(ctx), /refused the upload/);
    assert.equal(clouds.source.servers.servers.get(SERVER_ID)?.status, 'SHUTOFF');
    await runner.onFailed?.(ctx, new Error('attempts exhausted'));
    assert.equal(clouds.source.servers.servers.get(SERVER_ID)?.status, 'ACTIVE');
    assert.ok(m.ledger.downtime(WEB_1)?.restartedAt);

    const other = setUp({ attached: true });
    await other.runner.onFailed?.(other.ctx, new Error('failed before stopping anything'));
    assert.equal(other.clouds.log.has('source.servers.start'), false);
  });
});
