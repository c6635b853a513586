import type { ChalkInstance } from 'chalk';
import type { PumphouseEvent } from '../../events/events.js';
import type { LiveRegion } from '../live-region.js';
import { painter, writeLine } from '../streams.js';
import { clock, copyProgress } from '../format.js';
import { applyEventLine } from './apply.js';

/**
 * An apply in a terminal: finished steps, retries and downtimes scroll by as the same lines a
 * log gets, and under them a live block shows each step in flight (its phase, or bytes, rate
 * and ETA for a copy, and how long it has run) and a count of steps done. The block is redrawn
 * at most every REDRAW_MS, and once a second for the clocks.
 */

const REDRAW_MS = 200;
/** Steps in flight listed by name; the rest are counted. */
const SHOWN = 6;

interface InFlight {
  step: string;
  since: number;
  attempt: number;
  phase?: string;
  copy?: { bytes?: number; totalBytes?: number; bytesPerSecond?: number; etaSeconds?: number };
}

/** What the live block knows: the steps in flight and the counts. Pure; `lines` draws it. */
export class ApplyBoard {
  private readonly running = new Map<string, InFlight>();
  private total = 0;
  private finished = 0;
  private failed = 0;
  private skipped = 0;
  private startedAt = 0;

  /** True when the event changed what the block shows. */
  onEvent(event: PumphouseEvent, now: number): boolean {
    switch (event.type) {
      case 'apply_started':
        this.total = event.data.steps;
        this.startedAt = now;
        return true;
      case 'step_started':
        this.running.set(event.data.step, { step: event.data.step, since: now, attempt: event.data.attempt });
        return true;
      case 'step_progress': {
        const step = this.running.get(event.data.step);
        if (!step) return false;
        const { phase, ...copy } = event.data;
        if (phase) step.phase = phase;
        if (copy.bytes !== undefined) step.copy = copy;
        return true;
      }
      case 'step_finished':
        this.running.delete(event.data.step);
        this.finished += 1;
        if (event.data.outcome === 'failed') this.failed += 1;
        if (event.data.outcome === 'skipped') this.skipped += 1;
        return true;
      default:
        return false;
    }
  }

  lines(now: number, c: ChalkInstance): string[] {
    const inFlight = [...this.running.values()].sort((a, b) => a.since - b.since);
    const out = inFlight.slice(0, SHOWN).map((s) => {
      const detail = s.copy ? copyProgress(s.copy) : (s.phase ?? 'running');
      const attempt = s.attempt > 1 ? ` (attempt ${s.attempt})` : '';
      return `  ${c.cyan('›')} ${s.step}${attempt} ${c.dim(`· ${detail} · ${clock(now - s.since)}`)}`;
    });
    if (inFlight.length > SHOWN) out.push(c.dim(`    … and ${inFlight.length - SHOWN} more running`));
    const counts = [`${this.finished}/${this.total} steps`, ...(this.failed > 0 ? [c.red(`${this.failed} failed`)] : []), ...(this.skipped > 0 ? [c.yellow(`${this.skipped} skipped`)] : []), clock(now - this.startedAt)];
    out.push(`  ${c.bold(counts.join(' · '))}`);
    return out;
  }
}

/**
 * Wires a board to a live region. Returns the event handler and `close`, which erases the block
 * (apply_finished does too) and stops the clock; lines written to `region.stream` go above it.
 */
export function liveApplyPrinter(region: LiveRegion, options: { color: boolean; verbose: boolean; now?: () => number }): { onEvent: (event: PumphouseEvent) => void; close: () => void } {
  const c = painter(options.color);
  const now = options.now ?? Date.now;
  const board = new ApplyBoard();
  let dirty = false;
  let drawnAt = -Infinity;
  let started = false;
  const draw = (): void => {
    dirty = false;
    drawnAt = now();
    region.set(board.lines(drawnAt, c));
  };
  const timer = setInterval(() => {
    if (started && (dirty || now() - drawnAt >= 1000)) draw();
  }, REDRAW_MS);
  timer.unref();
  const close = (): void => {
    clearInterval(timer);
    region.close();
  };
  return {
    onEvent(event) {
      const line = applyEventLine(event, c, { verbose: options.verbose, live: true });
      if (line !== undefined) writeLine(region.stream, line);
      if (event.type === 'apply_finished') return close();
      if (board.onEvent(event, now())) {
        started = true;
        // Drawn at once unless a frame went out less than REDRAW_MS ago: then the timer draws it.
        if (now() - drawnAt >= REDRAW_MS) draw();
        else dirty = true;
      }
    },
    close,
  };
}
