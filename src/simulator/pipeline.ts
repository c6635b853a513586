/**
 * The one HTTP pipeline of every simulated server: the OpenStack clouds (cloud.ts), the Fuel
 * master (fuel/server.ts) and each Redfish BMC (hardware/redfish-bmc.ts). A server is a list of
 * services mounted at path prefixes plus a FaultInjector; per request the pipeline
 *   1. answers the `/_sandbox/faults` control route and the server's other `/_sandbox/…` ones
 *      (loopback peers only, never faulted);
 *   2. picks the service by prefix (none: the server's own 404);
 *   3. reads the body: text up to the service's limit (`bodyText` null when larger), or, for a
 *      service that takes binary uploads, the stream itself;
 *   4. asks the faults: never answer, wait, or fail with an error in the service's own shape;
 *   5. hands the request to the service (an exception becomes its 500);
 *   6. writes the answer (JSON, text or a stream with back-pressure; HEAD without a body) with
 *      the server's and the service's headers, and logs one line.
 *
 * Invariants: binds 127.0.0.1 only; services never touch sockets; `close()` resolves once every
 * socket is closed, keep-alive and never-answered ones included.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { FaultConfig, FaultInjector, FaultScope } from './faults.js';
import { json, listenOnLoopback, readBodyText, type SimRequest, type SimResponse } from './http.js';
import { newRequestId } from './ids.js';

export const FAULTS_PATH = '/_sandbox/faults';
const DEFAULT_MAX_BODY_BYTES = 1 << 20;

/** One service of a server, as the pipeline sees it. */
export interface SimService {
  /** Its fault scope (`latencyMsByService`) and its name in the request log. */
  name: FaultScope;
  /** Path prefix it is mounted at ('' = every path); it sees the path below, in `req.path`. */
  prefix: string;
  /** Serves one request the faults let through. */
  handle(req: SimRequest): Promise<SimResponse> | SimResponse;
  /** An error in this service's own body shape: injected faults and unexpected failures. */
  error(req: SimRequest, status: number, message: string): SimResponse;
  /** Headers on every answer of this service, given the request id (X-Compute-Request-Id, …). */
  headers?(requestId: string): Record<string, string>;
  /** `application/octet-stream` bodies reach `handle` as `req.stream`. @default false */
  streamsUploads?: boolean;
  /** Larger text bodies leave `req.bodyText` null. @default 1 MiB */
  maxBodyBytes?: number;
}

/** One line per request, for observers (the sandbox's verbose mode). Never headers or bodies. */
export interface RequestLogEntry { cloud: string; method: string; path: string; status: number; ms: number; requestId: string; fault?: string }

export interface SimServerOptions {
  /** What the log calls this server (`sandbox-source`, `fuel`, the BMC's machine). */
  name: string;
  services: readonly SimService[];
  faults: FaultInjector;
  /** The answer when no service's prefix matches. */
  notFound(req: SimRequest): SimResponse;
  /** Headers on every answer of this server, control route and 404s included. */
  headers?(requestId: string): Record<string, string>;
  /** Content-Type of JSON answers. @default application/json */
  jsonContentType?: string;
  /** Serve https with this key and certificate (PEM). @default plain http */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** After the faults changed through the control route (the clouds release held transitions). */
  onFaultsChanged?(): void;
  /** More `/_sandbox/…` control routes beside the faults' (loopback peers only, never faulted): path → answer. */
  controls?: Record<string, (req: SimRequest) => SimResponse>;
  /** A request arrived (before faults); `onAnswer` follows unless it is never answered. */
  onArrival?(req: SimRequest): void;
  /** +1 when a request arrives, −1 when its connection is done with it. */
  onInFlight?(delta: 1 | -1): void;
  onAnswer?(req: SimRequest, res: SimResponse): void;
  /** Called after each response; the simulator itself never prints. */
  onRequest?(entry: RequestLogEntry): void;
}

export class SimServer {
  /** Requests being served right now, and the most there were at once. */
  inFlight = 0;
  maxInFlight = 0;
  private readonly server: Server;
  private boundPort: number | undefined;
  readonly scheme: 'http' | 'https';

  constructor(private readonly options: SimServerOptions) {
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      this.serve(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    };
    this.scheme = options.tls ? 'https' : 'http';
    this.server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createServer(handler);
    // Short keep-alive so clients that forget to close do not hold close() up for long.
    this.server.keepAliveTimeout = 2000;
  }

