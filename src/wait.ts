/**
 * The one way Pumphouse waits for something it cannot be told about: a status transition on a
 * cloud, a Fuel task, a host registering in Fuel, a BMC's power state. gophercloud's `WaitFor` is
 * the model: a probe is called until it says done, with a pause between calls, a time budget and
 * cancellation.
 *
 * - The probe answers `done(value)` or `pending(state)`; what it throws ends the wait at once
 *   (an error status is not worth waiting out).
 * - The pause starts at `firstIntervalMs` and doubles up to `intervalMs` (a sandbox's instant
 *   transitions are seen at once, a real cloud is not hammered).
 * - The budget is kept: no pause ends after the deadline; the last probe runs at the deadline, and
 *   if it is still pending, `timeoutError` says what was awaited and how far it got.
 * - An abort ends the wait before the next probe, and cuts a pause short.
 * - `onPending` sees every pending state (progress for events and bars).
 *
 * Time comes from `clock`, so tests run the whole of it without waiting.
 */

export type Poll<T, S> = { readonly done: true; readonly value: T } | { readonly done: false; readonly state: S };

export function done<T>(value: T): Poll<T, never> {
  return { done: true, value };
}

export function pending<S>(state: S): Poll<never, S> {
  return { done: false, state };
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects early if the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface WaitForOptions<S> {
  /** The longest pause between two probes, ms. */
  intervalMs: number;
  /** The first pause, doubling up to `intervalMs`. @default intervalMs */
  firstIntervalMs?: number;
  /** The time budget from the first probe, ms. @default no limit */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** After each probe that is not done, with how long the wait has taken so far. */
  onPending?(state: S, elapsedMs: number): void;
  /** The error once the budget is spent, from the last state seen. */
  timeoutError(state: S, elapsedMs: number): Error;
  /** The error of an aborted wait. @default the signal's reason */
  abortError?(): Error;
  /** @default the system clock */
  clock?: Clock;
}

export async function waitFor<T, S>(probe: () => Promise<Poll<T, S>>, options: WaitForOptions<S>): Promise<T> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const started = clock.now();
  const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : started + options.timeoutMs;
  let pause = Math.min(options.firstIntervalMs ?? options.intervalMs, options.intervalMs);
  for (;;) {
    const poll = await probe();
    if (poll.done) return poll.value;
    const now = clock.now();
    options.onPending?.(poll.state, now - started);
    if (now >= deadline) throw options.timeoutError(poll.state, now - started);
    if (options.signal?.aborted) throw abortError(options);
    try {
      await clock.sleep(Math.min(pause, deadline - now), options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw abortError(options);
      throw error;
    }
    pause = Math.min(options.intervalMs, pause * 2);
  }
}

function abortError(options: WaitForOptions<unknown>): Error {
  return options.abortError?.() ?? (options.signal?.reason as Error);
}

/** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now(), sleep };
