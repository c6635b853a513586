/**
 * Redfish BMCs for the sandbox: a view of HardwareWorld's machines over HTTP (REDFISH.md).
 *
 * One node:http server per machine, each on its own 127.0.0.1 ephemeral port. Redfish fixes the
 * service root at /redfish/v1, a BMC is addressed by host and port only (BmcSpec has no base
 * path), and drivers serialise calls per `address:port`: one port per BMC keeps all three true.
 *
 * HTTP, TLS and faults (`bmc.faults`, the `/_sandbox/faults` route) are the simulator's one
 * pipeline (pipeline.ts); this module is the Redfish service behind it.
 *
 * Invariants:
 * - binds 127.0.0.1 only; `close()` resolves after every socket is closed, hung ones included;
 * - the world is the only state of a machine: PowerState and Boot are read from it on every
 *   request, and `@odata.etag` is a hash of the representation and the boot count, so it changes
 *   whenever the machine does, whoever changed it (this BMC, another driver, a test);
 * - errors have Redfish's shape: `{"error":{"code","message","@Message.ExtendedInfo":[…]}}`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { FaultInjector, type FaultConfig } from '../faults.js';
import { json, header, Router, type SimRequest, type SimResponse } from '../http.js';
import { parseJsonBody, SimServer } from '../pipeline.js';
import type { BootDevice, HardwareWorld, Machine } from './world.js';

export interface RedfishBmcOptions {
  /** @default "admin" */
  username?: string;
  /** @default "password" */
  password?: string;
  /** Offer the SessionService; without it clients must use Basic. @default true */
  sessionService?: boolean;
  /** Refuse a PATCH without If-Match (428), as some BMCs do. @default false */
  requireIfMatch?: boolean;
  /** The system's id in /redfish/v1/Systems/<id> (Dell: System.Embedded.1, HPE: 1). @default "1" */
  systemId?: string;
  /** `BootSourceOverrideTarget@Redfish.AllowableValues`. @default ["None", "Pxe", "Hdd"] */
  bootTargets?: string[];
  /** Serve https with this key and certificate (PEM), as real BMCs do (self-signed). @default plain http */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** HTTP faults from the start (faults.ts): `unresponsive`, `latencyMs`, `failCalls`, … */
  faults?: Partial<FaultConfig>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Undefined while unanswered (a hung BMC never answers). */
  status: number | undefined;
  /** How the request authenticated, as this BMC judged it. */
  auth: 'session' | 'basic' | 'none' | 'refused';
  ifMatch: string | undefined;
}

const ROOT = '/redfish/v1';
const SESSIONS = `${ROOT}/SessionService/Sessions`;
const RESET_TYPES = ['On', 'ForceOff', 'GracefulShutdown', 'ForceRestart', 'GracefulRestart', 'PowerCycle'];
/** The world models a one-time override only; Continuous is refused. */
const OVERRIDE_MODES = ['Disabled', 'Once'];
const MAX_BODY_BYTES = 64 * 1024;

type Auth = RecordedRequest['auth'];
interface Context { bmc: SimulatedRedfishBmc; auth: Auth }

/** One machine's BMC. Settings and faults may be changed while it runs. */
export class SimulatedRedfishBmc {
  readonly address = '127.0.0.1';
  readonly scheme: 'http' | 'https';
  readonly username: string;
  readonly password: string;
  readonly systemId: string;
  readonly bootTargets: readonly string[];
  sessionService: boolean;
  requireIfMatch: boolean;
  /**
   * HTTP faults of this BMC (faults.ts): `unresponsive` accepts requests and never answers them
   * (a wedged BMC), `latencyMs` delays every answer, `failCalls` fails matching requests in
   * Redfish's shape.
   */
  readonly faults: FaultInjector;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  sessionsCreated = 0;
  /** token → session id */
  private readonly sessions = new Map<string, string>();
  private readonly listeners: ((request: RecordedRequest) => void)[] = [];
  private readonly records = new WeakMap<SimRequest, RecordedRequest>();
  private readonly server: SimServer;

