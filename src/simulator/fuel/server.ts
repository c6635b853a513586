import { FaultInjector, type FaultConfig } from '../faults.js';
import type { HardwareWorld, Machine } from '../hardware/world.js';
import { header, json, type SimRequest, type SimResponse } from '../http.js';
import { parseJsonBody, SimServer, type SimService } from '../pipeline.js';
import { leaseAdminIp, type AgentIps } from './ips.js';
import { agentBody } from './agent.js';
import { clusterJson, createCluster, type ClusterSpec } from './clusters.js';
import { FuelApiError } from './errors.js';
import type { SimNode } from './model.js';
import { agentUpdate, joinCluster, nodeJson, registerNode } from './nodes.js';
import { Orchestrator } from './orchestrator.js';
import { fuelRoutes, type FuelContext, type FuelRoutes } from './routes.js';
import { FuelStore } from './store.js';
import { FakeKeystone } from './tokens.js';
import { resetVolumes } from './volumes.js';

/**
 * A simulated Fuel master (Nailgun behind nginx) on one loopback port: `/api` and `/api/v1`,
 * `/keystone/v2.0/tokens`, tasks on a timer, and the bootstrap agent of every machine of an
 * attached HardwareWorld that PXE-boots. See SPEC.md for what it models. HTTP and its faults
 * (`faults`, the `/_sandbox/faults` route) are the simulator's one pipeline (pipeline.ts).
 *
 * Invariants: binds 127.0.0.1 only; never imports the client (src/fuel); `close()` resolves once
 * every socket is closed and stops every timer it started.
 */

export type ErrorFormat = '6.0' | '6.1';

export interface FuelSimulatorOptions {
  /** VERSION.release and the release's version suffix. @default "6.0" */
  fuelVersion?: string;
  /** 6.0: errors are the bare text; 6.1+: `{"message", "errors": []}`. @default "6.1" */
  errorFormat?: ErrorFormat;
  /** false: GET /version says `auth_required: false` and no route wants a token. @default true */
  authRequired?: boolean;
  /** false models Fuel 10/11, where /version wants a token too. @default true */
  versionPublic?: boolean;
  /** Fake-mode keystone's one user. @default admin/admin, tenant admin */
  credentials?: { username: string; password: string; tenantName?: string };
  /** @default 24 h */
  tokenTtlMs?: number;
  /** Task clock. @default 1000 ms × 30 ticks per phase (nailgun fake mode) */
  tickMs?: number;
  tickCount?: number;
  /** fqdn = node-<id>.<dnsDomain>. @default "domain.tld" */
  dnsDomain?: string;
  /** A node not heard from for this long is offline (the assassin). @default 180000 */
  keepaliveTimeoutMs?: number;
  now?: () => number;
  /** HTTP faults from the start (failCalls on `/api/v1/…` paths, latency, unresponsive…). */
  faults?: Partial<FaultConfig>;
}

export interface NodeReadyEvent {
  /** The node JSON as GET /nodes/{id} answers it. */
  node: Record<string, unknown>;
  /** The HardwareWorld machine it runs on, when known. */
  machine: string | null;
}

/** What the bootstrap agent of a world machine did, in order. */
export interface AgentEvent {
  machine: string;
  outcome: 'registered' | 'conflict' | 'updated';
  nodeId: number;
}

const FIRST_AGENT_IP = 131;

export class FuelSimulator {
  readonly store: FuelStore;
  readonly orchestrator: Orchestrator;
  errorFormat: ErrorFormat;
  /** HTTP faults of this master, as every simulated server has them (faults.ts). */
  readonly faults: FaultInjector;
  /** Every bootstrap-agent action of world machines, for tests. */
  readonly agentEvents: AgentEvent[] = [];
  private readonly keystone: FakeKeystone;
  private readonly authRequired: boolean;
  private readonly routes: FuelRoutes;
  private readonly context: FuelContext;
  private readonly server: SimServer;
  private readonly readyListeners: ((event: NodeReadyEvent) => void)[] = [];
  private readonly failingNodes = new Map<string, 'provision' | 'deploy'>();
  private readonly silentMachines = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly ips: AgentIps = { next: FIRST_AGENT_IP };
  private world: HardwareWorld | undefined;
  private discoverDelayMs = 1000;
  private registerTwice = false;
  private readonly fuelVersion: string;

