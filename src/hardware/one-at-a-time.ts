/**
 * Runs tasks for the same key one after another, tasks for different keys in parallel. BMCs
 * allow only a few sessions at once (some one), so every call to a BMC goes through here,
 * keyed by its address and port.
 */
export class OneAtATime {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    // Forget the key once nothing is queued behind this task, so the map does not grow.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/** One queue per process: two drivers for the same BMC still take turns. */
export const bmcQueue = new OneAtATime();