  constructor(
    readonly world: HardwareWorld,
    readonly machineName: string,
    options: RedfishBmcOptions,
    private readonly inFlightHook: (delta: 1 | -1) => void,
  ) {
    if (!world.get(machineName)) throw new Error(`no machine ${machineName} in the world`);
    this.username = options.username ?? 'admin';
    this.password = options.password ?? 'password';
    this.sessionService = options.sessionService ?? true;
    this.requireIfMatch = options.requireIfMatch ?? false;
    this.systemId = options.systemId ?? '1';
    this.bootTargets = options.bootTargets ?? ['None', 'Pxe', 'Hdd'];
    this.faults = new FaultInjector(options.faults);
    this.scheme = options.tls ? 'https' : 'http';
    this.server = new SimServer({
      name: machineName,
      services: [{ name: 'redfish', prefix: '', maxBodyBytes: MAX_BODY_BYTES, handle: (req) => this.route(req), error: (_req, status, message) => redfishError(status, 'InternalError', message) }],
      faults: this.faults,
      notFound: (req) => missing(req.path),
      headers: () => ({ 'odata-version': '4.0' }),
      jsonContentType: 'application/json; charset=utf-8',
      ...(options.tls ? { tls: options.tls } : {}),
      onInFlight: inFlightHook,
      onArrival: (req) => this.record(req),
      onAnswer: (req, result) => this.answered(req, result),
    });
  }

  get port(): number {
    const port = this.server.port;
    if (port === undefined) throw new Error(`the BMC of ${this.machineName} is not listening`);
    return port;
  }

  /** Requests being served now, and the most at once (> 1 shows two drivers overlapped). */
  get inFlight(): number {
    return this.server.inFlight;
  }

  get maxInFlight(): number {
    return this.server.maxInFlight;
  }

  get origin(): string {
    return `${this.scheme}://127.0.0.1:${this.port}`;
  }

  /** What pumphouse.yaml would say of this BMC (the driver's BmcSpec, structurally). */
  get spec(): { driver: 'redfish'; address: string; port: number; scheme: 'http' | 'https'; username: string; password: string } {
    return { driver: 'redfish', address: this.address, port: this.port, scheme: this.scheme, username: this.username, password: this.password };
  }

  get liveSessions(): number {
    return this.sessions.size;
  }

  get systemPath(): string {
    return `${ROOT}/Systems/${this.systemId}`;
  }

  /** Called after each answer, before the client can read it. */
  onRequest(listener: (request: RecordedRequest) => void): void {
    this.listeners.push(listener);
  }

  async listen(): Promise<number> {
    return this.server.listen(0);
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  get machine(): Machine {
    const machine = this.world.get(this.machineName);
    if (!machine) throw new Error(`machine ${this.machineName} left the world`);
    return machine;
  }

  /**
   * Current `@odata.etag`: a hash of what a GET shows and of the boot count, so any change of the
   * machine changes it, a reset included (it leaves the representation as it found it).
   */
  etag(): string {
    const shown = JSON.stringify([systemResource(this, false), this.machine.boots]);
    return `W/"${createHash('sha256').update(shown).digest('hex').slice(0, 16)}"`;
  }

  /** @returns the session id of a valid token, else undefined */
  sessionOf(token: string): string | undefined {
    return this.sessions.get(token);
  }

  openSession(): { id: string; token: string } {
    const id = randomUUID();
    const token = randomBytes(16).toString('hex');
    this.sessions.set(token, id);
    this.sessionsCreated += 1;
    return { id, token };
  }

  closeSession(id: string): boolean {
    for (const [token, sessionId] of this.sessions) {
      if (sessionId === id) return this.sessions.delete(token);
    }
    return false;
  }

  sessionIds(): string[] {
    return [...this.sessions.values()];
  }

  /** Every request is recorded as it arrives: a hung or failed one too. */
  private record(req: SimRequest): void {
    const record: RecordedRequest = { method: req.method, path: req.path, status: undefined, auth: 'none', ifMatch: header(req, 'if-match') };
    this.records.set(req, record);
    this.requests.push(record);
  }

  private answered(req: SimRequest, result: SimResponse): void {
    const record = this.records.get(req);
    if (!record) return;
    record.status = result.status;
    for (const listener of this.listeners) listener(record);
  }

  private route(req: SimRequest): SimResponse {
    const record = this.records.get(req) as RecordedRequest;
    const match = ROUTES.match(req.method, req.path);
    if (match.kind === 'not-found') return redfishError(404, 'ResourceMissingAtURI', `The resource at the URI ${req.path} was not found.`);
    if (match.kind === 'method-not-allowed') {
      return redfishError(405, 'OperationNotAllowed', `The ${req.method} operation is not allowed on ${req.path}.`, { allow: match.allowed.join(', ') });
    }
    record.auth = this.authenticate(req);
    const open = req.path.replace(/\/+$/, '') === ROOT || req.path.replace(/\/+$/, '') === '/redfish' || (req.method === 'POST' && isSessionsPath(req.path));
    if (!open && (record.auth === 'refused' || record.auth === 'none')) return unauthorized(req.path);
    const problem = parseJsonBody(req);
    if (problem === 'too-large') return redfishError(413, 'GeneralError', 'The request body is too large.');
    if (problem === 'malformed') return redfishError(400, 'MalformedJSON', 'The request body submitted was malformed JSON and could not be parsed by the receiving service.');
    req.params = match.params;
    return match.handler(req, { bmc: this, auth: record.auth }) as SimResponse;
  }

  private authenticate(req: SimRequest): Auth {
    const token = header(req, 'x-auth-token');
    if (token !== undefined) return this.sessionOf(token) !== undefined ? 'session' : 'refused';
    const authorization = header(req, 'authorization');
    if (authorization === undefined) return 'none';
    const [scheme, encoded] = authorization.split(' ');
    if (scheme?.toLowerCase() !== 'basic' || encoded === undefined) return 'refused';
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return decoded.slice(0, colon) === this.username && decoded.slice(colon + 1) === this.password ? 'basic' : 'refused';
  }
}

/** All BMCs of one sandbox, one server each. */
export class RedfishBmcSimulator {
  inFlight = 0;
  /** Requests in flight at once across all BMCs: > 1 shows different BMCs were served in parallel. */
  maxInFlight = 0;
  private readonly bmcs = new Map<string, SimulatedRedfishBmc>();

