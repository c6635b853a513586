/**
 * One simulated OpenStack cloud on one loopback port: a node:http server that routes by path
 * prefix to the service modules (devstack layout), applies faults, stamps request ids, and
 * serves the `/_sandbox/faults` and `/_sandbox/reset` control routes.
 *
 * Invariants:
 * - binds 127.0.0.1 only; the control route additionally refuses non-loopback peers;
 * - every response carries `X-OpenStack-Request-Id: req-<uuid>` (Nova and Cinder also
 *   `X-Compute-Request-Id`), including injected faults and 404s;
 * - `close()` resolves only after every socket is closed (keep-alive ones included).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { cinder } from './cinder.js';
import { FaultInjector, type FaultConfig } from './faults.js';
import { glance } from './glance.js';
import { json, listenOnLoopback, readBodyText, webobHtml, type SimRequest, type SimResponse } from './http.js';
import { newRequestId } from './ids.js';
import { keystone } from './keystone.js';
import { Lifecycle } from './lifecycle.js';
import { neutron } from './neutron.js';
import { nova } from './nova.js';
import type { ServiceApi, ServiceContext } from './service.js';
import type { CloudStore } from './store.js';
import { TokenService } from './tokens.js';

const SERVICES: readonly ServiceApi[] = [keystone, nova, glance, neutron, cinder];
export const FAULTS_PATH = '/_sandbox/faults';
/** POST: the cloud back to its scenario's start (a fresh store; tokens issued before are forgotten). */
export const RESET_PATH = '/_sandbox/reset';
const MAX_BODY_BYTES = 1 << 20;

/** One line per request, for the sandbox's verbose mode. Never contains headers or bodies. */
export interface RequestLogEntry { cloud: string; method: string; path: string; status: number; ms: number; requestId: string; fault?: string }

export interface SimCloudOptions {
  store: CloudStore;
  faults?: Partial<FaultConfig>;
  /** Called after each response; the simulator itself never prints. */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Builds the store afresh, as at the start: what `/_sandbox/reset` puts back. */
  rebuild?: () => CloudStore;
}

export class SimCloud {
  store: CloudStore;
  readonly faults: FaultInjector;
  tokens: TokenService;
  readonly lifecycle: Lifecycle;
  private readonly server: Server;
  private readonly onRequest: ((entry: RequestLogEntry) => void) | undefined;
  private boundPort: number | undefined;
  private context: ServiceContext;
  private readonly rebuild: (() => CloudStore) | undefined;
  /** Runs after a reset (the sandbox resets its machines and Fuel master with the source). */
  onReset: (() => void) | undefined;

