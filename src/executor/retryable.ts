import { isRetryable } from '../errors.js';

/**
 * Whether a failed step attempt is worth another. The error says so itself (`retryable`, from
 * its code's registry entry or from the client that made it: a 5xx, a 429, a 409 from an object
 * busy in another task, a reset connection); the executor knows no client. The transport already
 * retried idempotent calls, so what reaches here is a write that failed; another attempt starts
 * with observe, so it never duplicates the write.
 */
export function isRetryableStepError(error: unknown): boolean {
  return isRetryable(error);
}
