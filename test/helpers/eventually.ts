import { done, pending, waitFor } from '../../src/wait.js';

/**
 * Polls `probe` until it returns a value (not undefined), through src/wait.ts's waitFor; fails
 * after `timeoutMs` naming `what`. For tests that wait for a simulated cloud to get somewhere.
 */
export function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 3000;
  return waitFor(async () => {
    const value = await probe();
    return value === undefined ? pending(undefined) : done(value);
  }, { intervalMs: options.intervalMs ?? 10, timeoutMs, timeoutError: () => new Error(`timed out after ${timeoutMs} ms waiting for ${what}`) });
}