  constructor(options: FuelSimulatorOptions = {}) {
    const now = options.now ?? Date.now;
    this.fuelVersion = options.fuelVersion ?? '6.0';
    this.errorFormat = options.errorFormat ?? '6.1';
    this.authRequired = options.authRequired ?? true;
    const credentials = options.credentials ?? { username: 'admin', password: 'admin' };
    this.keystone = new FakeKeystone({ tenantName: 'admin', ...credentials }, options.tokenTtlMs ?? 24 * 3600_000, now);
    this.store = new FuelStore({
      fuelVersion: this.fuelVersion, dnsDomain: options.dnsDomain ?? 'domain.tld', keepaliveTimeoutMs: options.keepaliveTimeoutMs ?? 180_000, now,
      machinePowered: (name) => {
        const machine = this.world?.get(name);
        return machine ? machine.power === 'on' && !this.silentMachines.has(name) : undefined;
      },
    });
    this.orchestrator = new Orchestrator(this.store, {
      tickMs: options.tickMs ?? 1000,
      tickCount: options.tickCount ?? 30,
      failureOf: (node) => this.failingNodes.get(`id:${node.id}`) ?? this.failingNodes.get(`mac:${node.mac}`) ?? (node.machine ? this.failingNodes.get(`machine:${node.machine}`) : undefined),
      onNodeReady: (node) => this.emitReady(node),
      onNodeErased: (node) => this.rebootIntoBootstrap(node),
    });
    this.routes = fuelRoutes({ versionPublic: options.versionPublic ?? true });
    this.context = { store: this.store, orchestrator: this.orchestrator, version: () => this.versionJson() };
    this.faults = new FaultInjector(options.faults);
    const api = (prefix: string): SimService => ({ name: 'fuel', prefix, handle: (req) => this.answerApi(req), error: (_req, status, message) => this.fail(status, message) });
    this.server = new SimServer({
      name: 'fuel',
      services: [{ name: 'fuel', prefix: '/keystone/v2.0', handle: (req) => this.answerKeystone(req), error: keystoneError }, api('/api/v1'), api('/api')],
      faults: this.faults,
      notFound: () => ({ status: 404, text: '404 Not Found', headers: { 'content-type': 'text/plain' } }),
      // Nailgun's responses are never cached (handlers/base.py sets these on every answer).
      headers: () => ({ 'cache-control': 'store, no-cache, must-revalidate, post-check=0, pre-check=0', pragma: 'no-cache' }),
    });
  }

  /** Listens on 127.0.0.1:`port` (0 = ephemeral) and resolves with the actual port. */
  async listen(port = 0): Promise<number> {
    return this.server.listen(port);
  }

  /** `http://127.0.0.1:<port>`: the Fuel URL clients are given (the master's :8000). */
  get url(): string {
    if (this.server.port === undefined) throw new Error('the Fuel simulator is not listening');
    return this.server.origin;
  }

  async close(): Promise<void> {
    this.orchestrator.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.server.close();
  }

  /** Back to an empty master (the sandbox seeds it again): no task runs on, no agent registers late. */
  reset(): void {
    this.orchestrator.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.store.clear();
    this.ips.next = FIRST_AGENT_IP;
    this.agentEvents.length = 0;
  }

  // ---- seeding -------------------------------------------------------------------------------

  /** A new environment (status `new` until a node is added or deployed). Returns its JSON. */
  addEnvironment(name: string, spec: Omit<ClusterSpec, 'name'> = {}): Record<string, unknown> {
    const cluster = createCluster(this.store, { release_id: this.store.release.id, mode: 'ha_compact', net_provider: 'neutron', ...spec, name });
    return clusterJson(this.store, cluster);
  }

