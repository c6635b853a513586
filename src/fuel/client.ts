import type { FuelConfig } from '../config/types.js';
import { PumphouseError } from '../errors.js';
import { nullSink, type EventSink } from '../events/sink.js';
import { Redactor } from '../http/redact.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../http/retry.js';
import { createAgents, type Agents } from '../http/tls.js';
import type { HttpMethod, TokenSource } from '../http/transport.js';
import { KeystoneV2Session, type FuelCredentials } from './auth.js';
import { FUEL_CODES } from './codes.js';
import { FUEL_SERVICE, FuelHttpError, asFuelError } from './errors.js';
import { FuelTransport } from './transport.js';
import { done, pending, waitFor } from '../wait.js';
import type {
  FuelAssignment, FuelCluster, FuelDisk, FuelDiskUpdate, FuelInterface, FuelInterfaceUpdate, FuelNetProvider,
  FuelNetworkConfiguration, FuelNode, FuelRelease, FuelTask, FuelVersion,
} from './types.js';

/**
 * The Fuel (Nailgun) REST client: one method per call of fuel-api.md §5, over the project's
 * Transport. Every failure is a PumphouseError with a PH19xx code (codes.ts) whose message names
 * the call and Fuel's own text.
 */

export interface FuelConnectOptions extends FuelCredentials {
  /** The master's base URL, `http://<master>:8000`; a trailing `/api` or `/api/v1` is accepted. */
  url: string;
  /** Per attempt of a request. @default 60000 */
  timeoutMs?: number;
  /** Per call, retries included (settings.http.deadline_seconds). @default twice timeoutMs */
  deadlineMs?: number;
  /** The largest answer read into memory (settings.http.max_response_bytes). @default 64 MiB */
  maxResponseBytes?: number;
  /** For messages and events. @default "fuel" */
  label?: string;
  events?: EventSink;
  /** Overrides of the retry policy (tests use a tiny base delay). */
  retry?: Partial<RetryPolicy>;
  /** Clock for token expiry. @default Date.now */
  now?: () => number;
}

export interface PollOptions {
  /** @default 1000 (fuelclient polls every 0.5–1 s) */
  intervalMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface CallOptions {
  body?: unknown;
  okCodes?: readonly number[];
  retrySafe?: boolean;
}

export class FuelClient {
  /** Whether Nailgun wants a token (GET /version said so, or answered 401). */
  readonly authRequired: boolean;

  constructor(
    private readonly transport: FuelTransport,
    private readonly agents: Agents,
    /** `<master>` without the API prefix. */
    readonly baseUrl: string,
    private readonly session: KeystoneV2Session | undefined,
  ) {
    this.authRequired = session !== undefined;
  }

  /** Tokens issued so far (0 when Fuel needs none). */
  get authentications(): number {
    return this.session?.authentications ?? 0;
  }

  version(): Promise<FuelVersion> {
    return this.call<FuelVersion>('GET', '/version');
  }

  releases(): Promise<FuelRelease[]> {
    return this.list<FuelRelease>('/releases/');
  }

  clusters(): Promise<FuelCluster[]> {
    return this.list<FuelCluster>('/clusters/');
  }

  cluster(id: number): Promise<FuelCluster> {
    return this.call<FuelCluster>('GET', `/clusters/${id}/`);
  }

  /** The environment called `name`. @throws PH1909 listing the names that exist */
  async clusterByName(name: string): Promise<FuelCluster> {
    const clusters = await this.clusters();
    const found = clusters.find((c) => c.name === name);
    if (found) return found;
    const names = clusters.map((c) => `"${c.name}"`).join(', ') || 'none';
    throw new PumphouseError(FUEL_CODES.environmentNotFound, `Fuel has no environment named "${name}" (environments: ${names})`, {
      hint: 'set the Fuel environment name in the config to one of those (Fuel UI: Environments)',
    });
  }

  /** All nodes; `clusterId: null` lists unassigned nodes only (`?cluster_id=`). */
  nodes(filter: { clusterId?: number | null } = {}): Promise<FuelNode[]> {
    const query = filter.clusterId === undefined ? '' : `?cluster_id=${filter.clusterId ?? ''}`;
    return this.list<FuelNode>(`/nodes/${query}`);
  }