  constructor(readonly world: HardwareWorld) {}

  /** Starts the BMC of machine `machineName` on an ephemeral port; `bmc.spec` says how to reach it. */
  async addBmc(machineName: string, options: RedfishBmcOptions = {}): Promise<SimulatedRedfishBmc> {
    if (this.bmcs.has(machineName)) throw new Error(`machine ${machineName} has a BMC already`);
    const bmc = new SimulatedRedfishBmc(this.world, machineName, options, (delta) => {
      this.inFlight += delta;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    });
    await bmc.listen();
    this.bmcs.set(machineName, bmc);
    return bmc;
  }

  bmc(machineName: string): SimulatedRedfishBmc | undefined {
    return this.bmcs.get(machineName);
  }

  all(): SimulatedRedfishBmc[] {
    return [...this.bmcs.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((bmc) => bmc.close()));
    this.bmcs.clear();
  }
}

// ---- resources ---------------------------------------------------------------------------

const ROUTES = new Router<Context>()
  .get('/redfish', () => json(200, { v1: `${ROOT}/` }))
  .get(ROOT, (_req, { bmc }) => json(200, serviceRoot(bmc)))
  .get(`${ROOT}/Systems`, (_req, { bmc }) => json(200, collection(`${ROOT}/Systems`, 'ComputerSystemCollection', 'Computer System Collection', [bmc.systemPath])))
  .get(`${ROOT}/Systems/:id`, (req, { bmc }) => withSystem(req, bmc, () => systemAnswer(bmc, 200)))
  .add('PATCH', `${ROOT}/Systems/:id`, (req, { bmc }) => withSystem(req, bmc, () => patchSystem(req, bmc)))
  .add('POST', `${ROOT}/Systems/:id/Actions/ComputerSystem.Reset`, (req, { bmc }) => withSystem(req, bmc, () => resetSystem(req, bmc)))
  .get(`${ROOT}/SessionService`, (_req, { bmc }) => withSessions(bmc, () => json(200, sessionServiceResource())))
  .get(SESSIONS, (_req, { bmc }) => withSessions(bmc, () => json(200, collection(SESSIONS, 'SessionCollection', 'Session Collection', bmc.sessionIds().map((id) => `${SESSIONS}/${id}`)))))
  .add('POST', SESSIONS, (req, { bmc }) => withSessions(bmc, () => createSession(req, bmc)))
  .get(`${SESSIONS}/:id`, (req, { bmc }) => withSessions(bmc, () => (bmc.sessionIds().includes(req.params.id ?? '') ? json(200, sessionResource(req.params.id ?? '', bmc.username)) : missing(req.path))))
  .add('DELETE', `${SESSIONS}/:id`, (req, { bmc }) => withSessions(bmc, () => (bmc.closeSession(req.params.id ?? '') ? { status: 204 } : missing(req.path))));

function serviceRoot(bmc: SimulatedRedfishBmc): Record<string, unknown> {
  return {
    '@odata.type': '#ServiceRoot.v1_5_0.ServiceRoot',
    '@odata.id': `${ROOT}/`,
    Id: 'RootService',
    Name: 'Root Service',
    RedfishVersion: '1.6.0',
    UUID: uuidOf(bmc.machine.serial),
    Systems: { '@odata.id': `${ROOT}/Systems` },
    ...(bmc.sessionService ? { SessionService: { '@odata.id': `${ROOT}/SessionService` } } : {}),
    Links: bmc.sessionService ? { Sessions: { '@odata.id': SESSIONS } } : {},
  };
}

function systemResource(bmc: SimulatedRedfishBmc, withEtag = true): Record<string, unknown> {
  const machine = bmc.machine;
  const override = machine.bootOverride;
  return {
    '@odata.type': '#ComputerSystem.v1_10_0.ComputerSystem',
    '@odata.id': bmc.systemPath,
    ...(withEtag ? { '@odata.etag': bmc.etag() } : {}),
    Id: bmc.systemId,
    Name: machine.name,
    SystemType: 'Physical',
    Manufacturer: machine.manufacturer,
    Model: machine.product,
    SerialNumber: machine.serial,
    UUID: uuidOf(machine.serial),
    PowerState: machine.power === 'on' ? 'On' : 'Off',
    Boot: {
      BootSourceOverrideEnabled: override === 'none' ? 'Disabled' : 'Once',
      BootSourceOverrideTarget: override === 'none' ? 'None' : override === 'pxe' ? 'Pxe' : 'Hdd',
      'BootSourceOverrideEnabled@Redfish.AllowableValues': OVERRIDE_MODES,
      'BootSourceOverrideTarget@Redfish.AllowableValues': bmc.bootTargets,
      BootSourceOverrideMode: 'UEFI',
    },
    ProcessorSummary: { Count: machine.cpus },
    MemorySummary: { TotalSystemMemoryGiB: Math.round(machine.memoryBytes / 2 ** 30) },
    Actions: {
      '#ComputerSystem.Reset': { target: `${bmc.systemPath}/Actions/ComputerSystem.Reset`, 'ResetType@Redfish.AllowableValues': RESET_TYPES },
    },
  };
}

function systemAnswer(bmc: SimulatedRedfishBmc, status: number): SimResponse {
  const body = systemResource(bmc);
  return json(status, body, { etag: String(body['@odata.etag']) });
}

/** Only Boot is writable, and of it only what the world models: a one-time override. */
function patchSystem(req: SimRequest, bmc: SimulatedRedfishBmc): SimResponse {
  const ifMatch = header(req, 'if-match');
  if (ifMatch === undefined && bmc.requireIfMatch) {
    return redfishError(428, 'PreconditionRequired', `A precondition header (If-Match) is required for a PATCH of ${req.path}.`);
  }
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== bmc.etag()) {
    return redfishError(412, 'PreconditionFailed', `The ETag ${ifMatch} does not match the current ETag of ${req.path}; read the resource again.`);
  }
  if (!isRecord(req.body)) return redfishError(400, 'MalformedJSON', 'The request body must be a JSON object.');
  for (const key of Object.keys(req.body)) {
    if (key !== 'Boot') return redfishError(400, 'PropertyNotWritable', `The property ${key} is a read only property and cannot be assigned a value.`);
  }
  const boot = req.body.Boot;
  if (!isRecord(boot)) return redfishError(400, 'PropertyValueTypeError', 'The value for the property Boot is of a different type than the property can accept.');
  const current = systemResource(bmc, false).Boot as Record<string, string>;
  const enabled = boot.BootSourceOverrideEnabled ?? current.BootSourceOverrideEnabled;
  const target = boot.BootSourceOverrideTarget ?? current.BootSourceOverrideTarget;
  if (typeof enabled !== 'string' || !OVERRIDE_MODES.includes(enabled)) return notInList(String(enabled), 'BootSourceOverrideEnabled');
  if (typeof target !== 'string' || !bmc.bootTargets.includes(target)) return notInList(String(target), 'BootSourceOverrideTarget');
  bmc.world.setBootOverride(bmc.machineName, enabled === 'Disabled' ? 'none' : deviceOf(target));
  return systemAnswer(bmc, 200);
}

