/**
 * The one log the in-memory fakes of a test (test/helpers/fake-migrate.ts, host-fakes.ts) write
 * every call to, so a test reads the order of the calls across all of them. `killAt` throws at a
 * chosen call, as a kill of the apply would stop it there.
 */
export class KilledError extends Error {
  constructor(at: string) {
    super(`killed at ${at}`);
    this.name = 'KilledError';
  }
}

export class CallLog {
  readonly calls: string[] = [];
  private kill: { pattern: RegExp; left: number } | undefined;

  /** The `occurrence`-th call matching `pattern` throws KilledError (before it takes effect). */
  killAt(pattern: RegExp, occurrence = 1): void {
    this.kill = { pattern, left: occurrence };
  }

  record(call: string): void {
    if (this.kill && this.kill.pattern.test(call) && --this.kill.left === 0) {
      this.kill = undefined;
      throw new KilledError(call);
    }
    this.calls.push(call);
  }

  /** The calls matching `pattern`, in order. */
  matching(pattern: RegExp): string[] {
    return this.calls.filter((c) => pattern.test(c));
  }

  /** Whether a call starts with `prefix`. */
  has(prefix: string): boolean {
    return this.calls.some((c) => c.startsWith(prefix));
  }

  /** Where the first call starting with `prefix` is; throws (naming every call) when there is none. */
  indexOf(prefix: string): number {
    const i = this.calls.findIndex((c) => c.startsWith(prefix));
    if (i < 0) throw new Error(`${prefix} is not in the log: ${this.calls.join(' | ')}`);
    return i;
  }
}
