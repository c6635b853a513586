// A volume uploaded to a raw image (Cinder's os-volume_upload_image) is the whole block device,
// as a real Cinder streams it: the written bytes, then zeros up to the volume's size. The image's
// hashes are real (the bytes a download gives) and are taken without stalling the sandbox.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { BlobStore } from '../../../src/simulator/blobs.js';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import { getJson, login, originOf } from './helpers.js';

const MiB = 1 << 20;
const GiB = 1 << 30;

const ZEROS = Buffer.alloc(4 * MiB);

interface Read { size: number; md5: string; sha512?: string; head: Buffer; nonZeroAfter: number }

/**
 * Hashes of `stream` (md5; sha512 too unless `md5Only`: half the CPU on a gigabyte), its first
 * `headBytes` bytes, and how many bytes after those are not zero.
 */
async function readAll(stream: AsyncIterable<Uint8Array>, headBytes: number, md5Only = false): Promise<Read> {
  const md5 = createHash('md5');
  const sha512 = md5Only ? undefined : createHash('sha512');
  const head: Buffer[] = [];
  let size = 0;
  let nonZeroAfter = 0;
  for await (const bytes of stream) {
    // fetch gives Uint8Arrays: viewed as Buffers, without copying.
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    md5.update(chunk);
    sha512?.update(chunk);
    const headPart = Math.max(0, Math.min(chunk.length, headBytes - size));
    if (headPart > 0) head.push(Buffer.from(chunk.subarray(0, headPart)));
    const rest = chunk.subarray(headPart);
    if (!rest.equals(ZEROS.subarray(0, rest.length))) for (const byte of rest) if (byte !== 0) nonZeroAfter++;
    size += chunk.length;
  }
  return { size, md5: md5.digest('hex'), ...(sha512 ? { sha512: sha512.digest('hex') } : {}), head: Buffer.concat(head), nonZeroAfter };
}

describe('simulator cinder: a volume uploaded to a raw image is the whole device', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ scenario: 'kitchen-sink', portBase: 0, hardware: false, faults: { transitionMs: 0 } });
  });
  after(() => sandbox.stop());

  test('a blank 1 GiB volume: an image of 1 GiB, its written MiB then zeros, hashed while timers keep firing', async () => {
    const { token } = await login(sandbox.source);
    const store = sandbox.clouds.source.store;
    const volume = store.volumes.all().find((v) => v.name === 'ks-spare')!;
    assert.equal(volume.sizeGb, 1);
    const written = await readAll(store.blobs.read(`volume:${volume.id}`) as AsyncIterable<Buffer>, MiB);
    assert.equal(written.size, MiB, 'the seeded blank volume has 1 MiB written');
    const origin = originOf(sandbox.source);
    // A 10 ms timer: how late it fires while the sandbox hashes the gigabyte.
    let last = performance.now();
    let worstGapMs = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worstGapMs = Math.max(worstGapMs, now - last);
      last = now;
      ticks++;
    }, 10);
    let image: { id: string; status: string; size: number; checksum: string; os_hash_value: string; disk_format: string };
    try {
      const res = await fetch(`${origin}/volume/v3/${volume.projectId}/volumes/${volume.id}/action`, {
        method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ 'os-volume_upload_image': { image_name: 'spare-image', disk_format: 'raw', container_format: 'bare' } }),
      });
      assert.equal(res.status, 202);
      const id = ((await res.json()) as { 'os-volume_upload_image': { image_id: string } })['os-volume_upload_image'].image_id;
      for (image = (await getJson(`${origin}/image/v2/images/${id}`, token)).body; image.status !== 'active'; image = (await getJson(`${origin}/image/v2/images/${id}`, token)).body) {
        assert.ok(['queued', 'saving'].includes(image.status), image.status);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      clearInterval(timer);
    }
    assert.equal(image.size, GiB, 'the image is the volume\'s size');
    assert.ok(ticks > 10, `the timer fired ${ticks} times`);
    assert.ok(worstGapMs < 250, `a 10 ms timer fired at worst ${worstGapMs.toFixed(0)} ms late: hashing must not block the event loop`);
    const download = await fetch(`${origin}/image/v2/images/${image.id}/file`, { headers: { 'x-auth-token': token } });
    assert.equal(download.status, 200);
    const got = await readAll(download.body as unknown as AsyncIterable<Buffer>, MiB, true);
    assert.deepEqual([got.size, got.md5], [GiB, image.checksum], 'Glance records the md5 of the bytes it serves');
    assert.equal(download.headers.get('content-md5'), Buffer.from(image.checksum, 'hex').toString('base64'));
    assert.ok(got.head.equals(written.head), 'the image begins with what was written on the volume');
    assert.equal(got.nonZeroAfter, 0, 'the rest of the device is zeros');
    assert.equal(volume.status, 'available', 'the volume is available again');
  });

  test('a volume made from that image holds the same bytes; a qcow2 upload holds only the written bytes', async () => {
    const { token } = await login(sandbox.source);
    const store = sandbox.clouds.source.store;
    const spare = store.volumes.all().find((v) => v.name === 'ks-spare')!;
    const image = store.images.all().find((i) => i.name === 'spare-image')!;
    const origin = originOf(sandbox.source);
    const post = async (path: string, body: unknown): Promise<any> => {
      const res = await fetch(`${origin}/volume/v3/${spare.projectId}${path}`, { method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(res.status, 202, path);
      return res.json();
    };
    const { volume } = await post('/volumes', { volume: { size: 1, imageRef: image.id, name: 'from-spare-image' } });
    assert.equal((await store.blobs.info(`volume:${volume.id}`))?.md5, image.checksum, 'the new volume holds the image\'s bytes');
    for (let v = store.volumes.get(volume.id)!; v.status !== 'available'; await new Promise((resolve) => setTimeout(resolve, 20))) assert.notEqual(v.status, 'error');
    const qcow = (await post(`/volumes/${spare.id}/action`, { 'os-volume_upload_image': { image_name: 'spare-qcow2', disk_format: 'qcow2' } }))['os-volume_upload_image'];
    let uploaded = store.images.get(qcow.image_id)!;
    while (uploaded.status !== 'active') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      uploaded = store.images.get(qcow.image_id)!;
    }
    assert.equal(uploaded.sizeBytes, MiB, 'qcow2 carries what was written, not the zeros');
    assert.equal(uploaded.virtualSizeBytes, GiB, 'its virtual size is the volume\'s');
  });
});

