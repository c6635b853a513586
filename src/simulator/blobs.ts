/**
 * The bytes behind images and volumes, by key (`image:<id>`, `volume:<id>`). Two kinds of
 * content:
 *   - synthetic: deterministic bytes from a seed (seeded scenario images and volumes), generated
 *     as they are read, never held in memory; their hashes come from synthetic-hashes.ts;
 *   - files: uploads, streamed to a per-store temp folder (removed by close()).
 * Copies (a snapshot of a server, a volume made from an image) share the content: no bytes move.
 * An upload of synthetic bytes that this process served (a migration streaming a seeded 20 GiB
 * disk from one simulated cloud to the other) is recognised while it streams and stays synthetic:
 * no temp file, no hashing, so declared sizes cost neither disk nor CPU on either side.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { knownSyntheticHashes } from './synthetic-hashes.js';

export interface BlobInfo { size: number; md5: string; sha512: string }

/** Synthetic bytes: from the seed, with `header` (a disk image format's header) over their start. */
type Synthetic = { kind: 'synthetic'; size: number; seed: string; header?: Buffer };
type Content = Synthetic | { kind: 'file'; path: string; info: BlobInfo };

const BLOCK = 64 * 1024;

export class BlobStore {
  private readonly contents = new Map<string, Content>();
  private dir: string | undefined;
  private files = 0;

  synthetic(key: string, size: number, seed: string, header?: Buffer): void {
    this.contents.set(key, { kind: 'synthetic', size, seed, ...(header ? { header } : {}) });
  }

  has(key: string): boolean {
    return this.contents.has(key);
  }

  /** Size and hashes; synthetic ones from the precomputed table or computed once (and cached). */
  info(key: string): BlobInfo | undefined {
    const content = this.contents.get(key);
    if (!content) return undefined;
    return content.kind === 'file' ? content.info : syntheticInfo(content.size, content.seed, content.header);
  }

  /** The first `bytes` bytes (fewer if the content is shorter): what a format inspector reads. */
  async head(key: string, bytes: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    for await (const chunk of this.read(key)) {
      parts.push(chunk as Buffer);
      got += (chunk as Buffer).length;
      if (got >= bytes) break;
    }
    return Buffer.concat(parts).subarray(0, bytes);
  }

  read(key: string): Readable {
    const content = this.contents.get(key);
    if (!content) throw new Error(`no data for ${key}`);
    if (content.kind === 'file') return createReadStream(content.path, { highWaterMark: 1 << 20 });
    recognisable.set(sniffKey(syntheticHead(content)), content);
    return Readable.from(syntheticChunks(content.size, content.seed, content.header), { objectMode: false });
  }

  /**
   * Stores `body` under `key` once it is complete: as the synthetic content it turns out to be
   * (see the header), else streamed to a file, hashing on the way.
   */
  async write(key: string, body: AsyncIterable<Buffer>): Promise<BlobInfo> {
    const iterator = body[Symbol.asyncIterator]();
    const probe = await recognise(iterator);
    if ('synthetic' in probe) {
      this.contents.set(key, probe.synthetic);
      return syntheticInfo(probe.synthetic.size, probe.synthetic.seed, probe.synthetic.header);
    }
    return this.writeFile(key, followedBy(probe.consumed, iterator));
  }

