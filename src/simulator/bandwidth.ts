/**
 * The bandwidth of one simulated cloud: how fast image and volume data move (Glance uploads and
 * downloads, Cinder's image ↔ volume copies, Nova's snapshot uploads), so a migration's copy
 * and downtime can be measured realistically on one machine with declared, synthetic sizes.
 *
 * The model is one shared link per cloud: every transfer claims the link for its bytes in turn
 * (`reserve`), so two streams at once each get about half the rate, as on a real storage
 * network. Nothing is buffered: a paced stream waits (timers, no busy loop) before passing each
 * slice on, which back-pressures the socket on the other side.
 *
 * Invariants:
 * - rate 0 means unlimited: nothing waits and no timer is set;
 * - no burst credit: a link idle for longer than CATCH_UP_MS starts afresh; within it, a transfer
 *   that fell behind (timers fire late on a busy machine) catches up, so pacing does not drift;
 * - the rate is read at every slice, so changing it (fault control route) acts mid-transfer.
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/** Slices are about this long on the link, so pacing is smooth without a timer per few bytes. */
const SLICE_MS = 20;
const MIN_SLICE = 16 * 1024;
const MAX_SLICE = 1 << 20;
/** How far behind the link's schedule a transfer may fall and still catch up (late timers, a busy event loop). */
const CATCH_UP_MS = 100;

export class Link {
  /** performance.now() at which the link has carried everything claimed so far. */
  private freeAt = 0;

  /** `rate()` is the current limit in bytes per second, 0 for none. */
  constructor(private readonly rate: () => number) {}

  /** Claims the link for `bytes`: ms from now until they have passed (0 when unlimited). */
  reserve(bytes: number): number {
    const rate = this.rate();
    if (!(rate > 0) || bytes <= 0) return 0;
    const now = performance.now();
    // Slightly behind schedule (a late timer): keep the schedule. Idle for longer: start afresh.
    const start = now - this.freeAt > CATCH_UP_MS ? now : this.freeAt;
    this.freeAt = start + (bytes / rate) * 1000;
    return Math.max(0, this.freeAt - now);
  }

  /**
   * Waits while the link carries `bytes` that no stream holds (a copy inside the cloud: a volume
   * made from an image, an upload of a volume to an image, a snapshot), slice by slice like a
   * stream: claimed whole and at once, a big copy would hold the link for its whole length and
   * every transfer after it would wait its end, where a real link shares itself between them.
   */
  async carry(bytes: number, signal?: AbortSignal): Promise<void> {
    for (let left = bytes; left > 0 && !signal?.aborted; ) {
      const rate = this.rate();
      if (!(rate > 0)) return;
      const part = Math.min(left, sliceOf(rate));
      const wait = this.reserve(part);
      if (wait >= 1) await sleep(wait, undefined, signal ? { signal } : {}).catch(() => undefined);
      left -= part;
    }
  }

  /** `source` passed on no faster than the link carries it. */
  async *pace(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const rate = this.rate();
      if (!(rate > 0)) {
        yield chunk;
        continue;
      }
      const slice = sliceOf(rate);
      for (let at = 0; at < chunk.length; at += slice) {
        const part = chunk.subarray(at, at + slice);
        const wait = this.reserve(part.length);
        // Waits under a millisecond are left to accumulate: the timer could not honour them anyway.
        if (wait >= 1) await sleep(wait);
        yield part;
      }
    }
  }

  /** A readable of `source` paced by the link (destroying it destroys the source). */
  throttle(source: Readable): Readable {
    const paced = Readable.from(this.pace(source), { objectMode: false });
    paced.on('close', () => source.destroy());
    return paced;
  }
}

/** Bytes the link carries in about SLICE_MS at `rate`, within bounds. */
function sliceOf(rate: number): number {
  return Math.min(MAX_SLICE, Math.max(MIN_SLICE, Math.round((rate * SLICE_MS) / 1000)));
}

const UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3,
};

/**
 * `"100MiB"`, `"100MiB/s"`, `"1.5GB"`, `"65536"` → bytes per second; `"0"`, `"off"` and
 * `"unlimited"` → 0. Binary (KiB, MiB, GiB) and decimal (kB, MB, GB) units; undefined when the
 * text is none of these.
 */
export function parseByteRate(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'off' || t === 'unlimited') return 0;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)(?:\/s)?$/.exec(t);
  const factor = m ? UNITS[m[2] ?? ''] : undefined;
  if (!m || factor === undefined) return undefined;
  return Math.round(Number(m[1]) * factor);
}