describe('blob store: padded contents (a volume\'s raw image)', () => {
  test('an upload of a padded content this process served stays padded; one with a changed zero is a file with its own hashes', async () => {
    const source = new BlobStore();
    const target = new BlobStore();
    try {
      source.synthetic('volume:v', 3 * MiB + 11, 'written-v');
      source.padded('volume:v', 'image:v', 40 * MiB);
      source.synthetic('volume:blank', 0, 'blank');
      source.padded('volume:blank', 'image:blank', 24 * MiB);
      const served = await readAll(source.read('image:v') as AsyncIterable<Buffer>, 0);
      assert.deepEqual(await source.info('image:v'), { size: 40 * MiB, md5: served.md5, sha512: served.sha512 });
      // The unpadded written bytes and a blank device are served too: all begin alike or are zeros.
      await readAll(source.read('volume:v') as AsyncIterable<Buffer>, 0);
      await readAll(source.read('image:blank') as AsyncIterable<Buffer>, 0);

      const copy = await target.write('image:copy', source.read('image:v') as AsyncIterable<Buffer>);
      assert.deepEqual(copy, await source.info('image:v'));
      assert.ok(!(target.read('image:copy') instanceof ReadStream), 'recognised: no temp file behind it');
      const blank = await target.write('image:blank-copy', source.read('image:blank') as AsyncIterable<Buffer>);
      assert.equal(blank.size, 24 * MiB);
      assert.ok(!(target.read('image:blank-copy') instanceof ReadStream), 'a blank device is recognised too');

      const altered = Readable.from((async function* () {
        let offset = 0;
        for await (const chunk of source.read('image:v')) {
          const out = Buffer.from(chunk as Buffer);
          const at = 30 * MiB - offset;
          if (at >= 0 && at < out.length) out[at] = 1;
          offset += out.length;
          yield out;
        }
      })());
      const changed = await target.write('image:changed', altered as AsyncIterable<Buffer>);
      const back = await readAll(target.read('image:changed') as AsyncIterable<Buffer>, 0);
      assert.deepEqual([changed.size, changed.md5, changed.sha512], [40 * MiB, back.md5, back.sha512], 'reads back what was uploaded, with its hashes');
      assert.notEqual(changed.md5, served.md5);
      assert.deepEqual(await target.info('image:changed'), changed);
    } finally {
      source.close();
      target.close();
    }
  });

  test('an upload nothing generates is a file; zeros at its end are counted, not stored', async () => {
    const blobs = new BlobStore();
    try {
      const head = Buffer.alloc(3 * MiB, 7);
      const middle = Buffer.alloc(MiB);
      const upload = (tail: Buffer[]): AsyncIterable<Buffer> => Readable.from([head, middle, Buffer.from([1]), ...tail]);
      const expected = (tail: Buffer[]) => readAll(upload(tail), 0);
      const trailing = [Buffer.alloc(MiB), Buffer.alloc(5 * MiB + 3)];
      const written = await blobs.write('image:zero-tail', upload(trailing));
      const want = await expected(trailing);
      assert.deepEqual([written.size, written.md5, written.sha512], [want.size, want.md5, want.sha512]);
      const back = await readAll(blobs.read('image:zero-tail') as AsyncIterable<Buffer>, 0);
      assert.deepEqual([back.size, back.md5], [want.size, want.md5], 'reads back whole: the zeros in the middle were written, the tail regenerated');
      assert.ok(!(blobs.read('image:zero-tail') instanceof ReadStream), 'the zero tail is not read from the file');
      assert.deepEqual(await blobs.info('image:zero-tail'), written);
      const plain = await blobs.write('image:plain', upload([]));
      const file = blobs.read('image:plain');
      assert.ok(file instanceof ReadStream, 'without a zero tail: the file alone');
      assert.deepEqual(plain.md5, (await readAll(file as AsyncIterable<Buffer>, 0)).md5);
    } finally {
      blobs.close();
    }
  });

  test('padding a padded content pads its written bytes; padding to less changes nothing', async () => {
    const blobs = new BlobStore();
    blobs.synthetic('volume:a', MiB, 'a');
    blobs.padded('volume:a', 'image:a', 8 * MiB);
    blobs.padded('image:a', 'volume:b', 16 * MiB);
    blobs.padded('volume:b', 'image:b', 4 * MiB);
    assert.equal(blobs.size('volume:b'), 16 * MiB);
    assert.equal(blobs.size('image:b'), 16 * MiB);
    const b = await readAll(blobs.read('volume:b') as AsyncIterable<Buffer>, MiB);
    const a = await readAll(blobs.read('volume:a') as AsyncIterable<Buffer>, MiB);
    assert.ok(b.head.equals(a.head));
    assert.equal(b.nonZeroAfter, 0);
    assert.equal((await blobs.info('image:b'))?.md5, b.md5);
  });
});
