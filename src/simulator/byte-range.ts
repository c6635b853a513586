/**
 * Single byte ranges on image downloads, as Glance serves them (GET /v2/images/{id}/file with
 * `Range: bytes=a-b`: 206 with Content-Range; a range past the end: 416). Glance does not answer
 * multiple ranges; neither does this.
 */
import { Readable } from 'node:stream';

export interface ByteRange {
  start: number;
  /** Inclusive, as in the header. */
  end: number;
}

/** The range a `Range` header asks of `size` bytes; undefined for none (or one not understood: the whole body, as HTTP allows); 'unsatisfiable' for 416. */
export function requestedRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    // A suffix: the last N bytes.
    const n = Math.min(Number(m[2]), size);
    return n > 0 ? { start: size - n, end: size - 1 } : 'unsatisfiable';
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start > end || start >= size ? 'unsatisfiable' : { start, end };
}

/** The bytes `range` selects of `source` (destroying the result destroys the source). */
export function sliceStream(source: Readable, range: ByteRange): Readable {
  async function* slice(): AsyncGenerator<Buffer> {
    let at = 0;
    for await (const chunk of source) {
      const buffer = chunk as Buffer;
      const from = Math.max(0, range.start - at);
      const to = Math.min(buffer.length, range.end + 1 - at);
      if (to > from) yield buffer.subarray(from, to);
      at += buffer.length;
      if (at > range.end) break;
    }
  }
  const sliced = Readable.from(slice(), { objectMode: false });
  sliced.on('close', () => source.destroy());
  return sliced;
}
