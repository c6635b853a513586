/**
 * Bounded parallelism: discovery makes one call per user (keypairs), per project (quotas) and
 * per private flavor (access lists); unbounded, that would open thousands of sockets at once.
 */

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order.
 * Rejects with the first error once the calls in flight have settled (no new calls start after it).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && nextIndex < items.length) {
      const index = nextIndex++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** "continuation": the next page of a listing already under way; it is served first. */
export type RequestPriority = 'normal' | 'continuation';

/**
 * A counting semaphore for requests in flight to one cloud: the operator's "concurrency" setting
 * means exactly this, however many collectors and fan-outs are running. Waiters are served in
 * arrival order, continuations of paged walks before new calls.
 */
export class RequestLimiter {
  private inFlight = 0;
  private readonly waiting: Record<RequestPriority, Array<() => void>> = { continuation: [], normal: [] };

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`a request limit must be at least 1, got ${max}`);
  }

  async run<T>(fn: () => Promise<T>, priority: RequestPriority = 'normal'): Promise<T> {
    if (this.inFlight >= this.max) await new Promise<void>((resolve) => this.waiting[priority].push(resolve));
    else this.inFlight += 1;
    try {
      return await fn();
    } finally {
      const next = this.waiting.continuation.shift() ?? this.waiting.normal.shift();
      // Hand the slot straight to the next waiter, so a newcomer cannot overtake it.
      if (next) next();
      else this.inFlight -= 1;
    }
  }
}
