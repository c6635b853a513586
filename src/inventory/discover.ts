import { performance } from 'node:perf_hooks';
import { errorMessage, isPumphouseError, type PhCode, problemOf } from '../errors.js';
import type { EventSink } from '../events/sink.js';
import { nullSink } from '../events/sink.js';
import { AuthenticationError, DEFAULT_PAGE_SIZE, isStatus, type Cloud } from '../openstack/index.js';
import { assignAddresses, escapeSegment } from './address.js';
import { ALL_COLLECTORS } from './collectors/index.js';
import { RefBuilder, type AnyCollector, type FetchContext, type Naming, type ResolveContext } from './collectors/collector.js';
import { fingerprintResources } from './fingerprint.js';
import { INVENTORY_FORMAT_VERSION, RESOURCE_KINDS, type Inventory, type InventoryDiagnostic, type InventoryResource, type ProjectRef, type ResourceKind } from './model.js';

/**
 * Discovery: every collector reads its kind concurrently (fan-outs per user/project/flavor are
 * bounded by `concurrency`), then resources are named kind by kind and described with refs by
 * address. A failing collector becomes a diagnostic and `partial: true`; the others finish.
 * Only authentication failures reject: without a token nothing else can be right.
 */

export interface DiscoverOptions {
  /** The inventory's `cloud` ("source", "target", or a clouds.yaml name). */
  label: string;
  events?: EventSink;
  /** Calls in flight per fan-out (keypairs per user, quotas per project, access lists). @default 8 */
  concurrency?: number;
  /** Items per page of list calls. @default 1000 */
  pageSize?: number;
  /** @default () => new Date() */
  now?: () => Date;
  /** The collectors to run (tests). @default ALL_COLLECTORS */
  collectors?: readonly AnyCollector[];
}

export const DISCOVERY_CODES = { collectorFailed: 'PH3101', dependencyFailed: 'PH3102' } as const satisfies Record<string, PhCode>;

/** A collector could not run because one it needs (users for keypairs) failed. */
class DependencyError extends Error {
  constructor(readonly dependency: string, readonly original: unknown) {
    super(`needs the ${dependency} list, which could not be read`);
  }
}

function isAuthFailure(error: unknown): boolean {
  const root = error instanceof DependencyError ? error.original : error;
  return root instanceof AuthenticationError || isStatus(root, 401);
}

interface Named {
  collector: AnyCollector;
  item: unknown;
  naming: Naming;
}

class Resolver implements ResolveContext {
  readonly byKind = new Map<ResourceKind, Map<string, string>>();
  readonly all = new Set<string>();
  private readonly memos = new Map<string, unknown>();
  private projectNames: Map<string, string> | undefined;

  constructor(private readonly rawByCollector: ReadonlyMap<string, unknown[]>) {}

  setAddresses(kind: ResourceKind, addresses: Map<string, string>): void {
    this.byKind.set(kind, addresses);
    for (const address of addresses.values()) this.all.add(address);
  }

  address(kind: ResourceKind, id: string | null | undefined): string | undefined {
    return id ? this.byKind.get(kind)?.get(id) : undefined;
  }

  pathOf(kind: ResourceKind, id: string | null | undefined): string | undefined {
    return this.address(kind, id)?.slice(kind.length + 1);
  }

  existing(address: string): string | undefined {
    return this.all.has(address) ? address : undefined;
  }

  projectRef(projectId: string | null | undefined): ProjectRef | undefined {
    if (!projectId) return undefined;
    this.projectNames ??= new Map(this.raw<{ id: string; name: string }>('project').map((p) => [p.id, p.name]));
    return { id: projectId, name: this.projectNames.get(projectId) ?? projectId };
  }

  projectPath(projectId: string): string {
    return this.pathOf('project', projectId) ?? escapeSegment(projectId);
  }

  raw<T>(collector: string): readonly T[] {
    return (this.rawByCollector.get(collector) ?? []) as T[];
  }

