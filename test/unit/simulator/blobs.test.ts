import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BlobStore, computeSyntheticInfo } from '../../../src/simulator/blobs.js';
import { knownSyntheticHashes } from '../../../src/simulator/synthetic-hashes.js';

describe('blob store', () => {
  test('the precomputed hashes are those of the generated content', () => {
    for (const [key, info] of Object.entries(knownSyntheticHashes)) {
      const [seed = '', size = '0', header] = key.split('\u0000');
      assert.deepEqual(computeSyntheticInfo(Number(size), seed, header ? Buffer.from(header, 'hex') : undefined), info, key);
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
      assert.equal(md5.digest('hex'), blobs.info('image:a')?.md5);
      const written = await blobs.write('image:b', blobs.read('image:a') as AsyncIterable<Buffer>);
      assert.equal(written.md5, blobs.info('image:a')?.md5);
      blobs.copy('image:b', 'volume:c');
      assert.equal(blobs.info('volume:c')?.sha512, written.sha512);
      blobs.delete('image:b');
      assert.equal(blobs.has('image:b'), false);
      assert.equal(blobs.has('volume:c'), true);
    } finally {
      blobs.close();
    }
  });
});
