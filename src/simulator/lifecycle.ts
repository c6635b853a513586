/**
 * Asynchronous status transitions. Real OpenStack answers a write at once (202, status BUILD,
 * queued, creating) and finishes the work later, so clients must poll; the simulator does the
 * same: a handler records the transitional state and schedules the rest here.
 *
 * Invariants:
 * - a transition runs after `faults.transitionMs` × `factor` (0 → the next macrotask), never
 *   inside the request that scheduled it, so a client always sees the transitional state once;
 * - a `hang` fault holds a matching object in its transitional state (the transition is dropped,
 *   as when a compute host never reports back);
 * - `stop()` drops every pending transition (the cloud is closing).
 */
import type { FaultInjector, LifecycleKind } from './faults.js';

export class Lifecycle {
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly faults: FaultInjector) {}

  /** Runs `transition` later unless a hang fault holds the object `kind`/`name`. */
  later(kind: LifecycleKind, name: string, transition: () => void, factor = 1): void {
    if (this.stopped || this.faults.hangs(kind, name)) return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      if (!this.stopped) transition();
    }, this.faults.transitionMs * factor);
    this.pending.add(timer);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
