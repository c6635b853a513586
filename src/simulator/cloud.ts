/**
 * One simulated OpenStack cloud on one loopback port: the five services (devstack layout) mounted
 * on the one simulator pipeline (pipeline.ts), which applies the cloud's faults, stamps request
 * ids and serves the `/_sandbox/faults` and `/_sandbox/reset` control routes.
 *
 * Invariants:
 * - binds 127.0.0.1 only; the control route additionally refuses non-loopback peers;
 * - every response carries `X-OpenStack-Request-Id: req-<uuid>` (Nova and Cinder also
 *   `X-Compute-Request-Id`), including injected faults and 404s;
 * - `close()` resolves only after every socket is closed (keep-alive ones included).
 */
import { cinder } from './cinder.js';
import { FaultInjector, type FaultConfig } from './faults.js';
import { glance } from './glance.js';
import { json, webobHtml, type SimRequest, type SimResponse } from './http.js';
import { keystone } from './keystone.js';
import { Lifecycle } from './lifecycle.js';
import { neutron } from './neutron.js';
import { nova } from './nova.js';
import { parseJsonBody, SimServer, type RequestLogEntry, type SimService } from './pipeline.js';
import type { ServiceApi, ServiceContext } from './service.js';
import type { CloudStore } from './store.js';
import { TokenService } from './tokens.js';

export { FAULTS_PATH, type RequestLogEntry } from './pipeline.js';
/** POST: the cloud back to its scenario's start (a fresh store; tokens issued before are forgotten). */
export const RESET_PATH = '/_sandbox/reset';

const SERVICES: readonly ServiceApi[] = [keystone, nova, glance, neutron, cinder];

export interface SimCloudOptions {
  store: CloudStore;
  faults?: Partial<FaultConfig>;
  /** Called after each response; the simulator itself never prints. */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Called once a request is served and before its answer is written: a test that stops its
   * client here hits, every time, the window where the cloud has done the work and the client
   * cannot know (`onRequest` comes after the answer, which a fast client may already have read).
   */
  beforeAnswer?: (entry: AnswerEntry) => void;
  /** Builds the store afresh, as at the start: what `/_sandbox/reset` puts back. */
  rebuild?: () => CloudStore;
}

/** A request about to be answered: its full path, as `RequestLogEntry` gives it. */
export interface AnswerEntry { cloud: string; method: string; path: string; status: number }

export class SimCloud {
  store: CloudStore;
  readonly faults: FaultInjector;
  tokens: TokenService;
  readonly lifecycle: Lifecycle;
  private readonly server: SimServer;
  private context: ServiceContext;
  private readonly rebuild: (() => CloudStore) | undefined;
  /** Runs after a reset (the sandbox resets its machines and Fuel master with the source). */
  onReset: (() => void) | undefined;

  constructor(options: SimCloudOptions) {
    this.store = options.store;
    this.faults = new FaultInjector(options.faults);
    this.tokens = new TokenService(this.store);
    this.rebuild = options.rebuild;
    this.lifecycle = new Lifecycle(this.faults);
    this.context = { store: this.store, tokens: this.tokens, faults: this.faults, lifecycle: this.lifecycle, origin: () => this.origin };
    this.server = new SimServer({
      name: this.store.meta.name,
      services: SERVICES.map((api) => this.mount(api)),
      faults: this.faults,
      notFound: () => webobHtml(404, 'Not Found', 'The resource could not be found.'),
      headers: (requestId) => ({ 'x-openstack-request-id': requestId }),
      onFaultsChanged: () => this.lifecycle.release(),
      controls: { [RESET_PATH]: (req) => this.controlReset(req) },
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
      ...(options.beforeAnswer ? { onAnswer: answerHook(this.store.meta.name, options.beforeAnswer) } : {}),
    });
  }

  /** Listens on 127.0.0.1:`port` (0 = ephemeral) and resolves with the actual port. */
  async listen(port: number): Promise<number> {
    return this.server.listen(port);
  }

  get port(): number {
    const port = this.server.port;
    if (port === undefined) throw new Error(`cloud ${this.store.meta.name} is not listening`);
    return port;
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
    await this.server.close();
  }

  /** One OpenStack service on the pipeline: JSON bodies parsed first, binary uploads (image data) as streams. */
  private mount(api: ServiceApi): SimService {
    return {
      name: api.name, prefix: api.prefix, streamsUploads: true,
      handle: (req) => this.dispatch(api, req),
      error: (req, status, message) => api.error(req, status, message),
      headers: (requestId) => api.requestIdHeaders(requestId),
    };
  }

  private controlReset(req: SimRequest): SimResponse {
    if (req.method !== 'POST') return json(405, { error: 'use POST' }, { allow: 'POST' });
    return this.reset() ? json(200, { reset: true }) : json(404, { error: 'this cloud was not started from a scenario it can be rebuilt from' });
  }

  private async dispatch(api: ServiceApi, req: SimRequest): Promise<SimResponse> {
    const problem = parseJsonBody(req);
    if (problem === 'too-large') return api.error(req, 413, 'Request body too large.');
    if (problem === 'malformed') return api.error(req, 400, 'Malformed request body: the body is not valid JSON.');
    return api.handle(req, this.context);
  }
}

function answerHook(cloud: string, hook: (entry: AnswerEntry) => void): (req: SimRequest, res: SimResponse) => void {
  return (req, res) => hook({ cloud, method: req.method, path: `${req.prefix}${req.path}`, status: res.status });
}
