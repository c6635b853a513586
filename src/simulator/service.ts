/**
 * The contract between a cloud's HTTP server (cloud.ts) and the per-service route modules
 * (keystone.ts, nova.ts, glance.ts, neutron.ts, cinder.ts).
 */
import type { FaultInjector, ServiceName } from './faults.js';
import type { Lifecycle } from './lifecycle.js';
import type { SimRequest, SimResponse } from './http.js';
import type { CloudStore } from './store.js';
import type { AuthContext, TokenService } from './tokens.js';

/** What every handler of one cloud shares. */
export interface ServiceContext {
  store: CloudStore;
  tokens: TokenService;
  faults: FaultInjector;
  /** Schedules asynchronous status transitions (BUILD → ACTIVE, …). */
  lifecycle: Lifecycle;
  /** `http://127.0.0.1:<port>`, known once the server listens (the catalog is built from it). */
  origin(): string;
}

export interface ServiceApi {
  name: ServiceName;
  /** Path prefix on the cloud's port, devstack style: `/identity`, `/compute`, … */
  prefix: string;
  /** Serves one request whose `path` is below `prefix`. */
  handle(req: SimRequest, ctx: ServiceContext): Promise<SimResponse>;
  /** An error in this service's own body shape (used for faults and unexpected failures). */
  error(req: SimRequest, status: number, message: string): SimResponse;
  /** Headers this service adds to every response, given the request id. */
  requestIdHeaders(requestId: string): Record<string, string>;
}

/** What keystonemiddleware answers in front of Nova, Neutron and Cinder for a missing/bad token. */
export function middlewareUnauthorized(ctx: ServiceContext): SimResponse {
  return {
    status: 401,
    json: { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } },
    headers: { 'www-authenticate': `Keystone uri="${ctx.origin()}/identity"` },
  };
}

/** The caller behind X-Auth-Token, or undefined. */
export function callerOf(req: SimRequest, ctx: ServiceContext): AuthContext | undefined {
  const token = req.headers['x-auth-token'];
  return ctx.tokens.authenticate(Array.isArray(token) ? token[0] : token);
}
