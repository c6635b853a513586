// The virtual size the simulated Glance records, as Zed's format inspector does: from the bytes
// uploaded and the disk format (raw: the size; qcow2: its header; aki/ari/ami: none). A copy of a
// seeded image's bytes must get the source's virtual size: the kitchen-sink comparison through the
// openstack CLI found every copied image's virtual_size off (the seed said 7 × size, any upload the size).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BlobStore } from '../../../src/simulator/blobs.js';
import { inspectedVirtualSize, QCOW2_HEADER_BYTES, qcow2Header } from '../../../src/simulator/image-format.js';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import { getJson, login, originOf } from './helpers.js';

describe('simulator glance: virtual size from the bytes', () => {
  test('raw: the size; qcow2: the header\'s size, none without one; formats without an inspector: none', () => {
    const blobs = new BlobStore();
    blobs.synthetic('image:q', 5 << 20, 'q', qcow2Header(35 << 20));
    blobs.synthetic('image:plain', 5 << 20, 'plain');
    return Promise.all([blobs.head('image:q', QCOW2_HEADER_BYTES), blobs.head('image:plain', QCOW2_HEADER_BYTES)]).then(([q, plain]) => {
      assert.equal(inspectedVirtualSize('qcow2', q, 5 << 20), 35 << 20);
      assert.equal(inspectedVirtualSize('qcow2', plain, 5 << 20), null);
      assert.equal(inspectedVirtualSize('raw', plain, 5 << 20), 5 << 20);
      for (const format of ['aki', 'ari', 'ami']) assert.equal(inspectedVirtualSize(format, q, 5 << 20), null, format);
    });
  });

  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ scenario: 'kitchen-sink', portBase: 0, hardware: false });
  });
  after(() => sandbox.stop());

  test('an upload of a seeded image\'s bytes, in its format, has the seeded image\'s virtual size', async () => {
    const { token } = await login(sandbox.target);
    const images = `${originOf(sandbox.target)}/image/v2/images`;
    const source = sandbox.clouds.source.store;
    for (const name of ['ks-shared-image', 'ks-kernel', 'ks-ami']) {
      const seeded = source.images.all().find((i) => i.name === name)!;
      const created = await fetch(images, {
        method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `copy-${name}`, disk_format: seeded.diskFormat, container_format: seeded.containerFormat }),
      });
      const { id } = (await created.json()) as { id: string };
      const put = await fetch(`${images}/${id}/file`, {
        method: 'PUT', headers: { 'x-auth-token': token, 'content-type': 'application/octet-stream' },
        body: source.blobs.read(`image:${seeded.id}`) as unknown as ReadableStream, duplex: 'half',
      } as RequestInit);
      assert.equal(put.status, 204, name);
      const shown = await getJson(`${images}/${id}`, token);
      assert.deepEqual([shown.body.size, shown.body.virtual_size], [seeded.sizeBytes, seeded.virtualSizeBytes], name);
    }
    assert.deepEqual(['ks-shared-image', 'ks-kernel'].map((n) => source.images.all().find((i) => i.name === n)!.virtualSizeBytes), [41_943_040 * 7, null]);
  });
});