function resetSystem(req: SimRequest, bmc: SimulatedRedfishBmc): SimResponse {
  const resetType = isRecord(req.body) ? req.body.ResetType : undefined;
  if (resetType === undefined) return redfishError(400, 'ActionParameterMissing', 'The action ComputerSystem.Reset requires the parameter ResetType to be present in the request body.');
  if (typeof resetType !== 'string' || !RESET_TYPES.includes(resetType)) {
    return redfishError(400, 'ActionParameterValueNotInList', `The value ${String(resetType)} for the parameter ResetType in the action ComputerSystem.Reset is not in the list of acceptable values.`);
  }
  const { world, machineName: name } = bmc;
  switch (resetType) {
    case 'On':
      world.powerOn(name);
      break;
    case 'ForceOff':
    case 'GracefulShutdown':
      world.powerOff(name);
      break;
    case 'ForceRestart':
    case 'GracefulRestart':
      world.reset(name);
      break;
    case 'PowerCycle':
      // Off then on: the machine boots whether it was on or off.
      world.powerOff(name);
      world.powerOn(name);
      break;
  }
  return { status: 204 };
}

function createSession(req: SimRequest, bmc: SimulatedRedfishBmc): SimResponse {
  const body = isRecord(req.body) ? req.body : {};
  if (typeof body.UserName !== 'string' || typeof body.Password !== 'string') {
    return redfishError(400, 'PropertyMissing', 'The properties UserName and Password are required to create a session.');
  }
  if (body.UserName !== bmc.username || body.Password !== bmc.password) {
    return redfishError(401, 'ResourceAtUriUnauthorized', `While accessing the resource at ${SESSIONS}, the service received an authorization error: invalid user name or password.`);
  }
  const { id, token } = bmc.openSession();
  return json(201, sessionResource(id, bmc.username), { 'x-auth-token': token, location: `${SESSIONS}/${id}` });
}

