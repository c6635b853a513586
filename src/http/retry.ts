/**
 * When and how long to wait before retrying a request. Pure functions; the transport applies them.
 */

export interface RetryPolicy {
  /** Retries after the first attempt. @default 5 */
  maxRetries: number;
  /** Base of the exponential backoff. @default 500 */
  baseDelayMs: number;
  /** Upper bound of one wait, including a server's Retry-After. @default 30000 */
  maxDelayMs: number;
  /** Source of randomness for the jitter (injectable for tests). @default Math.random */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30_000, random: Math.random };

/**
 * "Full jitter" (AWS architecture blog): a uniform wait in [0, min(max, base·2^attempt)], which
 * spreads the retries of many concurrent clients instead of synchronising them.
 * `attempt` counts from 0 for the first retry.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(policy.random() * ceiling);
}

/** Retry-After as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * 5xx are transient except 501 (Not Implemented is an answer, not a failure); 429 is rate limiting.
 * Whether the *request* may be repeated is the caller's decision (idempotent or retry-safe).
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/** Socket-level failures worth retrying: the request may not have reached the service. */
export function isRetryableErrno(errno: string | undefined): boolean {
  return errno === 'ECONNRESET' || errno === 'ETIMEDOUT' || errno === 'ECONNABORTED' || errno === 'EPIPE' || errno === 'EAI_AGAIN' || errno === 'ESOCKETTIMEDOUT';
}
