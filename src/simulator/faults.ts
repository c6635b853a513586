/**
 * The one fault mechanism of every simulated server (the OpenStack clouds, the Fuel master, each
 * Redfish BMC): random errors from a seeded PRNG, extra latency (overall and per service), "fail
 * the Nth call to route X", requests never answered, the token TTL; for the clouds also the
 * lifecycle (transition time, hangs) and the bandwidth of image and volume data (bandwidth.ts).
 * pipeline.ts asks `decide()` about every request before the service sees it.
 *
 * Faults can be switched per run (`startSandbox({ faults })`) and at run time, through
 * `FaultInjector.update()` or the `/_sandbox/faults` control route every simulated server has.
 *
 * Invariants:
 * - with the same seed and the same request sequence, the same requests fail;
 * - logging in (Keystone v3 or v2.0 token issue, a Redfish session) is never hit by the random
 *   error rate unless `errorRateIncludesTokenIssue` is set, so a client can always log in to
 *   observe other faults;
 * - `failCalls` rules are counted per rule, across every method/path the rule matches.
 */
import { Link } from './bandwidth.js';
import { Prng } from './ids.js';

/** The services of a cloud, by the path prefix they are served under. */
export type ServiceName = 'identity' | 'compute' | 'image' | 'network' | 'volume';
/** What `latencyMsByService` and the request log name a service by: a cloud's, Fuel's or a BMC's. */
export type FaultScope = ServiceName | 'fuel' | 'redfish';

/** Fail calls number `nth` … `nth + times - 1` that match `route`. */
export interface FailCallRule {
  /**
   * `METHOD /path` on the server's own paths, e.g. `GET /compute/v2.1/servers/detail`.
   * `*` matches one path segment, `**` any number; the method may be `*`. `METHOD ~regex`
   * matches the path with a regular expression instead (`POST ~ComputerSystem\.Reset$`).
   */
  route: string;
  /** 1-based: 1 fails the first matching call. */
  nth: number;
  /** @default 1 */
  times?: number;
  /** @default 500 */
  status?: number;
  /** The error message, in the service's error shape. @default "fault injection: call N to ROUTE" */
  message?: string;
  /** Wait this long before failing (longer than a client's timeout: a timeout). @default 0 */
  delayMs?: number;
}

export interface FaultConfig {
  /** Probability in [0, 1] that a request fails with one of `errorStatuses`. @default 0 */
  errorRate: number;
  /** @default [500, 503] */
  errorStatuses: number[];
  /** Seed of the PRNG that decides random failures. @default 1 */
  seed: number;
  /** Let the random error rate hit token issue too. @default false */
  errorRateIncludesTokenIssue: boolean;
  /** Extra delay before every response, ms. @default 0 */
  latencyMs: number;
  /** Extra delay per service, added to `latencyMs`. @default {} */
  latencyMsByService: Partial<Record<FaultScope, number>>;
  /** Accept requests and never answer them (a wedged BMC or API); the control route still answers. @default false */
  unresponsive: boolean;
  /** Lifetime of newly issued tokens, seconds. @default 3600 */
  tokenTtlSeconds: number;
  /** @default [] */
  failCalls: FailCallRule[];
  /**
   * How long an asynchronous status transition takes (BUILD → ACTIVE, queued → active,
   * creating → available, …), ms; 0 finishes on the next tick. @default 50
   */
  transitionMs: number;
  /** Objects that never leave their transitional state (a step that hangs). @default [] */
  hang: HangRule[];
  /**
   * How fast image and volume data move in this cloud, bytes per second, shared by every
   * transfer at once (Glance uploads and downloads, Cinder image ↔ volume copies, Nova snapshot
   * uploads); 0 = unlimited. @default 0
   */
  bandwidthBytesPerSecond: number;
}

/** Holds objects of `kind` whose name matches `name` (`*` = any characters) in transition. */
export interface HangRule {
  kind: LifecycleKind;
  /** @default "*" */
  name?: string;
}

/** What the lifecycle moves asynchronously (see lifecycle.ts). */
export type LifecycleKind = 'server' | 'image' | 'volume' | 'snapshot';
export const LIFECYCLE_KINDS: readonly LifecycleKind[] = ['server', 'image', 'volume', 'snapshot'];

