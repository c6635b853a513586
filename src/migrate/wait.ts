import { PumphouseError } from '../errors.js';
import { StepAbortedError } from '../executor/executor.js';
import { type Clock, done, pending, waitFor } from '../wait.js';

/**
 * Polls an object until its status is one of `want`. OpenStack answers writes at once and does
 * the work later (BUILD → ACTIVE, queued → active, creating → available), so every runner waits
 * here. Fails fast on an error status and after `timeoutMs`; stops at once on abort.
 */
export interface WaitOptions {
  /** "server demo/web-1 on the target", for messages. */
  what: string;
  want: readonly string[];
  /** Statuses that will never become `want`. @default ["error", "ERROR", "killed", "error_deleting"] */
  failOn?: readonly string[];
  pollMs: number;
  timeoutMs: number;
  signal: AbortSignal;
  /** @default the system clock (tests pass one whose pauses take no time) */
  clock?: Clock;
}

export function waitForStatus<T extends { status: string }>(get: () => Promise<T>, options: WaitOptions): Promise<T> {
  const failOn = options.failOn ?? ['error', 'ERROR', 'killed', 'error_deleting'];
  const wanted = options.want.join(' or ');
  const probe = async () => {
    const object = await get();
    if (options.want.includes(object.status)) return done(object);
    if (failOn.includes(object.status)) {
      throw new PumphouseError('PH1630', `${options.what} went to status ${object.status} (waiting for ${wanted})`, {
        hint: 'look at the object on that cloud for the reason (fault, event log); then run apply again: this step starts over',
      });
    }
    return pending(object.status);
  };
  return waitFor(probe, {
    // Start quick (a sandbox with instant transitions), then back off to pollMs.
    firstIntervalMs: 20,
    intervalMs: options.pollMs,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    clock: options.clock,
    abortError: () => new StepAbortedError(),
    timeoutError: (status) =>
      new PumphouseError('PH1631', `${options.what} is still ${status} after ${Math.round(options.timeoutMs / 1000)} s (waiting for ${wanted})`, {
        hint: 'the cloud may be overloaded or a service is down; run apply again to resume waiting',
      }),
  });
}
