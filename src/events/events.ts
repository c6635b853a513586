/**
 * The engine never prints: it emits typed events to an EventSink. Only cli/, server/ and
 * render/ turn them into text, NDJSON or HTTP. Events are plain JSON (schemas/events.schema.json);
 * `seq` numbers them in emission order within one run so a stream can be resumed.
 */
export const EVENTS_FORMAT_VERSION = 1;

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

interface EventBase {
  seq: number;
  /** ISO-8601 time of emission. */
  time: string;
  level: EventLevel;
  /** One line for a human; never contains a secret. */
  message: string;
}

/** A request to a cloud is being retried (5xx, 429, connection reset). */
export interface RetryEvent extends EventBase {
  type: 'http_retry';
  data: { cloud: string; method: string; url: string; attempt: number; delayMs: number; reason: string };
}

/** Something the operator must know but that does not stop the run (e.g. TLS verify disabled). */
export interface WarningEvent extends EventBase {
  type: 'warning';
  data: { code: string; cloud?: string; hint?: string };
}

export interface DiscoverStartedEvent extends EventBase {
  type: 'discover_started';
  data: { cloud: string };
}

/** One collector (one resource kind of one service) finished or failed. */
export interface CollectorFinishedEvent extends EventBase {
  type: 'collector_finished';
  data: { cloud: string; collector: string; service: string; count: number; ms: number; error?: string };
}

export interface DiscoverFinishedEvent extends EventBase {
  type: 'discover_finished';
  data: { cloud: string; resources: number; ms: number; failedCollectors: string[] };
}

export type PumphouseEvent =
  | RetryEvent
  | WarningEvent
  | DiscoverStartedEvent
  | CollectorFinishedEvent
  | DiscoverFinishedEvent;

export type EventType = PumphouseEvent['type'];

/** What an emitter passes: the sink fills in seq and time. */
export type EventInput = PumphouseEvent extends infer E
  ? E extends PumphouseEvent ? Omit<E, 'seq' | 'time'> : never
  : never;