/**
 * The lifecycle transitions a boot takes (nova-servers.ts: scheduling → networking → spawning →
 * ACTIVE): a seeded server's launched_at is this many transitions after its creation, as the
 * simulator would have booted it (Pumphouse reads launched_at − created as the cloud's boot time).
 */
export const BOOT_TRANSITIONS = 3;

export function defaultFaults(): FaultConfig {
  return {
    errorRate: 0, errorStatuses: [500, 503], seed: 1, errorRateIncludesTokenIssue: false,
    latencyMs: 0, latencyMsByService: {}, unresponsive: false, tokenTtlSeconds: 3600, failCalls: [], transitionMs: 50, hang: [], bandwidthBytesPerSecond: 0,
  };
}

/** What to do with one request. */
export interface FaultDecision {
  delayMs: number;
  /** Never answer (the `unresponsive` fault). */
  hang?: boolean;
  /** When set, answer with this status (in the service's error shape) instead of serving. */
  failStatus?: number;
  /** Why, for the error message and logs. */
  reason?: string;
}

/** Logging in: exempt from the random error rate unless `errorRateIncludesTokenIssue`. */
const LOGIN = /^(\/identity\/v3\/auth\/tokens|\/keystone\/v2\.0\/tokens|\/redfish\/v1\/SessionService\/Sessions)\/?$/;

export class FaultInjector {
  private config: FaultConfig;
  private prng: Prng;
  private readonly hits: number[] = [];
  /** The cloud's data link, paced at `bandwidthBytesPerSecond` (read live, so changes act mid-transfer). */
  readonly link = new Link(() => this.config.bandwidthBytesPerSecond);

  constructor(config: Partial<FaultConfig> = {}) {
    this.config = validate({ ...defaultFaults(), ...config });
    this.prng = new Prng(this.config.seed);
  }

  get current(): FaultConfig {
    return structuredClone(this.config);
  }

  /**
   * Merges a partial config. A new `seed` restarts the PRNG; new `failCalls` restart their
   * counters. Throws a TypeError on invalid values (the control route turns it into a 400).
   */
  update(patch: Partial<FaultConfig>): FaultConfig {
    const next = validate({ ...this.config, ...patch });
    if (patch.seed !== undefined) this.prng = new Prng(next.seed);
    if (patch.failCalls !== undefined) this.hits.length = 0;
    this.config = next;
    return this.current;
  }

  /** Back to no faults at all (keeps nothing from earlier updates). */
  reset(): FaultConfig {
    this.config = defaultFaults();
    this.prng = new Prng(this.config.seed);
    this.hits.length = 0;
    return this.current;
  }

  /** The delay of one asynchronous status transition, ms (no copy of the config: it is hot). */
  get transitionMs(): number {
    return this.config.transitionMs;
  }

  /** True when a `hang` rule holds this object in its transitional state. */
  hangs(kind: LifecycleKind, name: string): boolean {
    return this.config.hang.some((rule) => rule.kind === kind && globMatches(rule.name ?? '*', name));
  }

  /** What to do with `method path` of service `scope` (the full path, from the server's root). */
  decide(method: string, path: string, scope: FaultScope | undefined): FaultDecision {
    const c = this.config;
    const delayMs = c.latencyMs + (scope ? (c.latencyMsByService[scope] ?? 0) : 0);
    if (c.unresponsive) return { delayMs, hang: true, reason: 'fault injection: unresponsive' };
    const call = `${method} ${path}`;
    for (const [i, rule] of c.failCalls.entries()) {
      if (!routeMatches(rule.route, method, path)) continue;
      const n = (this.hits[i] ?? 0) + 1;
      this.hits[i] = n;
      if (n >= rule.nth && n < rule.nth + (rule.times ?? 1)) {
        return { delayMs: delayMs + (rule.delayMs ?? 0), failStatus: rule.status ?? 500, reason: rule.message ?? `fault injection: call ${n} to ${rule.route}` };
      }
    }
    const tokenIssue = method === 'POST' && LOGIN.test(path);
    if (c.errorRate > 0 && (!tokenIssue || c.errorRateIncludesTokenIssue)) {
      // Draw only when the rate applies, so the decision sequence depends on eligible calls only.
      if (this.prng.next() < c.errorRate) {
        const status = c.errorStatuses[Math.floor(this.prng.next() * c.errorStatuses.length)] ?? 500;
        return { delayMs, failStatus: status, reason: `fault injection: random error on ${call}` };
      }
    }
    return { delayMs };
  }
}