  node(id: number): Promise<FuelNode> {
    return this.call<FuelNode>('GET', `/nodes/${id}/`);
  }

  /** Nodes join `clusterId` with pending roles; Fuel lays out their NICs and disks by default. */
  async assign(clusterId: number, assignments: readonly FuelAssignment[]): Promise<void> {
    await this.call<unknown>('POST', `/clusters/${clusterId}/assignment/`, { body: assignments.map((a) => ({ id: a.id, roles: [...a.roles] })), okCodes: [200, 201] });
  }

  /** Discover nodes leave at once; others are marked pending_deletion for the next deploy. */
  async unassign(clusterId: number, nodeIds: readonly number[]): Promise<void> {
    await this.call<unknown>('POST', `/clusters/${clusterId}/unassignment/`, { body: nodeIds.map((id) => ({ id })), okCodes: [200, 201] });
  }

  /** PUT /nodes/{id} with a new name (what the Fuel UI shows; `Untitled (…)` after registration). */
  renameNode(id: number, name: string): Promise<FuelNode> {
    return this.call<FuelNode>('PUT', `/nodes/${id}/`, { body: { name }, retrySafe: true });
  }

  disks(nodeId: number): Promise<FuelDisk[]> {
    return this.list<FuelDisk>(`/nodes/${nodeId}/disks/`);
  }

  /** Answers the layout as Fuel recomputed it. */
  setDisks(nodeId: number, disks: readonly FuelDiskUpdate[]): Promise<FuelDisk[]> {
    return this.list<FuelDisk>(`/nodes/${nodeId}/disks/`, 'PUT', { body: disks, retrySafe: true });
  }

  interfaces(nodeId: number): Promise<FuelInterface[]> {
    return this.list<FuelInterface>(`/nodes/${nodeId}/interfaces/`);
  }

  setInterfaces(nodeId: number, nics: readonly FuelInterfaceUpdate[]): Promise<FuelInterface[]> {
    return this.list<FuelInterface>(`/nodes/${nodeId}/interfaces/`, 'PUT', { body: nics, retrySafe: true });
  }

  networkConfiguration(clusterId: number, provider: FuelNetProvider): Promise<FuelNetworkConfiguration> {
    return this.call<FuelNetworkConfiguration>('GET', `/clusters/${clusterId}/network_configuration/${provider}/`);
  }

  /** Provisions (installs the OS on) these nodes only. */
  provision(clusterId: number, nodeIds: readonly number[]): Promise<FuelTask> {
    return this.startTask(`/clusters/${clusterId}/provision/?nodes=${nodeIds.join(',')}`);
  }

  /** Deploys these nodes only; unlike deployChanges, other pending nodes are left alone. */
  deploy(clusterId: number, nodeIds: readonly number[]): Promise<FuelTask> {
    return this.startTask(`/clusters/${clusterId}/deploy/?nodes=${nodeIds.join(',')}`);
  }

  /** `PUT /changes`: deploys every pending change of the environment (supertask `deploy`). */
  deployChanges(clusterId: number): Promise<FuelTask> {
    return this.startTask(`/clusters/${clusterId}/changes/`);
  }

  task(id: number): Promise<FuelTask> {
    return this.call<FuelTask>('GET', `/tasks/${id}/`);
  }

  tasks(clusterId?: number): Promise<FuelTask[]> {
    return this.list<FuelTask>(`/tasks/${clusterId === undefined ? '' : `?cluster_id=${clusterId}`}`);
  }

  async deleteNode(id: number): Promise<void> {
    await this.call<unknown>('DELETE', `/nodes/${id}/`, { okCodes: [200, 204] });
  }

