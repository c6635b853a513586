/**
 * The Redfish power driver: a host's BMC over HTTP(S), DMTF Redfish (ipmi.md §5).
 *
 * One driver call is one short conversation, serialised per BMC through `bmcQueue`:
 *   GET /redfish/v1/ (unauthenticated, as the standard requires) → log in (a session from the
 *   SessionService, or Basic when the service has none) → Systems → the first member → the
 *   call's PATCH / Reset → DELETE the session.
 * A session per call rather than one kept open: BMCs have a handful of session slots, a driver
 * has no close(), and a host step makes only a few calls.
 *
 * `timeoutMs` bounds the conversation, retries included; the logout afterwards has its own short
 * budget (LOGOUT_BUDGET_MS) and never fails the call (the BMC expires forgotten sessions).
 */
import { InternalError } from '../errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../http/transport.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../http/retry.js';
import { bmcQueue, type OneAtATime } from './one-at-a-time.js';
import type { PowerDriver, PowerState } from './power.js';
import type { BmcSpec } from '../config/types.js';
import { Deadline, RedfishHttp, isRecord, type RedfishRequest, type RedfishResponse } from './redfish-http.js';

export interface RedfishDriverOptions {
  /**
   * Retries of one request (connection failures, 5xx) within the call's `timeoutMs`.
   * @default { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 2000, random: Math.random }
   */
  retry?: Partial<RetryPolicy>;
  /** Where calls to one BMC queue. @default bmcQueue (one per process) */
  queue?: OneAtATime;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const LOGOUT_BUDGET_MS = 2_000;
const SERVICE_ROOT = '/redfish/v1/';
const DEFAULT_SESSIONS = '/redfish/v1/SessionService/Sessions';
const ACCEPTED = [200, 202, 204] as const;
/** What a session POST answers when the service does not do sessions after all. */
const NO_SESSIONS = [404, 405, 501] as const;

/** Preferred ResetType first; the first one the system allows is sent. */
const RESET_TO_BOOT_WHEN_ON = ['ForceRestart', 'PowerCycle'];
const RESET_TO_POWER_ON = ['On'];
const RESET_TO_POWER_OFF = ['ForceOff'];

interface Call {
  deadline: Deadline;
  auth: Record<string, string>;
  root: Record<string, unknown>;
}

interface Login {
  auth: Record<string, string>;
  /** The session to DELETE afterwards; none with Basic. */
  sessionPath?: string;
}

/** What the driver reads of a ComputerSystem. */
interface SystemView {
  path: string;
  /** The ETag header, else `@odata.etag`: sent back as If-Match on the PATCH. */
  etag: string | undefined;
  power: PowerState;
  bootEnabled: string | undefined;
  bootTarget: string | undefined;
  /** `BootSourceOverrideTarget@Redfish.AllowableValues`, when the BMC lists them. */
  bootTargets: string[] | undefined;
  resetTarget: string;
  /** `ResetType@Redfish.AllowableValues`, when the BMC lists them. */
  resetTypes: string[] | undefined;
}

export class RedfishDriver implements PowerDriver {
  readonly description: string;
  private readonly http: RedfishHttp;
  private readonly queue: OneAtATime;
  private readonly queueKey: string;
  private readonly timeoutMs: number;
  /** Session tokens of calls in progress, masked like the password. */
  private readonly tokens = new Set<string>();

  constructor(private readonly spec: BmcSpec, options: RedfishDriverOptions = {}) {
    if (spec.driver !== 'redfish') throw new InternalError(`RedfishDriver built for a ${spec.driver} BMC (${spec.address})`);
    const scheme = spec.scheme ?? 'https';
    const port = spec.port ?? (scheme === 'http' ? 80 : 443);
    const host = spec.address.includes(':') ? `[${spec.address}]` : spec.address; // IPv6 literal
    this.description = `redfish ${scheme}://${host}:${port}`;
    this.queueKey = `${spec.address}:${port}`;
    this.queue = options.queue ?? bmcQueue;
    this.timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const basic = Buffer.from(`${spec.username}:${spec.password}`).toString('base64');
    this.http = new RedfishHttp({
      scheme,
      address: spec.address,
      port,
      verifyTls: spec.verifyTls ?? true,
      username: spec.username,
      secrets: () => [spec.password, basic, ...this.tokens],
      retry: { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 2000, random: DEFAULT_RETRY_POLICY.random, ...options.retry },
      description: this.description,
      maxResponseBytes: spec.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    });
  }

  powerState(): Promise<PowerState> {
    return this.conversation(async (call) => (await this.readSystem(call)).power);
  }

