import type { Change } from './changes.js';
import { type Calibration, tenths } from './estimate.js';

/**
 * A wave's cold moves share the link between the clouds. Each server's estimate (estimate.ts) is
 * its downtime alone on the link; apply runs up to `parallelism.copies` streams at once, shortest
 * first (apply/schedule.ts), and streams at once share the link as a real network shares itself:
 * with n of them, each goes at 1/n of the rate. So the plan replays the downtime phase in that
 * order with that sharing (processor sharing) and gives each server what it comes to: the fixed
 * part plus its copy's time from the moment it got its stream to the moment it finished.
 *
 * Left out: host slots (`perHost`) and the early copies, which end before any downtime starts.
 */
interface Stream {
  index: number;
  fixed: number;
  alone: number;
  left: number;
  started: number;
}

/** The changes with each cold move's estimate as the wave's shared link makes it. */
export function shareTheLink(changes: readonly Change[], calibration: Calibration, copies: number): Change[] {
  const streams = changes.flatMap((change, index): Stream[] => {
    const move = change.move;
    if (change.action !== 'migrate' || !move || move.cutover === 'warm' || move.precopied || move.downtimeSeconds <= 0) return [];
    const fixed = calibration.fixedSeconds[move.strategy];
    // What is left past the fixed part is the copy (up to the tenth the estimate was rounded to).
    const alone = move.downtimeSeconds - fixed;
    return move.bytes > 0 && alone > 0 ? [{ index, fixed, alone, left: alone, started: 0 }] : [];
  });
  const slots = Math.max(1, copies);
  const finished = replay(streams, slots);
  return changes.map((change, index) => {
    const shared = finished.get(index);
    const move = change.move;
    if (!shared || !move || shared.seconds <= shared.stream.alone + 0.05) return change;
    const downtimeSeconds = tenths(shared.stream.fixed + shared.seconds);
    const basis = `${move.basis ?? ''}; its copy shares the link with the wave's others (up to ${slots} at once, parallelism.copies)`;
    return { ...change, move: { ...move, downtimeSeconds, basis } };
  });
}

/** Shortest first, `copies` at once, each of n active streams at 1/n: every stream's time from start to end. */
function replay(streams: Stream[], copies: number): Map<number, { stream: Stream; seconds: number }> {
  const queue = [...streams].sort((a, b) => a.alone - b.alone || a.index - b.index);
  const active: Stream[] = [];
  const done = new Map<number, { stream: Stream; seconds: number }>();
  let now = 0;
  while (queue.length > 0 || active.length > 0) {
    while (active.length < copies && queue.length > 0) {
      const next = queue.shift() as Stream;
      next.started = now;
      active.push(next);
    }
    const step = Math.min(...active.map((s) => s.left));
    now += step * active.length;
    for (const stream of active) stream.left -= step;
    for (const stream of active.filter((s) => s.left <= 1e-9)) {
      done.set(stream.index, { stream, seconds: now - stream.started });
      active.splice(active.indexOf(stream), 1);
    }
  }
  return done;
}