function sessionServiceResource(): Record<string, unknown> {
  return {
    '@odata.type': '#SessionService.v1_1_8.SessionService',
    '@odata.id': `${ROOT}/SessionService`,
    Id: 'SessionService',
    Name: 'Session Service',
    ServiceEnabled: true,
    SessionTimeout: 1800,
    Sessions: { '@odata.id': SESSIONS },
  };
}

function sessionResource(id: string, username: string): Record<string, unknown> {
  return { '@odata.type': '#Session.v1_3_0.Session', '@odata.id': `${SESSIONS}/${id}`, Id: id, Name: 'User Session', UserName: username };
}

function collection(path: string, type: string, name: string, members: string[]): Record<string, unknown> {
  return {
    '@odata.type': `#${type}.${type}`,
    '@odata.id': path,
    Name: name,
    Members: members.map((id) => ({ '@odata.id': id })),
    'Members@odata.count': members.length,
  };
}

function withSystem(req: SimRequest, bmc: SimulatedRedfishBmc, answer: () => SimResponse): SimResponse {
  return req.params.id === bmc.systemId ? answer() : missing(req.path);
}

function withSessions(bmc: SimulatedRedfishBmc, answer: () => SimResponse): SimResponse {
  return bmc.sessionService ? answer() : redfishError(404, 'ResourceMissingAtURI', 'This service has no SessionService; use HTTP Basic authentication.');
}

function deviceOf(target: string): BootDevice | 'none' {
  if (target === 'Pxe') return 'pxe';
  if (target === 'Hdd') return 'disk';
  return 'none';
}

// ---- Redfish errors ----------------------------------------------------------------------

function redfishError(status: number, messageId: string, message: string, headers: Record<string, string> = {}): SimResponse {
  return json(
    status,
    {
      error: {
        code: 'Base.1.0.GeneralError',
        message: 'A general error has occurred. See ExtendedInfo for more information.',
        '@Message.ExtendedInfo': [
          { '@odata.type': '#Message.v1_0_0.Message', MessageId: `Base.1.0.${messageId}`, Message: message, Severity: status >= 500 ? 'Critical' : 'Warning', Resolution: 'None.' },
        ],
      },
    },
    headers,
  );
}

function unauthorized(path: string): SimResponse {
  return redfishError(401, 'ResourceAtUriUnauthorized', `While accessing the resource at ${path}, the service received an authorization error: no valid session or credentials.`, {
    'www-authenticate': 'Basic realm="Redfish"',
  });
}

function missing(path: string): SimResponse {
  return redfishError(404, 'ResourceMissingAtURI', `The resource at the URI ${path} was not found.`);
}

function notInList(value: string, property: string): SimResponse {
  return redfishError(400, 'PropertyValueNotInList', `The value ${value} for the property ${property} is not in the list of acceptable values.`);
}

// ---- plumbing ----------------------------------------------------------------------------

function isSessionsPath(path: string): boolean {
  return path.replace(/\/+$/, '') === SESSIONS;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A stable UUID-shaped id from the serial, so a machine keeps its UUID across restarts. */
function uuidOf(serial: string): string {
  const hex = createHash('sha256').update(serial).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
