import { HttpConnectionError, HttpError } from '../http/errors.js';

/**
 * Whether a failed step attempt is worth another: the transport already retried idempotent
 * calls, so what reaches here is a write that failed (5xx, 429, a reset) or a 409 from an object
 * busy in another task. Another attempt starts with observe, so it never duplicates the write.
 */
export function isRetryableStepError(error: unknown): boolean {
  if (error instanceof HttpConnectionError) return error.failure !== 'tls' && error.failure !== 'dns';
  if (error instanceof HttpError) return error.status >= 500 || error.status === 429 || error.status === 409;
  return (error as { retryable?: unknown } | undefined)?.retryable === true;
}
