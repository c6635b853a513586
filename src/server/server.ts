import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import type { PumphouseConfig } from '../config/load.js';
import { errorMessage, isPumphouseError, PumphouseError, quoted } from '../errors.js';
import { Engine } from '../engine/index.js';
import { ensureStateFolder } from '../engine/state.js';
import { EventJournal } from './events.js';
import { capConnections, DEFAULT_SERVE_LIMITS, serverTimeouts, type ServeLimits } from './connections.js';
import { allowedHosts, checkBodyType, checkOrigin, checkToken, type GuardOptions } from './guard.js';
import { API_CODES, sendError } from './http.js';
import { matchRoute, ROUTES, type RouteContext } from './routes.js';
import { ORIGINAL_ROUTES } from './original.js';
import { OriginalHub } from './original/hub.js';
import { SocketIoBus } from './original/socketio.js';
import { serveStatic } from './static.js';
import { PlanFileError, ApiWork } from './work.js';

/**
 * `pumphouse serve`: the engine behind HTTP. Loopback by default. Every API request carries the
 * bearer token; only an explicit `noToken` (loopback only) serves without one. Host, Origin and
 * content type are checked before the token (guard.ts). Errors are JSON with a code; nothing a
 * client sends can crash it.
 */
export interface ApiServerOptions {
  config: PumphouseConfig;
  statePath: string;
  host: string;
  port: number;
  /** Every request must carry it (`Authorization: Bearer …`). */
  token?: string | undefined;
  /** Serve without a token (loopback only): the explicit, warned `serve --no-token`. */
  noToken?: boolean;
  /** More names the Host header may hold (`--allow-host`). */
  allowHosts?: readonly string[];
  /** Connection cap and request timeouts (settings.serve). */
  limits?: Partial<ServeLimits>;
  /** The default `spec.maps` of the original API's migrations (`serve --maps-from PLAN`). */
  maps?: Record<string, unknown>;
}

export interface ApiServer {
  url: string;
  journal: EventJournal;
  close(): Promise<void>;
}

export const SERVE_CODES = { tokenNeeded: 'PH4010', badListen: 'PH4011' } as const;

/** Every route: /v1, then the original project's. */
export const ALL_ROUTES = [...ROUTES, ...ORIGINAL_ROUTES];
const ORIGINAL_PREFIXES = ['/resources', '/reset', '/tenants', '/servers', '/hosts', '/socket.io'];

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  checkTokenChoice(options);
  ensureStateFolder(options.statePath);
  const journal = new EventJournal(join(dirname(options.statePath), 'events.ndjson'));
  const engine = new Engine({ config: () => options.config, events: journal.bus });
  const work = new ApiWork(engine, options.statePath);
  const original = new OriginalHub(journal.bus);
  const ctx: RouteContext = { config: options.config, engine, statePath: options.statePath, work, journal, original, ...(options.maps ? { maps: options.maps } : {}) };
  const guard: GuardOptions = { allowedHosts: new Set(), port: options.port, token: options.token };
  const limits: ServeLimits = { ...DEFAULT_SERVE_LIMITS, ...options.limits };
  const server = createServer(serverTimeouts(limits), (req, res) => void serve(ctx, guard, req, res));
  capConnections(server, limits.maxConnections);
  try {
    await listen(server, options.host, options.port);
  } catch (error) {
    original.close();
    journal.close();
    throw error;
  }
  const address = server.address() as { port: number };
  guard.allowedHosts = allowedHosts(options.host, address.port, options.allowHosts);
  guard.port = address.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${address.port}`,
    journal,
    close: () => closeServer(server, journal, work, original),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'the address is in use' : error.code === 'EADDRNOTAVAIL' ? 'this machine has no such address' : error.code === 'EACCES' ? 'the port needs privileges' : error.message;
      reject(new PumphouseError(SERVE_CODES.badListen, `cannot listen on ${host}:${port}: ${why}`, { hint: 'pick another --listen HOST:PORT' }));
    });
    server.listen(port, host, () => resolve());
  });
}

/** A token, or the explicit choice of none on loopback: nothing else is served. */
function checkTokenChoice(options: ApiServerOptions): void {
  if (options.token) return;
  if (!options.noToken) {
    throw new PumphouseError(SERVE_CODES.tokenNeeded, 'refusing to serve without a token: any program or web page on this machine could move your clouds', {
      hint: 'give a token (PUMPHOUSE_API_TOKEN, or let `pumphouse serve` generate one); only old clients that cannot send one need --no-token',
    });
  }
  if (!isLoopback(options.host)) {
    throw new PumphouseError(SERVE_CODES.tokenNeeded, `refusing to listen on ${options.host} without a token: anyone who can reach it could move your clouds`, {
      hint: 'drop --no-token (clients send "Authorization: Bearer <token>"), or listen on 127.0.0.1',
    });
  }
}

async function serve(ctx: RouteContext, guard: GuardOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    checkOrigin(req, guard);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const api = url.pathname.startsWith('/v1/') || ORIGINAL_PREFIXES.some((p) => url.pathname === p || url.pathname.startsWith(`${p}/`));
    // The dashboard's files hold nothing secret: the page asks for the token and sends it to the API.
    if (!api && (req.method === 'GET' || req.method === 'HEAD')) return serveStatic(res, url.pathname);
    // The Socket.IO transports post their packets as text/plain, as every 0.9 client does; they
    // only reach a session whose id the token-guarded handshake gave, and change nothing.
    if (!SocketIoBus.isPacketPost(req.method, url.pathname)) checkBodyType(req);
    try {
      checkToken(req, guard);
    } catch (error) {
      res.setHeader('www-authenticate', 'Bearer realm="pumphouse"');
      throw error;
    }
    if (ctx.original && SocketIoBus.handles(url.pathname)) return await ctx.original.socketIo.handle(req, res, url);
    const { route, params } = matchRoute(ALL_ROUTES, req.method ?? 'GET', url.pathname);
    await route.handle(ctx, req, res, params, url);
  } catch (error) {
    // A refused request's body may still be on its way: close the connection rather than read it.
    if (!req.complete) res.shouldKeepAlive = false;
    if (!isPumphouseError(error)) logInternal(ctx, req, error);
    sendError(res, error, error instanceof PlanFileError ? { diagnostics: error.diagnostics } : {});
  }
}

/** A failure that is nobody's input: the client is told to look at the log, so it is logged (an event). */
function logInternal(ctx: RouteContext, req: IncomingMessage, error: unknown): void {
  ctx.journal.bus.emit({
    type: 'warning', level: 'error',
    message: `internal error on ${req.method ?? '?'} ${quoted(req.url ?? '/')}: ${errorMessage(error)}`,
    data: { code: API_CODES.internal, hint: 'this is a bug in pumphouse: run serve again with --debug and report what it prints' },
  });
}

async function closeServer(server: Server, journal: EventJournal, work: ApiWork, original: OriginalHub): Promise<void> {
  await work.close();
  original.close();
  journal.close();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
