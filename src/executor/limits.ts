/**
 * Counting semaphores by name ("global", "host:cmp-1", "image-transfer"), taken all at once or
 * not at all, so two steps that each need two names never deadlock holding one each.
 * Names without a capacity are unlimited.
 */
export class Limits {
  private readonly inUse = new Map<string, number>();

  constructor(private readonly capacities: ReadonlyMap<string, number>) {}

  /** Whether a unit of every limited name in `names` is free. */
  fits(names: readonly string[]): boolean {
    for (const name of names) {
      const capacity = this.capacityOf(name);
      if (capacity !== undefined && (this.inUse.get(name) ?? 0) >= capacity) return false;
    }
    return true;
  }

  /** Takes one unit of every limited name in `names`, or nothing and returns false. */
  tryAcquire(names: readonly string[]): boolean {
    if (!this.fits(names)) return false;
    for (const name of names) if (this.capacityOf(name) !== undefined) this.inUse.set(name, (this.inUse.get(name) ?? 0) + 1);
    return true;
  }

  release(names: readonly string[]): void {
    for (const name of names) {
      const n = this.inUse.get(name);
      if (n !== undefined) this.inUse.set(name, n - 1);
    }
  }

  /** "host:cmp-1" falls back to the capacity of "host:*". */
  private capacityOf(name: string): number | undefined {
    const exact = this.capacities.get(name);
    if (exact !== undefined) return exact;
    const colon = name.indexOf(':');
    return colon > 0 ? this.capacities.get(`${name.slice(0, colon)}:*`) : undefined;
  }
}
