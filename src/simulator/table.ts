/**
 * An insertion-ordered, id-keyed table with secondary indexes and marker paging.
 *
 * Why not a plain Map: listing "the page after marker X" must not scan from the start on every
 * page (the large scenario has 20 000 ports), so every row knows its position, and every index
 * keeps its rows in table order, which lets a marker be found by binary search.
 *
 * Invariants:
 * - `rows` holds live rows in insertion order; `position(id)` is stable for a row's life.
 * - each index list is sorted by position (rows are only appended), so `page()` over an index is
 *   O(log n + page size + rows skipped by the filter).
 * - `delete()` leaves a hole (`undefined`) in the slots, which lists already skip, and drops the
 *   row from its index lists, so positions of other rows never move; `update()`/`reindex()` move a
 *   row changed in place between index lists, keeping each list in table order.
 */

/** Derives the keys a row is filed under in one index; `undefined`/`[]` files it nowhere. */
export type IndexKey<T> = (row: T) => string | readonly string[] | undefined | null;

export interface PageRequest<T> {
  /** Id of the last row of the previous page; the page starts after it. */
  marker?: string | undefined;
  /** Maximum rows to return. */
  limit: number;
  /** Rows failing the predicate are skipped (and do not count against `limit`). */
  filter?: ((row: T) => boolean) | undefined;
  /** Walk backwards from the marker (Neutron `page_reverse`); the result is still in table order. */
  reverse?: boolean | undefined;
}

export type PageResult<T> =
  | { ok: true; items: T[]; /** true when at least one more matching row exists after the page */ more: boolean }
  | { ok: false; reason: 'marker-not-found' };

export class Table<T extends { id: string }> {
  private readonly slots: (T | undefined)[] = [];
  private readonly positions = new Map<string, number>();
  private readonly indexes = new Map<string, { key: IndexKey<T>; lists: Map<string, T[]> }>();

  constructor(indexes: Record<string, IndexKey<T>> = {}) {
    for (const [name, key] of Object.entries(indexes)) this.indexes.set(name, { key, lists: new Map() });
  }

  get size(): number {
    return this.positions.size;
  }

  insert(row: T): T {
    if (this.positions.has(row.id)) throw new Error(`duplicate id ${row.id}`);
    this.positions.set(row.id, this.slots.length);
    this.slots.push(row);
    for (const index of this.indexes.values()) {
      for (const k of keysOf(index.key(row))) {
        const list = index.lists.get(k);
        if (list) list.push(row);
        else index.lists.set(k, [row]);
      }
    }
    return row;
  }

  /**
   * Removes a row: its slot becomes a hole (so other rows keep their positions and markers stay
   * valid) and it leaves every index. Returns the removed row, or undefined if there was none.
   */
  delete(id: string): T | undefined {
    const at = this.positions.get(id);
    if (at === undefined) return undefined;
    const row = this.slots[at] as T;
    for (const index of this.indexes.values()) {
      for (const k of keysOf(index.key(row))) this.unfile(index.lists, k, at);
    }
    this.slots[at] = undefined;
    this.positions.delete(id);
    return row;
  }

  /**
   * Re-files a row whose indexed fields were changed in place (a port bound to a server, a volume
   * attached). `before` are the row's index keys captured with `indexKeys()` before the change.
   */
  reindex(row: T, before: ReadonlyMap<string, readonly string[]>): void {
    const at = this.positions.get(row.id);
    if (at === undefined || this.slots[at] !== row) throw new Error(`reindex of a row not in the table: ${row.id}`);
    for (const [name, index] of this.indexes) {
      const old = before.get(name) ?? [];
      const now = keysOf(index.key(row));
      for (const k of old) if (!now.includes(k)) this.unfile(index.lists, k, at);
      for (const k of now) if (!old.includes(k)) this.file(index.lists, k, row, at);
    }
  }

  /** The keys a row is filed under, per index: take it before changing indexed fields, pass it to `reindex`. */
  indexKeys(row: T): Map<string, readonly string[]> {
    const out = new Map<string, readonly string[]>();
    for (const [name, index] of this.indexes) out.set(name, [...keysOf(index.key(row))]);
    return out;
  }

  /** Changes a row in place and keeps its index entries right. */
  update(row: T, change: (row: T) => void): T {
    const before = this.indexKeys(row);
    change(row);
    this.reindex(row, before);
    return row;
  }

  private file(lists: Map<string, T[]>, key: string, row: T, at: number): void {
    const list = lists.get(key);
    if (!list) {
      lists.set(key, [row]);
      return;
    }
    list.splice(lowerBound(list, at, (r) => this.positions.get(r.id) ?? -1), 0, row);
  }

  private unfile(lists: Map<string, T[]>, key: string, at: number): void {
    const list = lists.get(key);
    if (!list) return;
    const i = lowerBound(list, at, (r) => this.positions.get(r.id) ?? -1);
    if (this.positions.get(list[i]?.id ?? '') === at) list.splice(i, 1);
    if (list.length === 0) lists.delete(key);
  }

  get(id: string): T | undefined {
    const at = this.positions.get(id);
    return at === undefined ? undefined : this.slots[at];
  }

  /** Live rows in insertion order. */
  all(): T[] {
    return this.slots.filter((row): row is T => row !== undefined);
  }

  /** Rows filed under `key` in the named index, in table order. */
  by(index: string, key: string): readonly T[] {
    const ix = this.indexes.get(index);
    if (!ix) throw new Error(`no index ${index}`);
    return ix.lists.get(key) ?? [];
  }

  find(predicate: (row: T) => boolean): T | undefined {
    for (const row of this.slots) if (row !== undefined && predicate(row)) return row;
    return undefined;
  }

  /**
   * One page of `source` (the whole table when omitted, or a list from `by()`), after `marker`.
   * Reads `limit + 1` matches so the caller knows whether a next page exists.
   */
  page(request: PageRequest<T>, source?: readonly T[]): PageResult<T> {
    const list = source ?? this.slots;
    let start = request.reverse ? list.length - 1 : 0;
    if (request.marker !== undefined && request.marker !== '') {
      const markerAt = this.positions.get(request.marker);
      if (markerAt === undefined) return { ok: false, reason: 'marker-not-found' };
      const i = source ? lowerBound(source, markerAt, (row) => this.positions.get(row.id) ?? -1) : markerAt;
      // In the index the marker row itself may be absent (filtered lists): start from the
      // first row after (or before) its table position.
      const exact = source ? this.positions.get(source[i]?.id ?? '') === markerAt : true;
      start = request.reverse ? i - 1 : exact ? i + 1 : i;
    }
    const items: T[] = [];
    const step = request.reverse ? -1 : 1;
    let more = false;
    for (let i = start; i >= 0 && i < list.length; i += step) {
      const row = list[i];
      if (row === undefined || (request.filter && !request.filter(row))) continue;
      if (items.length === request.limit) {
        more = true;
        break;
      }
      items.push(row);
    }
    if (request.reverse) items.reverse();
    return { ok: true, items, more };
  }
}

function keysOf(key: string | readonly string[] | undefined | null): readonly string[] {
  if (key === undefined || key === null) return [];
  return typeof key === 'string' ? [key] : key;
}

/** First index whose position is >= target. */
function lowerBound<T>(list: readonly T[], target: number, positionOf: (row: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (positionOf(list[mid] as T) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