  constructor(options: SimCloudOptions) {
    this.store = options.store;
    this.faults = new FaultInjector(options.faults);
    this.tokens = new TokenService(this.store);
    this.onRequest = options.onRequest;
    this.rebuild = options.rebuild;
    this.lifecycle = new Lifecycle(this.faults);
    this.context = { store: this.store, tokens: this.tokens, faults: this.faults, lifecycle: this.lifecycle, origin: () => this.origin };
    this.server = createServer((req, res) => {
      this.serve(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    // Short keep-alive so clients that forget to close do not hold stop() up for long.
    this.server.keepAliveTimeout = 2000;
  }

  /** Listens on 127.0.0.1:`port` (0 = ephemeral) and resolves with the actual port. */
  async listen(port: number): Promise<number> {
    this.boundPort = await listenOnLoopback(this.server, port);
    return this.boundPort;
  }

  get port(): number {
    if (this.boundPort === undefined) throw new Error(`cloud ${this.store.meta.name} is not listening`);
    return this.boundPort;
  }

  /** `http://127.0.0.1:<port>`: the base of every URL in the catalog and in links. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The Keystone v3 URL clients put in clouds.yaml `auth_url`. */
  get authUrl(): string {
    return `${this.origin}/identity/v3`;
  }

  /** Back to the scenario's start: a fresh store from `rebuild`; false when the cloud has none. */
  reset(): boolean {
    if (!this.rebuild) return false;
    const old = this.store;
    this.store = this.rebuild();
    this.tokens = new TokenService(this.store);
    this.context = { ...this.context, store: this.store, tokens: this.tokens };
    old.blobs.close();
    this.onReset?.();
    return true;
  }

  async close(): Promise<void> {
    this.lifecycle.stop();
    this.store.blobs.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = newRequestId();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const service = SERVICES.find((s) => url.pathname === s.prefix || url.pathname.startsWith(`${s.prefix}/`));
    let result: SimResponse;
    let fault: string | undefined;
    // Binary uploads (image data, possibly gigabytes) reach the service as a stream.
    const binary = (req.headers['content-type'] ?? '').startsWith('application/octet-stream');
    const bodyText = binary ? '' : await readBodyText(req, MAX_BODY_BYTES);

    if (url.pathname.replace(/\/+$/, '') === FAULTS_PATH) {
      result = this.controlFaults(req, method, bodyText);
    } else if (url.pathname.replace(/\/+$/, '') === RESET_PATH) {
      result = this.controlReset(req, method);
    } else if (!service) {
      result = webobHtml(404, 'Not Found', 'The resource could not be found.');
    } else {
      const simReq: SimRequest = {
        method, path: url.pathname.slice(service.prefix.length) || '/', query: url.searchParams, headers: req.headers,
        body: undefined, origin: this.origin, prefix: service.prefix, params: {}, ...(binary ? { stream: req as AsyncIterable<Buffer> } : {}),
      };
      const decision = this.faults.decide(method, url.pathname, service.name);
      if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
      if (decision.failStatus !== undefined) {
        fault = decision.reason;
        result = service.error(simReq, decision.failStatus, decision.reason ?? 'fault injection');
      } else if (bodyText === null) {
        result = service.error(simReq, 413, 'Request body too large.');
      } else {
        result = await this.dispatch(service, simReq, bodyText);
      }
      result = { ...result, headers: { ...service.requestIdHeaders(requestId), ...(result.headers ?? {}) } };
    }
    if (binary) req.resume(); // whatever the handler did not read (an error answer) is drained
    writeResponse(res, method, result, requestId);
    this.onRequest?.({ cloud: this.store.meta.name, method, path: url.pathname, status: result.status, ms: Math.round(performance.now() - started), requestId, ...(fault ? { fault } : {}) });
  }

  private async dispatch(service: ServiceApi, req: SimRequest, bodyText: string): Promise<SimResponse> {
    if (bodyText !== '') {
      try {
        req.body = JSON.parse(bodyText);
      } catch {
        return service.error(req, 400, 'Malformed request body: the body is not valid JSON.');
      }
    }
    try {
      return await service.handle(req, this.context);
    } catch (error) {
      return service.error(req, 500, `The simulator failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private controlReset(req: IncomingMessage, method: string): SimResponse {
    if (!isLoopback(req.socket.remoteAddress)) return json(403, { error: 'the reset control route answers on loopback only' });
    if (method !== 'POST') return json(405, { error: 'use POST' }, { allow: 'POST' });
    return this.reset() ? json(200, { reset: true }) : json(404, { error: 'this cloud was not started from a scenario it can be rebuilt from' });
  }

  /** GET: current faults. POST: merge a partial FaultConfig, or `{"reset": true}`. */
  private controlFaults(req: IncomingMessage, method: string, bodyText: string | null): SimResponse {
    if (!isLoopback(req.socket.remoteAddress)) return json(403, { error: 'the fault control route answers on loopback only' });
    if (method === 'GET' || method === 'HEAD') return json(200, { faults: this.faults.current });
    if (method !== 'POST') return json(405, { error: 'use GET or POST' }, { allow: 'GET, POST' });
    try {
      const patch = JSON.parse(bodyText || '{}') as Partial<FaultConfig> & { reset?: boolean };
      if (patch.reset) {
        this.faults.reset();
        delete patch.reset;
      }
      const faults = this.faults.update(patch);
      this.lifecycle.release();
      return json(200, { faults });
    } catch (error) {
      return json(400, { error: error instanceof Error ? error.message : String(error) });
    }
  }
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}


function writeResponse(res: ServerResponse, method: string, result: SimResponse, requestId: string): void {
  const headers: Record<string, string | string[]> = { 'x-openstack-request-id': requestId, ...(result.headers ?? {}) };
  if (result.stream) {
    res.writeHead(result.status, headers);
    if (method === 'HEAD') {
      res.end();
      return;
    }
    const stream = result.stream;
    // Either side may go away mid-transfer (a client that disconnects): end the other quietly.
    stream.on('error', () => res.destroy());
    res.on('error', () => (stream as { destroy?: () => void }).destroy?.());
    res.on('close', () => (stream as { destroy?: () => void }).destroy?.());
    stream.pipe(res);
    return;
  }
  let body = '';
  if (result.text !== undefined) body = result.text;
  else if (result.json !== undefined) {
    body = JSON.stringify(result.json);
    headers['content-type'] ??= 'application/json';
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(result.status, headers);
  res.end(method === 'HEAD' ? undefined : body);
}
