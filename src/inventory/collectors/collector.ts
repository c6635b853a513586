import { isNotFound, type Cloud, type ServiceType } from '../../openstack/index.js';
import type { ProjectRef, ResourceKind } from '../model.js';

/**
 * The shape every collector has: read one kind's API objects (`fetch`), name them (`name`), then
 * describe them (`build`). Naming runs kind by kind in RESOURCE_KINDS order, so `name` may use
 * the paths of earlier kinds (a keypair's user, a role grant's project); `build` runs after all
 * kinds are named, so refs may point anywhere.
 */

export interface FetchContext {
  cloud: Cloud;
  /** Items per page asked of list calls. */
  pageSize: number;
  /** Calls in flight for per-item fan-outs (keypairs per user, access lists per flavor). */
  concurrency: number;
  /** The raw items of another collector, once it finished; rejects if it failed. */
  need<T>(collector: string): Promise<T[]>;
}

/** How a resource is named in its inventory. */
export interface Naming {
  id: string;
  /** The API's name ("" when it has none). */
  name: string;
  /** The address path, already escaped (build it with addressPath / ctx.pathOf). */
  path: string;
  project?: ProjectRef;
}

export interface Built {
  refs: Record<string, string | string[]>;
  attributes: Record<string, unknown>;
}

/** Lookups shared by all collectors; every lookup is O(1) (maps built once). */
export interface ResolveContext {
  /** The address of resource `id` of `kind`, if it was discovered. */
  address(kind: ResourceKind, id: string | null | undefined): string | undefined;
  /** The escaped address path of a resource (for composite names), or undefined. */
  pathOf(kind: ResourceKind, id: string | null | undefined): string | undefined;
  /** `address` if a resource has exactly that address (lookups by name: flavor, volume type, host). */
  existing(address: string): string | undefined;
  /** The project as { id, name }; the id doubles as name when the project is unknown. */
  projectRef(projectId: string | null | undefined): ProjectRef | undefined;
  /** The escaped path of the project (for its resources' addresses); the id when unknown. */
  projectPath(projectId: string): string;
  /** Raw items of a collector ([] if it failed). */
  raw<T>(collector: string): readonly T[];
  /** Computes a value once per discovery (reverse indexes: ports by device, …). */
  memo<V>(key: string, build: () => V): V;
  /** A builder for refs that records ids that did not resolve. */
  refs(): RefBuilder;
}

export interface Collector<T> {
  /** Unique collector name, used in events and diagnostics ("server", "quota/compute"). */
  name: string;
  kind: ResourceKind;
  service: ServiceType;
  fetch(ctx: FetchContext): Promise<T[]>;
  /**
   * Reads ONE object by the id `naming` gives it, with the same sub-calls as `fetch` (extra
   * specs, access list, members, interface ports, …): the read-back that verifies a step's
   * write. Undefined when the object is not there (404).
   */
  fetchOne?(cloud: Cloud, id: string): Promise<FetchedOne<T> | undefined>;
  naming(item: T, ctx: ResolveContext): Naming;
  build(item: T, ctx: ResolveContext): Built;
}

/** One object as `fetchOne` read it. */
export interface FetchedOne<T> {
  item: T;
  /** The raw items of other collectors `build` looks at for this object (a router's ports). */
  related?: Readonly<Record<string, readonly unknown[]>>;
}

/** `read()`'s result, or undefined when the object is gone (404): fetchOne's usual shape. */
export async function unlessGone<T>(read: () => Promise<T>): Promise<FetchedOne<T> | undefined> {
  try {
    return { item: await read() };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Any collector, for registries (the item type is private to each collector). */
export type AnyCollector = Collector<any>;

/**
 * Collects refs by role. Only resolved addresses go into `refs` (the schema wants addresses);
 * ids that name nothing discovered (a deleted image, another cloud's network) go into
 * `unresolved`, which `build` results put into attributes as `unresolvedRefs`.
 */
export class RefBuilder {
  private readonly refs: Record<string, string | string[]> = {};
  private readonly unresolved: Record<string, string[]> = {};

  constructor(private readonly ctx: Pick<ResolveContext, 'address'>) {}

  one(role: string, kind: ResourceKind, id: string | null | undefined): this {
    if (!id) return this;
    const address = this.ctx.address(kind, id);
    if (address) this.refs[role] = address;
    else (this.unresolved[role] ??= []).push(id);
    return this;
  }

  many(role: string, kind: ResourceKind, ids: Iterable<string | null | undefined>): this {
    const found = new Set<string>();
    for (const id of ids) {
      if (!id) continue;
      const address = this.ctx.address(kind, id);
      if (address) found.add(address);
      else (this.unresolved[role] ??= []).push(id);
    }
    if (found.size > 0) this.refs[role] = [...found].sort();
    return this;
  }

  /** A ref already in address form (found by name). */
  address(role: string, address: string | undefined, fallbackId?: string | null): this {
    if (address) this.refs[role] = address;
    else if (fallbackId) (this.unresolved[role] ??= []).push(fallbackId);
    return this;
  }

  addresses(role: string, addresses: Iterable<string>): this {
    const set = [...new Set(addresses)].sort();
    if (set.length > 0) this.refs[role] = set;
    return this;
  }

  /** refs plus attributes (with unresolvedRefs when some ids did not resolve). */
  done(attributes: Record<string, unknown>): Built {
    const roles = Object.keys(this.unresolved).sort();
    if (roles.length === 0) return { refs: this.refs, attributes };
    const unresolvedRefs: Record<string, string[]> = {};
    for (const role of roles) unresolvedRefs[role] = [...new Set(this.unresolved[role])].sort();
    return { refs: this.refs, attributes: { ...attributes, unresolvedRefs } };
  }
}

/** A map with sorted keys, so API-supplied maps (metadata, extra specs) serialise the same way every time. */
export function sortedRecord<V>(record: Record<string, V> | null | undefined): Record<string, V> {
  const out: Record<string, V> = {};
  if (!record) return out;
  for (const key of Object.keys(record).sort()) out[key] = record[key] as V;
  return out;
}

/** Groups items by a key, once (for reverse indexes). */
export function groupBy<T>(items: readonly T[], key: (item: T) => string | null | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (!k) continue;
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** The name used in an address: the API name, or the id for unnamed resources. */
export function nameOrId(name: string | null | undefined, id: string): string {
  return name && name.trim() !== '' ? name : id;
}