  powerOn(): Promise<void> {
    return this.conversation(async (call) => {
      const system = await this.readSystem(call);
      if (system.power !== 'on') await this.reset(call, system, RESET_TO_POWER_ON);
    });
  }

  powerOff(): Promise<void> {
    return this.conversation(async (call) => {
      const system = await this.readSystem(call);
      if (system.power !== 'off') await this.reset(call, system, RESET_TO_POWER_OFF);
    });
  }

  bootFromNetwork(): Promise<void> {
    return this.conversation(async (call) => {
      const system = await this.readSystem(call);
      await this.setOneTimePxe(call, system);
      // Straight after the PATCH: some BMCs forget a one-time override after about a minute.
      await this.reset(call, system, system.power === 'on' ? RESET_TO_BOOT_WHEN_ON : RESET_TO_POWER_ON);
    });
  }

  /** Runs `work` in this BMC's turn, logged in, within `timeoutMs`; logs out afterwards. */
  private conversation<T>(work: (call: Call) => Promise<T>): Promise<T> {
    return this.queue.run(this.queueKey, async () => {
      const deadline = new Deadline(this.timeoutMs);
      const root = await this.serviceRoot(deadline);
      const login = await this.login(root, deadline);
      try {
        return await work({ deadline, auth: login.auth, root });
      } finally {
        await this.logout(login);
      }
    });
  }

  private send(call: Pick<Call, 'deadline' | 'auth'>, req: RedfishRequest): Promise<RedfishResponse> {
    return this.http.send(req, call.deadline, call.auth);
  }

  /** The service root, which Redfish serves without credentials; some BMCs want them anyway. */
  private async serviceRoot(deadline: Deadline): Promise<Record<string, unknown>> {
    const read = { method: 'GET', path: SERVICE_ROOT, repeatable: true } as const;
    let res = await this.http.send({ ...read, okCodes: [200, 401] }, deadline, {});
    if (res.status === 401) res = await this.http.send({ ...read, okCodes: [200] }, deadline, this.basicAuth());
    if (!isRecord(res.body)) throw this.http.badAnswer(`GET ${SERVICE_ROOT} did not answer a Redfish service root`);
    return res.body;
  }

  private async login(root: Record<string, unknown>, deadline: Deadline): Promise<Login> {
    const sessions = linkOf(root.Links, 'Sessions') ?? (isRecord(root.SessionService) ? DEFAULT_SESSIONS : undefined);
    if (sessions === undefined) return { auth: this.basicAuth() };
    const res = await this.http.send(
      {
        method: 'POST',
        path: this.http.pathOf(sessions),
        body: { UserName: this.spec.username, Password: this.spec.password },
        okCodes: [200, 201, ...NO_SESSIONS],
        repeatable: false,
      },
      deadline,
      {},
    );
    if ((NO_SESSIONS as readonly number[]).includes(res.status)) return { auth: this.basicAuth() };
    const token = res.headers['x-auth-token'];
    if (!token) throw this.http.badAnswer(`POST ${sessions} created a session without an X-Auth-Token`);
    this.tokens.add(token);
    const location = res.headers.location ?? (isRecord(res.body) && typeof res.body['@odata.id'] === 'string' ? res.body['@odata.id'] : undefined);
    return { auth: { 'X-Auth-Token': token }, ...(location !== undefined ? { sessionPath: this.http.pathOf(location) } : {}) };
  }

  private async logout(login: Login): Promise<void> {
    const token = login.auth['X-Auth-Token'];
    try {
      if (login.sessionPath === undefined) return;
      const deadline = new Deadline(Math.min(LOGOUT_BUDGET_MS, this.timeoutMs));
      await this.send({ deadline, auth: login.auth }, { method: 'DELETE', path: login.sessionPath, okCodes: [...ACCEPTED, 404], repeatable: true });
    } catch {
      // Best effort: the call's outcome stands, and the BMC drops the session when it expires.
    } finally {
      if (token !== undefined) this.tokens.delete(token);
    }
  }

  private basicAuth(): Record<string, string> {
    return { Authorization: `Basic ${Buffer.from(`${this.spec.username}:${this.spec.password}`).toString('base64')}` };
  }