  private async writeFile(key: string, body: AsyncIterable<Buffer>): Promise<BlobInfo> {
    this.dir ??= mkdtempSync(join(tmpdir(), 'pumphouse-sandbox-blobs-'));
    const path = join(this.dir, `blob-${++this.files}`);
    const md5 = createHash('md5');
    const sha512 = createHash('sha512');
    let size = 0;
    const out = createWriteStream(path);
    let failed: Error | undefined;
    out.on('error', (error) => (failed = error));
    try {
      for await (const chunk of body) {
        md5.update(chunk);
        sha512.update(chunk);
        size += chunk.length;
        if (failed) throw failed;
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
    } catch (error) {
      out.destroy();
      rmSync(path, { force: true });
      throw error;
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const info = { size, md5: md5.digest('hex'), sha512: sha512.digest('hex') };
    this.contents.set(key, { kind: 'file', path, info });
    return info;
  }

  copy(fromKey: string, toKey: string): void {
    const content = this.contents.get(fromKey);
    if (content) this.contents.set(toKey, content);
  }

  delete(key: string): void {
    this.contents.delete(key);
  }

  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** A 64 KiB block from the seed, repeated: cheap to generate, different per seed. */
function blockOf(seed: string): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; parts.length * 64 < BLOCK; i++) parts.push(createHash('sha512').update(`${seed}:${i}`).digest());
  return Buffer.concat(parts).subarray(0, BLOCK);
}

function* syntheticChunks(size: number, seed: string, header?: Buffer): Generator<Buffer> {
  const block = blockOf(seed);
  const chunk = Buffer.concat(Array.from({ length: 16 }, () => block)); // 1 MiB
  const first = header ? Buffer.concat([header, chunk.subarray(header.length)]) : chunk;
  let left = size;
  for (let current = first; left > 0; current = chunk) {
    const n = Math.min(left, current.length);
    yield n === current.length ? current : current.subarray(0, n);
    left -= n;
  }
}

/** How many leading bytes identify a synthetic content (its first block is seed-specific). */
const SNIFF_BYTES = 4096;
/** Synthetic contents this process has served, by their leading bytes: what an upload may turn out to be. */
const recognisable = new Map<string, Synthetic>();

const sniffKey = (head: Buffer): string => createHash('sha1').update(head.subarray(0, SNIFF_BYTES)).digest('hex');

function syntheticHead(content: Synthetic): Buffer {
  const first = syntheticChunks(content.size, content.seed, content.header).next();
  return first.done ? Buffer.alloc(0) : first.value.subarray(0, SNIFF_BYTES);
}

type Probe = { synthetic: Synthetic } | { consumed: Iterable<Buffer> };

/**
 * Reads `body` while it equals a synthetic content this process served. To its end: that
 * content. At the first difference: the bytes read so far (regenerated, not kept) and the rest
 * is for the caller to store as a file.
 */
async function recognise(body: AsyncIterator<Buffer>): Promise<Probe> {
  const head: Buffer[] = [];
  let headBytes = 0;
  for (let next = await body.next(); ; next = await body.next()) {
    if (next.done) return { consumed: head };
    head.push(next.value);
    headBytes += next.value.length;
    if (headBytes >= SNIFF_BYTES) break;
  }
  const first = Buffer.concat(head);
  const candidate = recognisable.get(sniffKey(first));
  if (!candidate) return { consumed: [first] };
  const expected = new Cursor(syntheticChunks(candidate.size, candidate.seed, candidate.header));
  let matched = 0;
  for (let chunk: Buffer | undefined = first; chunk; ) {
    if (!expected.matches(chunk)) return { consumed: [...syntheticPrefix(candidate, matched), chunk] };
    matched += chunk.length;
    const next = await body.next();
    chunk = next.done ? undefined : next.value;
  }
  return matched === candidate.size ? { synthetic: candidate } : { consumed: syntheticPrefix(candidate, matched) };
}

/** Walks generated content alongside an upload, comparing without copying. */
class Cursor {
  private current: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(private readonly chunks: Iterator<Buffer>) {}

  /** True when `chunk` is the next bytes of the content (and moves past them). */
  matches(chunk: Buffer): boolean {
    for (let at = 0; at < chunk.length; ) {
      if (this.offset === this.current.length) {
        const next = this.chunks.next();
        if (next.done) return false;
        this.current = next.value;
        this.offset = 0;
      }
      const n = Math.min(chunk.length - at, this.current.length - this.offset);
      if (!chunk.subarray(at, at + n).equals(this.current.subarray(this.offset, this.offset + n))) return false;
      at += n;
      this.offset += n;
    }
    return true;
  }
}

/** The first `bytes` bytes of a synthetic content, generated again. */
function* syntheticPrefix(content: Synthetic, bytes: number): Generator<Buffer> {
  let left = bytes;
  for (const chunk of syntheticChunks(content.size, content.seed, content.header)) {
    if (left <= 0) return;
    yield chunk.length <= left ? chunk : chunk.subarray(0, left);
    left -= chunk.length;
  }
}

async function* followedBy(first: Iterable<Buffer>, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

const computed = new Map<string, BlobInfo>();

/** The hashes of synthetic content: from the precomputed table, else computed once per process. */
export function syntheticInfo(size: number, seed: string, header?: Buffer): BlobInfo {
  const key = syntheticKey(size, seed, header);
  const known = knownSyntheticHashes[key] ?? computed.get(key);
  if (known) return known;
  const info = computeSyntheticInfo(size, seed, header);
  computed.set(key, info);
  return info;
}

/** The key of synthetic-hashes.ts: `seed\0size`, then `\0` and the header in hex when there is one. */
export const syntheticKey = (size: number, seed: string, header?: Buffer): string => `${seed}\u0000${size}${header ? `\u0000${header.toString('hex')}` : ''}`;

export function computeSyntheticInfo(size: number, seed: string, header?: Buffer): BlobInfo {
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  for (const chunk of syntheticChunks(size, seed, header)) {
    md5.update(chunk);
    sha512.update(chunk);
  }
  return { size, md5: md5.digest('hex'), sha512: sha512.digest('hex') };
}