  /**
   * A node already deployed with `roles` on `machine` (as if provisioned and deployed earlier):
   * status ready, fqdn set, default NIC assignment and volumes; the environment becomes operational.
   * `name` renames it (as an operator does in the Fuel UI); default `Untitled (<mac tail>)`.
   */
  addReadyNode(machine: Machine, clusterId: number, roles: readonly string[], name?: string): Record<string, unknown> {
    const node = registerNode(this.store, agentBody(machine, leaseAdminIp(this.ips)), machine.name);
    if (name !== undefined) node.name = name;
    const cluster = this.store.cluster(clusterId);
    joinCluster(this.store, node, clusterId, []);
    node.roles = [...roles];
    node.pending_addition = false;
    node.status = 'ready';
    node.progress = 100;
    node.fqdn = this.store.fqdn(node);
    resetVolumes(node, this.store.release);
    // A deployed environment has nothing pending, and this node brought nothing new.
    cluster.changes = cluster.changes.filter((c) => c.node_id !== null && c.node_id !== node.id);
    cluster.status = 'operational';
    return nodeJson(this.store, node);
  }

  /** Called when a node reaches `ready` at the end of a deployment (the sandbox adds it as a hypervisor). */
  onNodeReady(listener: (event: NodeReadyEvent) => void): void {
    this.readyListeners.push(listener);
  }

  /**
   * Listens to the world's boots: a machine that boots from `pxe` runs the bootstrap agent, which
   * registers it (POST /api/nodes semantics) after `discoverDelayMs`; on 409 it updates instead.
   */
  attachWorld(world: HardwareWorld, options: { discoverDelayMs?: number } = {}): void {
    this.world = world;
    this.discoverDelayMs = options.discoverDelayMs ?? 1000;
    world.onBoot((event) => {
      if (event.device === 'pxe') this.scheduleAgent(event.machine);
    });
  }

  // ---- faults (fuel-api.md §6.6) -------------------------------------------------------------

  /** The node (by id, admin MAC, or world machine name) fails in that phase of its next task. */
  failNode(phase: 'provision' | 'deploy', node: { id?: number; mac?: string; machine?: string }): void {
    if (node.id !== undefined) this.failingNodes.set(`id:${node.id}`, phase);
    if (node.mac !== undefined) this.failingNodes.set(`mac:${node.mac.toLowerCase()}`, phase);
    if (node.machine !== undefined) this.failingNodes.set(`machine:${node.machine}`, phase);
  }

  /** Every token issued so far is refused (401) from now on: clients must log in again. */
  expireTokens(): void {
    this.keystone.expireAll();
  }

  /** The machine's agent never registers (the host did not really PXE-boot), and it reads offline. */
  silenceAgent(machine: string): void {
    this.silentMachines.add(machine);
  }

  /** Agents POST twice (cron ran again before they stored the id): the second gets 409 and updates. */
  duplicateRegistrations(on = true): void {
    this.registerTwice = on;
  }

  /** No HTTP fault (`faults` reset) and no node, agent or registration fault. */
  clearFaults(): void {
    this.faults.reset();
    this.failingNodes.clear();
    this.silentMachines.clear();
    this.registerTwice = false;
  }

  // ---- internals -----------------------------------------------------------------------------

  private versionJson(): Record<string, unknown> {
    return {
      release: this.fuelVersion, api: '1', build_number: '58', build_id: '2014-12-26_14-25-46', nailgun_sha: 'sim', astute_sha: 'sim', fuellib_sha: 'sim',
      ostf_sha: 'sim', feature_groups: ['mirantis'], auth_required: this.authRequired, release_versions: {},
    };
  }

  private scheduleAgent(machine: Machine): void {
    if (this.silentMachines.has(machine.name)) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.runAgent(machine);
    }, this.discoverDelayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** The agent's first run: POST, and on 409/403 fall back to PUT /nodes/agent. */
  private runAgent(machine: Machine): void {
    if (this.silentMachines.has(machine.name) || machine.power !== 'on') return;
    const body = agentBody(machine, leaseAdminIp(this.ips));
    for (let run = 0; run < (this.registerTwice ? 2 : 1); run += 1) {
      try {
        const node = registerNode(this.store, body, machine.name);
        this.agentEvents.push({ machine: machine.name, outcome: 'registered', nodeId: node.id });
      } catch (error) {
        if (!(error instanceof FuelApiError) || (error.status !== 409 && error.status !== 403)) throw error;
        const answer = agentUpdate(this.store, body);
        this.agentEvents.push({ machine: machine.name, outcome: 'conflict', nodeId: answer.id as number });
      }
    }
  }

