/**
 * The simulator's tiny HTTP toolkit: a request/response model detached from node:http (so
 * handlers are plain functions), a path router with `:param` segments, and body helpers.
 *
 * Invariant: handlers never touch sockets; only the one pipeline (pipeline.ts), which every
 * simulated server uses, reads from and writes to node's IncomingMessage/ServerResponse.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

export interface SimRequest {
  method: string;
  /** The path below the service prefix, without query, e.g. `/v2.1/servers/detail`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (see pipeline.ts `parseJsonBody`), or undefined when there was none. */
  body: unknown;
  /** The body as text; null when it exceeded the service's limit; undefined for a stream. */
  bodyText?: string | null;
  /** `http://127.0.0.1:<port>`: what this server calls itself in links. */
  origin: string;
  /** The service prefix the request arrived under, e.g. `/compute`. */
  prefix: string;
  /** Values of `:param` segments of the matched route. */
  params: Record<string, string>;
  /** The body as a stream, for binary uploads (application/octet-stream); `body` is then undefined. */
  stream?: AsyncIterable<Buffer>;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  /** Serialised as JSON unless `text` is given. */
  json?: unknown;
  /** Raw body text; set `content-type` in headers. */
  text?: string;
  /** A binary body streamed with backpressure (image data); set content-type/length in headers. */
  stream?: NodeJS.ReadableStream;
}

export type Handler<C> = (req: SimRequest, ctx: C) => SimResponse | Promise<SimResponse>;

interface Route<C> { method: string; segments: string[]; handler: Handler<C> }

/** Result of a lookup: a handler, a path that exists for other methods, or nothing. */
export type RouteMatch<C> =
  | { kind: 'found'; handler: Handler<C>; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

/** Matches `METHOD /a/:b/c` patterns segment by segment. Trailing slashes are ignored. */
export class Router<C> {
  private readonly routes: Route<C>[] = [];

  add(method: string, pattern: string, handler: Handler<C>): this {
    this.routes.push({ method, segments: splitPath(pattern), handler });
    return this;
  }

  get(pattern: string, handler: Handler<C>): this {
    return this.add('GET', pattern, handler);
  }

  match(method: string, path: string): RouteMatch<C> {
    const segments = splitPath(path);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      // HEAD is answered by the GET handler (the body is dropped when writing).
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { kind: 'found', handler: route.handler, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const a = actual[i] as string;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(a);
    else if (p !== a) return undefined;
  }
  return params;
}

export function json(status: number, body: unknown, headers: Record<string, string | string[]> = {}): SimResponse {
  return { status, json: body, headers };
}

/** The plain webob error page Nova, Glance and Cinder send for unknown paths and some errors. */
export function webobHtml(status: number, title: string, detail: string): SimResponse {
  const text = `<html>\n <head>\n  <title>${status} ${title}</title>\n </head>\n <body>\n  <h1>${status} ${title}</h1>\n  ${detail}<br /><br />\n\n\n\n </body>\n</html>`;
  return { status, text, headers: { 'content-type': 'text/html; charset=UTF-8' } };
}

/** A header's value, the first one if repeated. */
export function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Query flags as OpenStack services read them: "1", "true", "True", "yes" are true. */
export function queryFlag(req: SimRequest, name: string): boolean {
  const value = req.query.get(name);
  return value !== null && ['1', 'true', 'yes', 'on', ''].includes(value.toLowerCase());
}

/**
 * Reads an integer `limit` query parameter. Returns `undefined` when absent and `null` when not
 * a non-negative integer (each service answers that with its own 400).
 */
export function queryLimit(req: SimRequest): number | undefined | null {
  const raw = req.query.get('limit');
  if (raw === null) return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

/**
 * The URL of this request with some query parameters replaced: how Nova, Neutron and Cinder build
 * their `*_links` rel=next hrefs (other filters are kept so the next page is the same listing).
 */
export function linkWith(req: SimRequest, replace: Record<string, string | undefined>): string {
  const query = new URLSearchParams(req.query);
  for (const [k, v] of Object.entries(replace)) {
    query.delete(k);
    if (v !== undefined) query.set(k, v);
  }
  const qs = query.toString();
  return `${req.origin}${req.prefix}${req.path}${qs ? `?${qs}` : ''}`;
}

/** The request body as text; null when it exceeds `maxBytes` (the server answers 413). */
export async function readBodyText(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Listens on 127.0.0.1:`port` (0 = ephemeral; never another address) and resolves with the port. */
export async function listenOnLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