  /**
   * Polls the task until it is `ready` (returned) or `error`.
   * @throws PH1908 with Fuel's message (which names the failed nodes); PH1912 on timeout
   */
  waitForTask(id: number, options: PollOptions & { onProgress?: (task: FuelTask) => void } = {}): Promise<FuelTask> {
    const probe = async () => {
      const task = await this.task(id);
      options.onProgress?.(task);
      if (task.status === 'ready') return done(task);
      if (task.status === 'error') {
        throw new PumphouseError(FUEL_CODES.taskFailed, `Fuel task ${task.name} #${task.id} failed: ${task.message ?? 'no message'}`, {
          hint: 'look at the nodes the message names in the Fuel UI (Logs tab: astute and puppet logs of that node)',
        });
      }
      return pending(task);
    };
    return waitFor(probe, {
      intervalMs: options.intervalMs ?? 1000,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      timeoutError: (task) =>
        new PumphouseError(FUEL_CODES.waitTimeout, `Fuel task ${task.name} #${task.id} is still ${task.status} at ${task.progress}% after ${options.timeoutMs} ms`, {
          hint: 'a real provision takes 5–15 min and a compute deployment 10–30 min; raise the timeout or look at the task in the Fuel UI',
        }),
    });
  }

  /** Closes the keep-alive sockets; the client is unusable afterwards. */
  close(): void {
    this.agents.destroy();
  }

  private async startTask(path: string): Promise<FuelTask> {
    // 202 when started; 9.0+ answers 200 with a task that is already ready or error.
    return this.call<FuelTask>('PUT', path, { body: {}, okCodes: [200, 202] });
  }

  private async list<T>(path: string, method: HttpMethod = 'GET', options: CallOptions = {}): Promise<T[]> {
    const data = await this.call<unknown>(method, path, options);
    if (!Array.isArray(data)) {
      throw new PumphouseError(FUEL_CODES.badResponse, `Fuel ${method} /api/v1${path}: expected a JSON list, got ${data === null ? 'null' : typeof data}`, {
        hint: 'the URL may not point at the Fuel master (nailgun answers collections as plain JSON arrays)',
      });
    }
    return data as T[];
  }

  private async call<T>(method: HttpMethod, path: string, options: CallOptions = {}): Promise<T> {
    const displayPath = `/api/v1${path}`;
    try {
      const res = await this.transport.send<T>({
        service: FUEL_SERVICE, method, url: `${this.baseUrl}${displayPath}`, displayPath,
        okCodes: options.okCodes ?? [200], ...(options.body !== undefined ? { body: options.body } : {}),
        ...(options.retrySafe ? { retrySafe: true } : {}), ...(this.session ? { auth: this.session as TokenSource } : {}),
      });
      return res.data;
    } catch (error) {
      throw asFuelError(error, `${method} ${displayPath}`);
    }
  }
}

/** The connection options of pumphouse.yaml's `fuel` (and its `settings`: timeout, limits). */
export function fuelConnectOptions(fuel: FuelConfig, events: EventSink): FuelConnectOptions {
  return {
    url: fuel.url, username: fuel.username, password: fuel.password, events,
    ...(fuel.timeoutMs !== undefined ? { timeoutMs: fuel.timeoutMs } : {}),
    ...(fuel.deadlineMs !== undefined ? { deadlineMs: fuel.deadlineMs } : {}),
    ...(fuel.maxResponseBytes !== undefined ? { maxResponseBytes: fuel.maxResponseBytes } : {}),
  };
}

/**
 * Connects to the Fuel master: reads GET /api/version (public up to 9.x; a 401 there means 10+
 * which always wants a token) and logs in to its keystone when auth is required.
 * @throws PH1901 (credentials refused), PH1907 (master unreachable), PH1910 (not a Fuel master)
 */
export async function connectFuel(options: FuelConnectOptions): Promise<FuelClient> {
  const baseUrl = options.url.replace(/\/+$/, '').replace(/\/api(\/v1)?$/, '');
  const label = options.label ?? 'fuel';
  const agents = createAgents({ verify: true });
  const transport = new FuelTransport({
    cloud: label,
    events: options.events ?? nullSink,
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
    ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    agents,
    userAgent: 'pumphouse',
    redactor: new Redactor([options.password]),
    maxInFlight: 4,
  });
  try {
    const probe = new FuelClient(transport, agents, baseUrl, undefined);
    let authRequired: boolean;
    try {
      authRequired = (await probe.version()).auth_required !== false;
    } catch (error) {
      if (!(error instanceof FuelHttpError && error.status === 401)) throw error;
      authRequired = true;
    }
    if (!authRequired) return probe;
    const session = new KeystoneV2Session(transport, baseUrl, options, options.now);
    await session.token();
    return new FuelClient(transport, agents, baseUrl, session);
  } catch (error) {
    agents.destroy();
    throw error;
  }
}
