/**
 * What a blob holds (blobs.ts), and its bytes, generated as they are read:
 *   - synthetic: deterministic bytes from a seed, a disk format's header over their start;
 *   - file: an upload of bytes nothing generates, kept in a temp file with the hashes taken
 *     while it streamed in;
 *   - padded: another content followed by zeros up to `size`. A raw image of a volume is the
 *     whole block device: what was written on it, then zeros to its capacity (Cinder's
 *     `os-volume_upload_image` streams the device whole). The zeros are never held: one shared
 *     zero buffer is yielded again and again.
 * Contents are immutable, so copies share them.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface BlobInfo { size: number; md5: string; sha512: string }

/** Synthetic bytes: from the seed, with `header` (a disk image format's header) over their start. */
export type Synthetic = { kind: 'synthetic'; size: number; seed: string; header?: Buffer };
export type Stored = { kind: 'file'; path: string; info: BlobInfo };
export type Padded = { kind: 'padded'; inner: Synthetic | Stored; size: number };
export type Content = Synthetic | Stored | Padded;
/** Content whose every byte is generated (no file behind it): what the recogniser can compare an upload against. */
export type Generated = Synthetic | (Padded & { inner: Synthetic });

const BLOCK = 64 * 1024;
const CHUNK = 1 << 20;
/** Never written to: handed out as the zero runs of padded contents. */
const ZEROS = Buffer.alloc(CHUNK);
/** No bytes: what a blank volume has written. */
export const EMPTY: Synthetic = { kind: 'synthetic', size: 0, seed: '' };

export function sizeOf(content: Content): number {
  return content.kind === 'file' ? content.info.size : content.size;
}

/** The synthetic key of synthetic-hashes.ts: `seed\0size`, then `\0` and the header in hex when there is one. */
export const syntheticKey = (size: number, seed: string, header?: Buffer): string => `${seed}\u0000${size}${header ? `\u0000${header.toString('hex')}` : ''}`;

/**
 * Names the bytes, not the object: two contents with the same description hold the same bytes
 * (the hash cache and the recogniser go by it). Padding nothing is zeros whatever the seed.
 */
export function describe(content: Content): string {
  if (content.kind === 'file') return `file\u0000${content.path}`;
  if (content.kind === 'synthetic') return content.size === 0 ? '' : syntheticKey(content.size, content.seed, content.header);
  return `padded\u0000${content.size}\u0000${describe(content.inner)}`;
}

/** `content` followed by zeros up to `size` bytes (content already that long stays as it is). */
export function padTo(content: Content, size: number): Content {
  const inner = content.kind === 'padded' ? content.inner : content;
  if (size <= sizeOf(content)) return content;
  return { kind: 'padded', inner: sizeOf(inner) === 0 ? EMPTY : inner, size };
}

export function isGenerated(content: Content): content is Generated {
  return content.kind === 'synthetic' || (content.kind === 'padded' && content.inner.kind === 'synthetic');
}

/** A 64 KiB block from the seed, repeated: cheap to generate, different per seed. */
function blockOf(seed: string): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; parts.length * 64 < BLOCK; i++) parts.push(createHash('sha512').update(`${seed}:${i}`).digest());
  return Buffer.concat(parts).subarray(0, BLOCK);
}

export function* syntheticChunks(size: number, seed: string, header?: Buffer): Generator<Buffer> {
  if (size <= 0) return;
  const block = blockOf(seed);
  const chunk = Buffer.concat(Array.from({ length: CHUNK / BLOCK }, () => block));
  const first = header ? Buffer.concat([header, chunk.subarray(header.length)]) : chunk;
  let left = size;
  for (let current = first; left > 0; current = chunk) {
    const n = Math.min(left, current.length);
    yield n === current.length ? current : current.subarray(0, n);
    left -= n;
  }
}

/** Whether `chunk` holds only zero bytes. */
export function isZeros(chunk: Buffer): boolean {
  for (let at = 0; at < chunk.length; at += CHUNK) {
    const part = chunk.subarray(at, at + CHUNK);
    if (!part.equals(ZEROS.subarray(0, part.length))) return false;
  }
  return true;
}

export function* zeros(bytes: number): Generator<Buffer> {
  for (let left = bytes; left > 0; left -= CHUNK) yield left >= CHUNK ? ZEROS : ZEROS.subarray(0, left);
}

/** The bytes of generated content, synchronously (the recogniser walks them alongside an upload). */
export function* generate(content: Generated): Generator<Buffer> {
  const inner = content.kind === 'padded' ? content.inner : content;
  yield* syntheticChunks(inner.size, inner.seed, inner.header);
  if (content.kind === 'padded') yield* zeros(content.size - inner.size);
}

/** The bytes of any content: a file's read from disk. */
export async function* bytesOf(content: Content): AsyncGenerator<Buffer> {
  if (isGenerated(content)) {
    yield* generate(content);
    return;
  }
  const file = content.kind === 'file' ? content : content.inner as Stored;
  for await (const chunk of createReadStream(file.path, { highWaterMark: CHUNK })) yield chunk as Buffer;
  if (content.kind === 'padded') yield* zeros(content.size - file.info.size);
}

/** The first `bytes` bytes of generated content (fewer when it is shorter), generated again. */
export function* generatedPrefix(content: Generated, bytes: number): Generator<Buffer> {
  let left = bytes;
  for (const chunk of generate(content)) {
    if (left <= 0) return;
    yield chunk.length <= left ? chunk : chunk.subarray(0, left);
    left -= chunk.length;
  }
}