/** `GET /compute/v2.1/servers/*` style match; see FailCallRule.route. */
export function routeMatches(route: string, method: string, path: string): boolean {
  const [ruleMethod = '', rulePath = ''] = splitRoute(route);
  if (ruleMethod !== '*' && ruleMethod.toUpperCase() !== method) return false;
  if (rulePath.startsWith('~')) return new RegExp(rulePath.slice(1)).test(path);
  const source = rulePath.replace(/\/+$/, '').split('/').map((segment) => {
    if (segment === '**') return '.*';
    if (segment === '*') return '[^/]+';
    return segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }).join('/');
  return new RegExp(`^${source}/?$`).test(path);
}

/** `METHOD /path` → [METHOD, /path]; the path is the rest of the text (a regex may hold spaces). */
function splitRoute(route: string): [string, string] {
  const text = route.trim();
  const space = text.search(/\s/);
  return space < 0 ? [text, ''] : [text.slice(0, space), text.slice(space).trim()];
}

function globMatches(pattern: string, name: string): boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`).test(name);
}

function validRule(r: FailCallRule): boolean {
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (typeof r?.route !== 'string' || !isNumber(r.nth) || r.nth < 1) return false;
  const path = splitRoute(r.route)[1];
  if (path.startsWith('~')) {
    try {
      new RegExp(path.slice(1));
    } catch {
      return false;
    }
  }
  return (r.times === undefined || (isNumber(r.times) && r.times >= 1))
    && (r.status === undefined || (isNumber(r.status) && r.status >= 400 && r.status <= 599))
    && (r.message === undefined || typeof r.message === 'string')
    && (r.delayMs === undefined || (isNumber(r.delayMs) && r.delayMs >= 0));
}

function validate(c: FaultConfig): FaultConfig {
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (!isNumber(c.errorRate) || c.errorRate < 0 || c.errorRate > 1) throw new TypeError('errorRate must be a number in [0, 1]');
  if (!Array.isArray(c.errorStatuses) || c.errorStatuses.length === 0 || !c.errorStatuses.every((s) => isNumber(s) && s >= 400 && s <= 599)) {
    throw new TypeError('errorStatuses must be a non-empty list of HTTP error statuses');
  }
  if (!isNumber(c.seed)) throw new TypeError('seed must be a number');
  if (!isNumber(c.latencyMs) || c.latencyMs < 0) throw new TypeError('latencyMs must be a number >= 0');
  if (typeof c.latencyMsByService !== 'object' || c.latencyMsByService === null
    || !Object.values(c.latencyMsByService).every((v) => isNumber(v) && v >= 0)) {
    throw new TypeError('latencyMsByService must map service names to numbers >= 0');
  }
  if (typeof c.unresponsive !== 'boolean') throw new TypeError('unresponsive must be true or false');
  if (!isNumber(c.tokenTtlSeconds) || c.tokenTtlSeconds <= 0) throw new TypeError('tokenTtlSeconds must be a number > 0');
  if (!Array.isArray(c.failCalls) || !c.failCalls.every(validRule)) {
    throw new TypeError('failCalls must be a list of { route: "METHOD /path" or "METHOD ~regex", nth >= 1, times?, status?, message?, delayMs? }');
  }
  if (!isNumber(c.transitionMs) || c.transitionMs < 0) throw new TypeError('transitionMs must be a number >= 0');
  if (!isNumber(c.bandwidthBytesPerSecond) || c.bandwidthBytesPerSecond < 0) throw new TypeError('bandwidthBytesPerSecond must be a number >= 0 (0 = unlimited)');
  if (!Array.isArray(c.hang) || !c.hang.every((r) => LIFECYCLE_KINDS.includes(r?.kind) && (r.name === undefined || typeof r.name === 'string'))) {
    throw new TypeError(`hang must be a list of { kind: ${LIFECYCLE_KINDS.join('|')}, name?: "glob" }`);
  }
  return { ...c, hang: c.hang.map((r) => ({ ...r })), errorRateIncludesTokenIssue: Boolean(c.errorRateIncludesTokenIssue), errorStatuses: [...c.errorStatuses], failCalls: c.failCalls.map((r) => ({ ...r })), latencyMsByService: { ...c.latencyMsByService } };
}
