import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describe as describeContent, type Generated, type Synthetic } from '../../../src/simulator/blob-content.js';
import { computeInfo } from '../../../src/simulator/blob-hashes.js';
import { BlobStore } from '../../../src/simulator/blobs.js';
import { knownSyntheticHashes } from '../../../src/simulator/synthetic-hashes.js';

describe('blob store', () => {
  test('the precomputed hashes are those of the generated content', () => {
    /** A synthetic content from its key: `seed\0size`, then `\0` and the header in hex. */
    const synthetic = ([seed = '', size = '0', header]: string[]): Synthetic => ({ kind: 'synthetic', size: Number(size), seed, ...(header ? { header: Buffer.from(header, 'hex') } : {}) });
    for (const [key, info] of Object.entries(knownSyntheticHashes)) {
      const [first, size = '0', ...inner] = key.split('\u0000');
      const content: Generated = first === 'padded' ? { kind: 'padded', size: Number(size), inner: synthetic(inner) } : synthetic([first ?? '', size, ...inner]);
      assert.equal(describeContent(content), key, 'the key describes the content');
      assert.deepEqual(computeInfo(content), info, key);
    }
  });

  test('synthetic content reads back with its hashes; writes hash what they store; copies share', async () => {
    const blobs = new BlobStore();
    try {
      blobs.synthetic('image:a', 3 * (1 << 20) + 5, 'seed-a');
      const md5 = createHash('md5');
      let size = 0;
      for await (const chunk of blobs.read('image:a')) {
        md5.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      assert.equal(size, 3 * (1 << 20) + 5);
      assert.equal(md5.digest('hex'), (await blobs.info('image:a'))?.md5);
      const written = await blobs.write('image:b', blobs.read('image:a') as AsyncIterable<Buffer>);
      assert.equal(written.md5, (await blobs.info('image:a'))?.md5);
      blobs.copy('image:b', 'volume:c');
      assert.equal((await blobs.info('volume:c'))?.sha512, written.sha512);
      blobs.delete('image:b');
      assert.equal(blobs.has('image:b'), false);
      assert.equal(blobs.has('volume:c'), true);
    } finally {
      blobs.close();
    }
  });

  test('an upload of synthetic bytes the process served stays synthetic; any other upload is a file with its own hashes', async () => {
    const MIB = 1 << 20;
    const source = new BlobStore();
    const target = new BlobStore();
    const read = async (blobs: BlobStore, key: string): Promise<{ size: number; md5: string }> => {
      const md5 = createHash('md5');
      let size = 0;
      for await (const chunk of blobs.read(key)) {
        md5.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      return { size, md5: md5.digest('hex') };
    };
    /** The source's bytes with the byte at `at` changed, or cut to `cut` bytes. */
    const altered = (opts: { at?: number; cut?: number }): Readable => {
      let offset = 0;
      return Readable.from((async function* () {
        for await (const chunk of source.read('image:disk')) {
          let out = Buffer.from(chunk as Buffer);
          if (opts.at !== undefined && opts.at >= offset && opts.at < offset + out.length) out[opts.at - offset] = (out[opts.at - offset] ?? 0) ^ 0xff;
          if (opts.cut !== undefined) out = out.subarray(0, Math.max(0, opts.cut - offset));
          offset += (chunk as Buffer).length;
          if (out.length > 0) yield out;
        }
      })());
    };
    try {
      source.synthetic('image:disk', 64 * MIB + 7, 'disk-seed');
      const original = (await source.info('image:disk'))!;
      const copy = await target.write('image:copy', source.read('image:disk') as AsyncIterable<Buffer>);
      assert.deepEqual(copy, original);
      assert.ok(!(target.read('image:copy') instanceof ReadStream), 'kept synthetic: no temp file behind it');
      assert.deepEqual(await read(target, 'image:copy'), { size: original.size, md5: original.md5 });

      for (const [name, opts] of [['a byte changed after 40 MiB', { at: 40 * MIB + 3 }], ['cut short', { cut: 10 * MIB + 1 }], ['a byte changed at once', { at: 5 }]] as const) {
        const expected = { size: 0, md5: createHash('md5') };
        for await (const chunk of altered(opts)) {
          expected.md5.update(chunk as Buffer);
          expected.size += (chunk as Buffer).length;
        }
        const md5 = expected.md5.digest('hex');
        const written = await target.write(`image:${name}`, altered(opts) as AsyncIterable<Buffer>);
        assert.deepEqual([written.size, written.md5], [expected.size, md5], name);
        assert.ok(target.read(`image:${name}`) instanceof ReadStream, `${name}: stored as a file`);
        assert.deepEqual(await read(target, `image:${name}`), { size: expected.size, md5 }, `${name}: reads back what was uploaded`);
      }
    } finally {
      source.close();
      target.close();
    }
  });
});