  /** Listens on 127.0.0.1:`port` (0 = ephemeral) and resolves with the actual port. */
  async listen(port: number): Promise<number> {
    this.boundPort = await listenOnLoopback(this.server, port);
    return this.boundPort;
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  get origin(): string {
    return `${this.scheme}://127.0.0.1:${this.boundPort ?? 0}`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    this.countInFlight(res);
    const requestId = newRequestId();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const control = this.controlOf(url.pathname);
    const service = control ? undefined : this.options.services.find((s) => s.prefix === '' || url.pathname === s.prefix || url.pathname.startsWith(`${s.prefix}/`));
    const simReq: SimRequest = {
      method, path: service ? url.pathname.slice(service.prefix.length) || '/' : url.pathname, query: url.searchParams, headers: req.headers,
      body: undefined, origin: this.origin, prefix: service?.prefix ?? '', params: {},
    };
    if (service) this.options.onArrival?.(simReq);
    const binary = service?.streamsUploads === true && (req.headers['content-type'] ?? '').startsWith('application/octet-stream');
    if (binary) simReq.stream = req as AsyncIterable<Buffer>;
    else simReq.bodyText = await readBodyText(req, service?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);

    let answer: { result: SimResponse; fault?: string } | undefined;
    if (control) answer = { result: isLoopback(req.socket.remoteAddress) ? control(simReq) : json(403, { error: 'the control routes answer on loopback only' }) };
    else if (!service) answer = { result: this.options.notFound(simReq) };
    else answer = await this.answer(service, simReq, url.pathname, requestId);
    if (!answer) return; // never answered: the socket stays open until the client gives up or close()
    if (binary) req.resume(); // whatever the service did not read (an error answer) is drained
    const result = { ...answer.result, headers: { ...this.options.headers?.(requestId), ...answer.result.headers } };
    if (service) this.options.onAnswer?.(simReq, result);
    writeResponse(res, method, result, this.options.jsonContentType ?? 'application/json');
    this.options.onRequest?.({
      cloud: this.options.name, method, path: url.pathname, status: result.status, ms: Math.round(performance.now() - started), requestId,
      ...(answer.fault ? { fault: answer.fault } : {}),
    });
  }

  /** The faults first (never answer, wait, fail), then the service; undefined: no answer at all. */
  private async answer(service: SimService, req: SimRequest, pathname: string, requestId: string): Promise<{ result: SimResponse; fault?: string } | undefined> {
    const decision = this.options.faults.decide(req.method, pathname, service.name);
    if (decision.hang) return undefined;
    if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    const failed = decision.failStatus !== undefined;
    const result = failed ? service.error(req, decision.failStatus ?? 500, decision.reason ?? 'fault injection') : await this.handle(service, req);
    return { result: { ...result, headers: { ...service.headers?.(requestId), ...result.headers } }, ...(failed && decision.reason ? { fault: decision.reason } : {}) };
  }

  private async handle(service: SimService, req: SimRequest): Promise<SimResponse> {
    try {
      return await service.handle(req);
    } catch (error) {
      return service.error(req, 500, `The simulator failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private countInFlight(res: ServerResponse): void {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.options.onInFlight?.(1);
    res.once('close', () => {
      this.inFlight -= 1;
      this.options.onInFlight?.(-1);
    });
  }

  private controlOf(pathname: string): ((req: SimRequest) => SimResponse) | undefined {
    const path = pathname.replace(/\/+$/, '');
    if (path === FAULTS_PATH) return (req) => this.controlFaults(req);
    return this.options.controls?.[path];
  }

  /** GET: current faults. POST: merge a partial FaultConfig, or `{"reset": true}` first. */
  private controlFaults(req: SimRequest): SimResponse {
    const faults = this.options.faults;
    const method = req.method;
    if (method === 'GET' || method === 'HEAD') return json(200, { faults: faults.current });
    if (method !== 'POST') return json(405, { error: 'use GET or POST' }, { allow: 'GET, POST' });
    try {
      const patch = JSON.parse(req.bodyText || '{}') as Partial<FaultConfig> & { reset?: boolean };
      if (patch.reset) {
        faults.reset();
        delete patch.reset;
      }
      const current = faults.update(patch);
      this.options.onFaultsChanged?.();
      return json(200, { faults: current });
    } catch (error) {
      return json(400, { error: error instanceof Error ? error.message : String(error) });
    }
  }
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/**
 * The request body as JSON into `req.body`: undefined when fine (or empty), else what was wrong,
 * for the service to answer in its own words at the point its real counterpart would.
 */
export function parseJsonBody(req: SimRequest): 'too-large' | 'malformed' | undefined {
  if (req.bodyText === null) return 'too-large';
  if (req.bodyText === undefined || req.bodyText === '') return undefined;
  try {
    req.body = JSON.parse(req.bodyText);
    return undefined;
  } catch {
    return 'malformed';
  }
}

function writeResponse(res: ServerResponse, method: string, result: SimResponse, jsonContentType: string): void {
  const headers: Record<string, string | string[]> = { ...result.headers };
  if (result.stream) {
    res.writeHead(result.status, headers);
    if (method === 'HEAD') {
      res.end();
      return;
    }
    const stream = result.stream;
    // Either side may go away mid-transfer (a client that disconnects): end the other quietly.
    const destroy = (): void => (stream as { destroy?: () => void }).destroy?.();
    stream.on('error', () => res.destroy());
    res.on('error', destroy);
    res.on('close', destroy);
    stream.pipe(res);
    return;
  }
  let body = '';
  if (result.text !== undefined) body = result.text;
  else if (result.json !== undefined) {
    body = JSON.stringify(result.json);
    headers['content-type'] ??= jsonContentType;
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(result.status, headers);
  res.end(method === 'HEAD' ? undefined : body);
}