  /** The first member of the Systems collection: a BMC manages one machine. */
  private async readSystem(call: Call): Promise<SystemView> {
    const systems = linkOf(call.root, 'Systems');
    if (systems === undefined) throw this.http.badAnswer('the service root has no Systems collection');
    const collection = await this.send(call, { method: 'GET', path: this.http.pathOf(systems), okCodes: [200], repeatable: true });
    const members = isRecord(collection.body) && Array.isArray(collection.body.Members) ? collection.body.Members : [];
    const first = linkOf({ first: members[0] }, 'first');
    if (first === undefined) throw this.http.badAnswer(`${systems} lists no system`);
    return this.readSystemAt(call, this.http.pathOf(first));
  }

  private async readSystemAt(call: Call, path: string): Promise<SystemView> {
    const res = await this.send(call, { method: 'GET', path, okCodes: [200], repeatable: true });
    if (!isRecord(res.body)) throw this.http.badAnswer(`GET ${path} did not answer a ComputerSystem`);
    const system = res.body;
    const boot = isRecord(system.Boot) ? system.Boot : {};
    const actions = isRecord(system.Actions) ? system.Actions : {};
    const reset = isRecord(actions['#ComputerSystem.Reset']) ? actions['#ComputerSystem.Reset'] : {};
    const etag = res.headers.etag ?? (typeof system['@odata.etag'] === 'string' ? system['@odata.etag'] : undefined);
    return {
      path,
      etag,
      power: this.powerOf(system.PowerState, path),
      bootEnabled: stringOf(boot.BootSourceOverrideEnabled),
      bootTarget: stringOf(boot.BootSourceOverrideTarget),
      bootTargets: stringsOf(boot['BootSourceOverrideTarget@Redfish.AllowableValues']),
      // The standard's own location of the action, for BMCs that omit the target.
      resetTarget: this.http.pathOf(stringOf(reset.target) ?? `${path.replace(/\/$/, '')}/Actions/ComputerSystem.Reset`),
      resetTypes: stringsOf(reset['ResetType@Redfish.AllowableValues']),
    };
  }

  private powerOf(value: unknown, path: string): PowerState {
    // A transition counts as where it is going: a host powering on will boot.
    if (value === 'On' || value === 'PoweringOn' || value === 'Paused') return 'on';
    if (value === 'Off' || value === 'PoweringOff') return 'off';
    throw this.http.badAnswer(`${path} reports no known PowerState (${JSON.stringify(value ?? null)})`);
  }

  /** PATCH Boot to PXE once, with If-Match when the system has an etag. */
  private async setOneTimePxe(call: Call, system: SystemView): Promise<void> {
    if (system.bootTargets !== undefined && !system.bootTargets.includes('Pxe')) {
      throw this.http.badAnswer(`${system.path} does not offer Pxe as a boot override (it offers ${system.bootTargets.join(', ') || 'nothing'})`);
    }
    const patch = (etag: string | undefined, okCodes: readonly number[]): Promise<RedfishResponse> =>
      this.send(call, {
        method: 'PATCH',
        path: system.path,
        body: { Boot: { BootSourceOverrideEnabled: 'Once', BootSourceOverrideTarget: 'Pxe' } },
        ...(etag !== undefined ? { headers: { 'If-Match': etag } } : {}),
        okCodes,
        // The same values again do no harm; a repeat after a lost answer meets 412, handled below.
        repeatable: true,
      });
    const res = await patch(system.etag, [...ACCEPTED, 412]);
    if (res.status !== 412) return;
    // The system changed since it was read (or an earlier attempt of this PATCH went through):
    // read it again, and patch once more only if the override is not already what we want.
    const fresh = await this.readSystemAt(call, system.path);
    if (fresh.bootEnabled === 'Once' && fresh.bootTarget === 'Pxe') return;
    await patch(fresh.etag, ACCEPTED);
  }

  /** POSTs the Reset action with the first of `preferred` the system allows. Never repeated. */
  private async reset(call: Call, system: SystemView, preferred: readonly string[]): Promise<void> {
    const resetType = preferred.find((t) => system.resetTypes === undefined || system.resetTypes.includes(t));
    if (resetType === undefined) {
      throw this.http.badAnswer(`${system.path} allows none of the ResetTypes ${preferred.join(', ')} (it allows ${system.resetTypes?.join(', ') || 'nothing'})`);
    }
    await this.send(call, { method: 'POST', path: system.resetTarget, body: { ResetType: resetType }, okCodes: ACCEPTED, repeatable: false });
  }
}

/** `owner[key]['@odata.id']`, Redfish's link shape. */
function linkOf(owner: unknown, key: string): string | undefined {
  if (!isRecord(owner)) return undefined;
  const link = owner[key];
  return isRecord(link) && typeof link['@odata.id'] === 'string' ? link['@odata.id'] : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stringsOf(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}
