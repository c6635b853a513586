/**
 * Asynchronous status transitions. Real OpenStack answers a write at once (202, status BUILD,
 * queued, creating) and finishes the work later, so clients must poll; the simulator does the
 * same: a handler records the transitional state and schedules the rest here.
 *
 * Invariants:
 * - a transition runs once the cloud's link has carried the `bytes` it copies (bandwidth.ts,
 *   sharing the link with every other transfer), then after `faults.transitionMs` × `factor`
 *   (0 → the next macrotask), never inside the request that scheduled it, so a client always
 *   sees the transitional state once;
 * - a `hang` fault holds a matching object in its transitional state (as when a compute host
 *   stops reporting back); the transition goes on once the fault is lifted (`release()`);
 * - `stop()` drops every pending transition (the cloud is closing).
 */
import type { FaultInjector, LifecycleKind } from './faults.js';

export class Lifecycle {
  private readonly pending = new Set<NodeJS.Timeout>();
  /** Copies under way on the link, stopped with the cloud. */
  private readonly carrying = new AbortController();
  private held: Array<{ kind: LifecycleKind; name: string; transition: () => void; factor: number; bytes: number }> = [];
  private stopped = false;

  constructor(private readonly faults: FaultInjector) {}

  /**
   * Runs `transition` later unless a hang fault holds the object `kind`/`name`. `bytes`: the data
   * the transition copies (a volume made from an image, …), claimed on the link when it starts.
   */
  later(kind: LifecycleKind, name: string, transition: () => void, factor = 1, bytes = 0): void {
    if (this.stopped) return;
    if (this.faults.hangs(kind, name)) {
      this.held.push({ kind, name, transition, factor, bytes });
      return;
    }
    const schedule = (): void => {
      if (this.stopped) return;
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        if (!this.stopped) transition();
      }, this.faults.transitionMs * factor);
      this.pending.add(timer);
    };
    if (bytes > 0) void this.faults.link.carry(bytes, this.carrying.signal).then(schedule);
    else schedule();
  }

  /** Re-schedules the transitions a hang fault held (called when the faults change). */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const h of held) this.later(h.kind, h.name, h.transition, h.factor, h.bytes);
  }

  stop(): void {
    this.stopped = true;
    this.carrying.abort();
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