  private emitReady(node: SimNode): void {
    const event: NodeReadyEvent = { node: nodeJson(this.store, node), machine: node.machine };
    for (const listener of this.readyListeners) listener(event);
  }

  /**
   * An erased node's machine reboots into bootstrap (Astute's erase_node sets network boot and
   * reboots it): a PXE boot of the world's machine, so everything watching the world sees it, and
   * its agent registers it again, with a new id. A machine that is off stays off.
   */
  private rebootIntoBootstrap(node: SimNode): void {
    const machine = node.machine ? this.world?.get(node.machine) : undefined;
    if (!this.world || !machine || machine.power !== 'on') return;
    this.world.setBootOverride(machine.name, 'pxe');
    this.world.reset(machine.name);
  }

  /** `POST /keystone/v2.0/tokens`, fake mode's Keystone. */
  private answerKeystone(req: SimRequest): SimResponse {
    if (req.path.replace(/\/+$/, '') !== '/tokens') return { status: 404, text: '404 Not Found', headers: { 'content-type': 'text/plain' } };
    if (req.method !== 'POST') return keystoneError(req, 405, 'Use POST');
    if (parseJsonBody(req) !== undefined || req.body === undefined) return keystoneError(req, 400, 'Malformed request body');
    const [status, answer] = this.keystone.issue(req.body);
    return json(status, answer);
  }

  /** Nailgun below `/api` or `/api/v1`: content type, size, route, token, JSON, in that order. */
  private async answerApi(req: SimRequest): Promise<SimResponse> {
    const contentType = req.headers['content-type'];
    // A missing Content-Type is treated as JSON; anything else but JSON is refused.
    if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType)) return this.fail(415, 'Unsupported Media Type');
    if (req.bodyText === null) return this.fail(413, 'Request body too large');
    const match = this.routes.router.match(req.method, req.path);
    if (match.kind === 'not-found') return this.fail(404, 'Not Found');
    if (match.kind === 'method-not-allowed') return { ...this.fail(405, 'Method Not Allowed'), headers: { allow: match.allowed.join(', '), 'content-type': 'application/json' } };
    if (this.authRequired && !this.routes.isPublic(match.handler) && !this.keystone.valid(tokenOf(req))) {
      return json(401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }, {
        'www-authenticate': `Keystone uri='${this.url}/keystone/v2.0'`,
      });
    }
    req.params = match.params;
    if (parseJsonBody(req) === 'malformed') return this.fail(400, 'Invalid JSON data'); // inferred text (BasicValidator.validate_json)
    try {
      return await match.handler(req, this.context);
    } catch (error) {
      if (error instanceof FuelApiError) return this.fail(error.status, error.message);
      return this.fail(500, error instanceof Error ? error.message : String(error));
    }
  }

  /** An error answer in the configured version's format (6.0 keeps the JSON Content-Type on plain text). */
  private fail(status: number, message: string): SimResponse {
    if (this.errorFormat === '6.0') return { status, text: message, headers: { 'content-type': 'application/json' } };
    return json(status, { message, errors: [] });
  }
}

function tokenOf(req: SimRequest): string | undefined {
  const fromHeader = header(req, 'x-auth-token');
  if (fromHeader) return fromHeader;
  const cookie = /(?:^|;\s*)token=([^;]+)/.exec(req.headers.cookie ?? '');
  return cookie?.[1];
}

/** Keystone v2.0's error body. */
function keystoneError(_req: SimRequest, status: number, message: string): SimResponse {
  const titles: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 405: 'Method Not Allowed' };
  return json(status, { error: { code: status, title: titles[status] ?? 'Error', message } });
}
