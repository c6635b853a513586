import { PumphouseError } from '../errors.js';
import { StepAbortedError } from '../executor/executor.js';

/**
 * Polls an object until its status is one of `want`. OpenStack answers writes at once and does
 * the work later (BUILD → ACTIVE, queued → active, creating → available), so every runner waits
 * here. Fails fast on an error status and after `timeoutMs`; stops at once on abort.
 */
export interface WaitOptions {
  /** "server demo/web-1 on the target", for messages. */
  what: string;
  want: readonly string[];
  /** Statuses that will never become `want`. @default ["error", "ERROR", "killed"] */
  failOn?: readonly string[];
  pollMs: number;
  timeoutMs: number;
  signal: AbortSignal;
}

export async function waitForStatus<T extends { status: string }>(get: () => Promise<T>, options: WaitOptions): Promise<T> {
  const failOn = options.failOn ?? ['error', 'ERROR', 'killed', 'error_deleting'];
  const deadline = Date.now() + options.timeoutMs;
  // Start quick (a sandbox with instant transitions), then back off to pollMs.
  let delay = Math.min(20, options.pollMs);
  for (;;) {
    const object = await get();
    if (options.want.includes(object.status)) return object;
    if (failOn.includes(object.status)) {
      throw new PumphouseError('PH1630', `${options.what} went to status ${object.status} (waiting for ${options.want.join(' or ')})`, {
        hint: 'look at the object on that cloud for the reason (fault, event log); then run apply again: this step starts over',
      });
    }
    if (Date.now() > deadline) {
      throw new PumphouseError('PH1631', `${options.what} is still ${object.status} after ${Math.round(options.timeoutMs / 1000)} s (waiting for ${options.want.join(' or ')})`, {
        hint: 'the cloud may be overloaded or a service is down; run apply again to resume waiting',
      });
    }
    if (options.signal.aborted) throw new StepAbortedError();
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(options.pollMs, delay * 2);
  }
}
