import type { EventInput, PumphouseEvent } from './events.js';

/** Where the engine sends its events. Implementations must not throw. */
export interface EventSink {
  emit(event: EventInput): void;
}

/**
 * Numbers and timestamps events, then hands them to listeners. One per run; `now` is injectable
 * so tests and the pure parts stay deterministic.
 */
export class EventBus implements EventSink {
  private seq = 0;
  private readonly listeners: Array<(event: PumphouseEvent) => void> = [];

  /** `firstSeq`: the last number already used (a journal resumed across restarts keeps counting). */
  constructor(private readonly now: () => Date = () => new Date(), firstSeq = 0) {
    this.seq = firstSeq;
  }

  on(listener: (event: PumphouseEvent) => void): this {
    this.listeners.push(listener);
    return this;
  }

  emit(input: EventInput): void {
    const event = { ...input, seq: ++this.seq, time: this.now().toISOString() } as PumphouseEvent;
    for (const listener of this.listeners) listener(event);
  }
}

/** Keeps every event, for tests that assert on what the engine did rather than on text. */
export class RecordingSink implements EventSink {
  readonly events: EventInput[] = [];
  emit(event: EventInput): void {
    this.events.push(event);
  }
  ofType<T extends EventInput['type']>(type: T): Array<Extract<EventInput, { type: T }>> {
    return this.events.filter((e): e is Extract<EventInput, { type: T }> => e.type === type);
  }
}

/** Drops everything. */
export const nullSink: EventSink = { emit: () => {} };
