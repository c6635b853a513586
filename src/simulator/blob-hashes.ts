/**
 * The md5 and sha512 of blob contents, as Glance records them. They are real hashes of the
 * bytes (a user may download an image and check it), and hashing a volume's gigabytes takes
 * seconds of CPU, so:
 *   - each content is hashed once per process, by description (blob-content.ts): a migration's
 *     copy of a volume image is recognised as the same bytes and costs nothing more;
 *   - the scenarios' big images come from the precomputed table (synthetic-hashes.ts);
 *   - the rest is hashed in slices, yielding to the event loop between them, so a sandbox keeps
 *     answering (and its timers keep time) while a volume is hashed; two callers asking for
 *     the same content share one hashing.
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type BlobInfo, bytesOf, type Content, describe, type Generated, generate, syntheticKey } from './blob-content.js';
import { knownSyntheticHashes } from './synthetic-hashes.js';

/** Hashed between two yields: a few milliseconds of CPU. */
const SLICE_BYTES = 2 << 20;

const hashed = new Map<string, BlobInfo>();
const hashing = new Map<string, Promise<BlobInfo>>();

/** The hashes of `content` when they are known without hashing (a file's, the table's, cached). */
export function knownInfo(content: Content): BlobInfo | undefined {
  if (content.kind === 'file') return content.info;
  return knownSyntheticHashes[describe(content)] ?? hashed.get(describe(content));
}

/** Records hashes taken elsewhere (while the content streamed in as an upload). */
export function rememberInfo(content: Content, info: BlobInfo): void {
  hashed.set(describe(content), info);
}

/** The hashes of `content`: known, or computed without blocking the event loop (once per content). */
export function hashOf(content: Content): Promise<BlobInfo> {
  const known = knownInfo(content);
  if (known) return Promise.resolve(known);
  const key = describe(content);
  let pending = hashing.get(key);
  if (!pending) {
    pending = digest(bytesOf(content)).then((info) => {
      hashed.set(key, info);
      return info;
    }).finally(() => hashing.delete(key));
    hashing.set(key, pending);
  }
  return pending;
}

async function digest(bytes: AsyncIterable<Buffer>): Promise<BlobInfo> {
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  let size = 0;
  let sinceYield = 0;
  for await (const chunk of bytes) {
    md5.update(chunk);
    sha512.update(chunk);
    size += chunk.length;
    sinceYield += chunk.length;
    if (sinceYield >= SLICE_BYTES) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  }
  return { size, md5: md5.digest('hex'), sha512: sha512.digest('hex') };
}

/**
 * The hashes of synthetic content, synchronously (a scenario seeding its images): from the
 * table, else computed once per process. Only for contents small enough to hash at once.
 */
export function syntheticInfo(size: number, seed: string, header?: Buffer): BlobInfo {
  const key = syntheticKey(size, seed, header);
  const known = knownSyntheticHashes[key] ?? hashed.get(key);
  if (known) return known;
  const info = computeSyntheticInfo(size, seed, header);
  hashed.set(key, info);
  return info;
}

export function computeSyntheticInfo(size: number, seed: string, header?: Buffer): BlobInfo {
  return computeInfo({ kind: 'synthetic', size, seed, ...(header ? { header } : {}) });
}

/** The hashes of generated content, synchronously and from its bytes (no table, no cache). */
export function computeInfo(content: Generated): BlobInfo {
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  let size = 0;
  for (const chunk of generate(content)) {
    md5.update(chunk);
    sha512.update(chunk);
    size += chunk.length;
  }
  return { size, md5: md5.digest('hex'), sha512: sha512.digest('hex') };
}