  memo<V>(key: string, build: () => V): V {
    if (!this.memos.has(key)) this.memos.set(key, build());
    return this.memos.get(key) as V;
  }

  refs(): RefBuilder {
    return new RefBuilder(this);
  }
}

function diagnosticFor(collector: AnyCollector, error: unknown): InventoryDiagnostic {
  const dependency = error instanceof DependencyError;
  return {
    severity: 'error',
    code: dependency ? DISCOVERY_CODES.dependencyFailed : DISCOVERY_CODES.collectorFailed,
    service: collector.service,
    collector: collector.name,
    message: `${collector.name}: ${errorMessage(error)}`,
    ...(isPumphouseError(error) && error.hint ? { hint: error.hint } : dependency ? { hint: `see the ${(error as DependencyError).dependency} diagnostic` } : {}),
  };
}

/** What a discovery collects on its way: the collectors that failed and why. */
interface Failures {
  failed: Set<string>;
  diagnostics: InventoryDiagnostic[];
}

function fail(failures: Failures, collector: AnyCollector, error: unknown): void {
  failures.failed.add(collector.name);
  failures.diagnostics.push(diagnosticFor(collector, error));
}

/**
 * Reads `cloud` into an Inventory.
 * Invariants: resources sorted by RESOURCE_KINDS then address; addresses unique; `fingerprint`
 * depends only on the resources; `partial` iff some collector failed (each has a diagnostic).
 * @throws AuthenticationError (or a 401) from any collector.
 */
export async function discoverInventory(cloud: Cloud, options: DiscoverOptions): Promise<Inventory> {
  const events = options.events ?? nullSink;
  const now = options.now ?? (() => new Date());
  const collectors = options.collectors ?? ALL_COLLECTORS;
  const t0 = performance.now();
  events.emit({ type: 'discover_started', level: 'info', message: `discovering ${options.label} (${cloud.authUrl})`, data: { cloud: options.label } });
  const failures: Failures = { failed: new Set(), diagnostics: [] };
  const raw = await fetchAll(cloud, options, collectors, failures);
  const resolver = new Resolver(raw);
  const kept = buildAll(nameAll(collectors, raw, resolver, failures), resolver, failures);
  const { failed, diagnostics } = failures;
  diagnostics.sort((a, b) => ((a.collector ?? '') < (b.collector ?? '') ? -1 : 1));
  const ms = Math.round(performance.now() - t0);
  events.emit({
    type: 'discover_finished',
    level: failed.size > 0 ? 'warn' : 'info',
    message: `${options.label}: ${kept.length} resources in ${ms} ms${failed.size > 0 ? `; partial: ${[...failed].sort().join(', ')} failed` : ''}`,
    data: { cloud: options.label, resources: kept.length, ms, failedCollectors: [...failed].sort() },
  });
  return {
    formatVersion: INVENTORY_FORMAT_VERSION,
    cloud: options.label,
    authUrl: cloud.authUrl,
    ...(cloud.region ? { region: cloud.region } : {}),
    takenAt: now().toISOString(),
    fingerprint: fingerprintResources(kept),
    partial: failed.size > 0,
    resources: kept,
    diagnostics,
  };
}

/** Runs every collector concurrently, each once (a collector another needs is shared); the raw items by collector. */
async function fetchAll(cloud: Cloud, options: DiscoverOptions, collectors: readonly AnyCollector[], failures: Failures): Promise<Map<string, unknown[]>> {
  const byName = new Map(collectors.map((c) => [c.name, c]));
  const running = new Map<string, Promise<unknown[]>>();
  const ctx: FetchContext = {
    cloud,
    pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
    concurrency: Math.max(1, options.concurrency ?? 8),
    need: async <T>(name: string): Promise<T[]> => {
      const dependency = byName.get(name);
      if (!dependency) throw new DependencyError(name, new Error(`no collector named ${name}`));
      try {
        return (await start(dependency)) as T[];
      } catch (error) {
        throw new DependencyError(name, error);
      }
    },
  };
  const start = (collector: AnyCollector): Promise<unknown[]> => {
    let promise = running.get(collector.name);
    if (!promise) {
      promise = timed(collector, ctx, options);
      running.set(collector.name, promise);
    }
    return promise;
  };
  const settled = await Promise.allSettled(collectors.map(start));
  const raw = new Map<string, unknown[]>();
  settled.forEach((result, i) => {
    const collector = collectors[i] as AnyCollector;
    if (result.status === 'fulfilled') raw.set(collector.name, result.value);
    else {
      if (isAuthFailure(result.reason)) throw result.reason instanceof DependencyError ? result.reason.original : result.reason;
      fail(failures, collector, result.reason);
    }
  });
  return raw;
}

