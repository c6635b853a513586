import type { PhCode } from '../errors.js';
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
  data: { code: PhCode; cloud?: string; hint?: string };
}

export interface DiscoverStartedEvent extends EventBase {
  type: 'discover_started';
  data: { cloud: string };
}

/** One collector (one resource kind of one service) finished or failed. */
export interface CollectorFinishedEvent extends EventBase {
  type: 'collector_finished';
  data: { cloud: string; collector: string; service: string; count: number; ms: number; error?: string; code?: PhCode };
}

export interface DiscoverFinishedEvent extends EventBase {
  type: 'discover_finished';
  data: { cloud: string; resources: number; ms: number; failedCollectors: string[] };
}

/** An apply begins: how many steps, which plan, whether it resumes an earlier one. */
export interface ApplyStartedEvent extends EventBase {
  type: 'apply_started';
  data: { plan: string; steps: number; resumed: boolean; parallelism: number };
}

/** A step begins an attempt (`attempt` counts from 1 across resumes). */
export interface StepStartedEvent extends EventBase {
  type: 'step_started';
  data: { step: string; action: string; address: string; attempt: number };
}

/** Progress inside a long step: a phase change, or bytes of a copy (throttled). */
export interface StepProgressEvent extends EventBase {
  type: 'step_progress';
  data: { step: string; phase?: string; bytes?: number; totalBytes?: number; bytesPerSecond?: number; etaSeconds?: number };
}

/** A step attempt failed with a retryable error and will run again after `delayMs`. */
export interface StepRetryEvent extends EventBase {
  type: 'step_retry';
  data: { step: string; attempt: number; delayMs: number; error: string; code: PhCode };
}

/**
 * A step ended. `done`: it did its work; `already-done`: observe found it done (a resume, or an
 * object found by its mark); `failed`: it gave up; `skipped`: a step it needs failed.
 */
export interface StepFinishedEvent extends EventBase {
  type: 'step_finished';
  data: { step: string; outcome: 'done' | 'already-done' | 'failed' | 'skipped'; ms: number; targetId?: string; error?: string; code?: PhCode };
}

/** A server was stopped on the source and its verified copy runs on the target (or it runs again on the source). */
export interface ServerDowntimeEvent extends EventBase {
  type: 'server_downtime';
  data: { server: string; seconds: number; outcome: 'migrated' | 'restarted-on-source' };
}

/** The apply ended (or was interrupted). Counts by outcome. */
export interface ApplyFinishedEvent extends EventBase {
  type: 'apply_finished';
  data: { plan: string; done: number; alreadyDone: number; failed: number; skipped: number; pending: number; interrupted: boolean; ms: number };
}

/**
 * An event of the original Pumphouse's event bus (`create`, `update`, `delete`, `log`,
 * `reset start`, `reset completed`), derived by `serve` from the engine's events for the
 * original API's clients (src/server/original/): `payload` is what the original emitted.
 */
export interface OriginalApiEvent extends EventBase {
  type: 'original';
  data: { name: OriginalEventName; payload: Record<string, unknown> };
}

export type OriginalEventName = 'create' | 'update' | 'delete' | 'log' | 'reset start' | 'reset completed';

export type PumphouseEvent =
  | RetryEvent
  | WarningEvent
  | DiscoverStartedEvent
  | CollectorFinishedEvent
  | DiscoverFinishedEvent
  | ApplyStartedEvent
  | StepStartedEvent
  | StepProgressEvent
  | StepRetryEvent
  | StepFinishedEvent
  | ServerDowntimeEvent
  | ApplyFinishedEvent
  | OriginalApiEvent;

export type EventType = PumphouseEvent['type'];

/** What an emitter passes: the sink fills in seq and time. */
export type EventInput = PumphouseEvent extends infer E
  ? E extends PumphouseEvent ? Omit<E, 'seq' | 'time'> : never
  : never;