/** One collector's fetch, reported with its count and time (or its error) as a collector_finished event. */
function timed(collector: AnyCollector, ctx: FetchContext, options: DiscoverOptions): Promise<unknown[]> {
  const events = options.events ?? nullSink;
  const begin = performance.now();
  return collector.fetch(ctx).then(
    (items) => {
      const ms = Math.round(performance.now() - begin);
      events.emit({ type: 'collector_finished', level: 'debug', message: `${options.label}: ${collector.name}: ${items.length} in ${ms} ms`, data: { cloud: options.label, collector: collector.name, service: collector.service, count: items.length, ms } });
      return items;
    },
    (error: unknown) => {
      const ms = Math.round(performance.now() - begin);
      const problem = problemOf(error);
      events.emit({ type: 'collector_finished', level: 'warn', message: `${options.label}: ${collector.name} failed: ${problem.code} ${problem.message}`, data: { cloud: options.label, collector: collector.name, service: collector.service, count: 0, ms, error: problem.message, code: problem.code } });
      throw error;
    },
  );
}

/** Names the items kind by kind (a kind's addresses may use those of the kinds before it). */
function nameAll(collectors: readonly AnyCollector[], raw: ReadonlyMap<string, unknown[]>, resolver: Resolver, failures: Failures): Named[] {
  const named: Named[] = [];
  for (const kind of RESOURCE_KINDS) {
    const ofKind: Named[] = [];
    for (const collector of collectors) {
      if (collector.kind !== kind || !raw.has(collector.name)) continue;
      try {
        const items = raw.get(collector.name) ?? [];
        ofKind.push(...items.map((item) => ({ collector, item, naming: collector.naming(item, resolver) })));
      } catch (error) {
        // A malformed object must not sink the rest of the inventory.
        fail(failures, collector, error);
      }
    }
    const valid = ofKind.filter((n) => !failures.failed.has(n.collector.name));
    resolver.setAddresses(kind, assignAddresses(kind, valid.map((n) => n.naming)));
    named.push(...valid);
  }
  return named;
}

/** Describes every named item with its refs and attributes; the resources, sorted by kind then address. */
function buildAll(named: readonly Named[], resolver: Resolver, failures: Failures): InventoryResource[] {
  const built: Array<{ collector: string; resource: InventoryResource }> = [];
  for (const { collector, item, naming } of named) {
    if (failures.failed.has(collector.name)) continue;
    try {
      const { refs, attributes } = collector.build(item, resolver);
      const address = resolver.address(collector.kind, naming.id) as string;
      const resource = { kind: collector.kind, address, id: naming.id, name: naming.name, ...(naming.project ? { project: naming.project } : {}), refs, attributes };
      built.push({ collector: collector.name, resource });
    } catch (error) {
      fail(failures, collector, error);
    }
  }
  // Drop everything of a collector that failed half-way through building.
  const kept = built.filter((b) => !failures.failed.has(b.collector)).map((b) => b.resource);
  const order = new Map(RESOURCE_KINDS.map((k, i) => [k, i]));
  kept.sort((a, b) => (order.get(a.kind) ?? 0) - (order.get(b.kind) ?? 0) || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return kept;
}
