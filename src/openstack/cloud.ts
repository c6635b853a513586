import type { CloudConfig } from '../config/types.js';
import { codedMessage } from '../errors.js';
import type { EventSink } from '../events/sink.js';
import { nullSink } from '../events/sink.js';
import { OPENSTACK_CODES } from './http/codes.js';
import { negotiateMicroversion, type MicroversionRange } from './http/microversion.js';
import { Redactor } from '../http/redact.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../http/retry.js';
import { ServiceClient } from './http/service-client.js';
import { createAgents, type Agents } from '../http/tls.js';
import { Transport } from '../http/transport.js';
import { discoverVersion, serviceBaseUrl } from './http/versions.js';
import { authenticate, identityV3Url, type NamedRef } from './identity/auth.js';
import { endpointRegion, findService, selectEndpoint, type ServiceType } from './identity/catalog.js';
import { Session } from './identity/session.js';

/**
 * A connection to one cloud: its token (renewed as needed) and a service client per service,
 * built lazily on first use (version discovery and microversion negotiation included).
 */

/**
 * The microversions pumphouse understands, per service. The max is deliberate: compute stops at
 * 2.87 because 2.88 drops the hypervisor capacity fields discovery reports; block-storage at
 * 3.70 (Zed). Raise them only together with the types whose shape changes.
 */
export const CLIENT_MICROVERSIONS: Partial<Record<ServiceType, MicroversionRange>> = {
  compute: { min: '2.1', max: '2.87' },
  'block-storage': { min: '3.0', max: '3.70' },
};

export interface ConnectOptions {
  events?: EventSink;
  /** @default "pumphouse" */
  userAgent?: string;
  /** Overrides of the retry policy (tests use a tiny base delay). */
  retry?: Partial<RetryPolicy>;
  /** Renew the token this long before it expires. @default 120000 */
  refreshBeforeMs?: number;
  /** Clock for token expiry. @default Date.now */
  now?: () => number;
  /** Sockets per host. @default 32 */
  maxSockets?: number;
  /** Requests in flight to this cloud at once (discovery's `concurrency`). @default 8 */
  maxInFlight?: number;
}

export interface EndpointDescription {
  interface: string;
  region: string | undefined;
  url: string;
}

export interface ServiceDescriptionEntry {
  /** Catalog type ("compute", "volumev3"). */
  type: string;
  /** Catalog name ("nova"); "" when the catalog has none. */
  name: string;
  endpoints: EndpointDescription[];
  /** Version document id of the selected endpoint ("v2.1"). */
  version?: string;
  minMicroversion?: string;
  maxMicroversion?: string;
  /** Why the version document could not be read (its code and message); the service is still listed. */
  error?: string;
}

/** What `pumphouse clouds` shows. Contains no secret. */
export interface CloudDescription {
  label: string;
  authUrl: string;
  region: string | undefined;
  keystoneVersion: string | undefined;
  user: NamedRef & { domain?: NamedRef };
  project: (NamedRef & { domain?: NamedRef }) | undefined;
  services: ServiceDescriptionEntry[];
}

export class Cloud {
  readonly label: string;
  readonly authUrl: string;
  readonly region: string | undefined;
  readonly interface: CloudConfig['interface'];
  readonly events: EventSink;
  readonly session: Session;
  readonly transport: Transport;
  private readonly agents: Agents;
  private readonly clients = new Map<ServiceType, Promise<ServiceClient>>();

  constructor(config: CloudConfig, transport: Transport, agents: Agents, session: Session, events: EventSink) {
    this.label = config.label;
    this.authUrl = identityV3Url(config.auth.auth_url);
    this.region = config.region_name;
    this.interface = config.interface;
    this.transport = transport;
    this.agents = agents;
    this.session = session;
    this.events = events;
  }

  /** The client of `type`, created on first use; concurrent callers share one creation. */
  service(type: ServiceType): Promise<ServiceClient> {
    let client = this.clients.get(type);
    if (!client) {
      client = this.createClient(type);
      this.clients.set(type, client);
      // A failed creation (service down during discovery) may succeed later.
      client.catch(() => this.clients.delete(type));
    }
    return client;
  }

  identity(): Promise<ServiceClient> {
    return this.service('identity');
  }
  compute(): Promise<ServiceClient> {
    return this.service('compute');
  }
  image(): Promise<ServiceClient> {
    return this.service('image');
  }
  network(): Promise<ServiceClient> {
    return this.service('network');
  }
  blockStorage(): Promise<ServiceClient> {
    return this.service('block-storage');
  }

  /**
   * The cloud as `pumphouse clouds` shows it: every catalog service with its endpoints and the
   * version range its selected endpoint announces. A service whose version document fails is
   * listed with `error`; only a failed authentication rejects.
   */
  async describe(): Promise<CloudDescription> {
    const info = this.session.info;
    const keystoneVersion = await discoverVersion(this.transport, 'identity', this.authUrl).then((v) => v.id, () => undefined);
    const services = await Promise.all(info.catalog.map(async (entry): Promise<ServiceDescriptionEntry> => {
      const endpoints = entry.endpoints.map((e) => ({ interface: e.interface, region: endpointRegion(e), url: e.url }));
      const chosen = entry.endpoints.find((e) => e.interface === this.interface && (this.region === undefined || endpointRegion(e) === this.region)) ?? entry.endpoints[0];
      const base = { type: entry.type, name: entry.name ?? '', endpoints };
      if (!chosen) return { ...base, error: `${OPENSTACK_CODES.endpointNotFound} the catalog lists no endpoint for it` };
      try {
        const version = await discoverVersion(this.transport, entry.type, chosen.url, this.session);
        return {
          ...base,
          version: version.id,
          ...(version.microversions ? { minMicroversion: version.microversions.min, maxMicroversion: version.microversions.max } : {}),
        };
      } catch (error) {
        return { ...base, error: codedMessage(error) };
      }
    }));
    services.sort((a, b) => a.type.localeCompare(b.type));
    return { label: this.label, authUrl: this.authUrl, region: this.region, keystoneVersion, user: info.user, project: info.project, services };
  }

  /** Closes the keep-alive sockets; the cloud is unusable afterwards. */
  close(): void {
    this.agents.destroy();
  }

  private async createClient(type: ServiceType): Promise<ServiceClient> {
    await this.session.token();
    const catalog = this.session.info.catalog;
    // An unscoped or domain-scoped token may lack keystone in its catalog; auth_url serves then.
    const url = type === 'identity' && !findService(catalog, 'identity')
      ? this.authUrl
      : selectEndpoint(catalog, type, { interface: this.interface, ...(this.region ? { region: this.region } : {}) }, this.label).url;
    const clientRange = CLIENT_MICROVERSIONS[type];
    if (!clientRange) return new ServiceClient({ transport: this.transport, service: type, baseUrl: serviceBaseUrl(type, url), auth: this.session });
    const version = await discoverVersion(this.transport, type, url, this.session);
    const serverRange = version.microversions ?? { min: clientRange.min, max: clientRange.min };
    const microversion = negotiateMicroversion(type, serverRange, clientRange);
    return new ServiceClient({ transport: this.transport, service: type, baseUrl: serviceBaseUrl(type, url), auth: this.session, version, microversion });
  }
}

/**
 * Authenticates to `config`'s cloud and returns the connection.
 * Emits a `warning` (PH2001) on every call when TLS verification is disabled.
 * @throws AuthenticationError (credentials refused), PumphouseError PH2102 (incomplete auth
 *   section), PH2002 (CA bundle unreadable), HttpConnectionError (keystone unreachable).
 */
export async function connect(config: CloudConfig, options: ConnectOptions = {}): Promise<Cloud> {
  const events = options.events ?? nullSink;
  const redactor = new Redactor([config.auth.password, config.auth.application_credential_secret, config.auth.token]);
  if (!config.verify) {
    events.emit({
      type: 'warning',
      level: 'warn',
      message: `TLS certificate verification is DISABLED for cloud "${config.label}": anyone on the network path can read its credentials and tokens`,
      data: { code: OPENSTACK_CODES.tlsVerifyDisabled, cloud: config.label, hint: 'set cacert to the CA bundle of the cloud and remove verify: false' },
    });
  }
  const agents = createAgents({ verify: config.verify, ...(config.cacert ? { cacert: config.cacert } : {}) }, options.maxSockets);
  const transport = new Transport({
    cloud: config.label,
    events,
    timeoutMs: config.timeoutMs ?? 60_000,
    ...(config.deadlineMs !== undefined ? { deadlineMs: config.deadlineMs } : {}),
    ...(config.maxResponseBytes !== undefined ? { maxResponseBytes: config.maxResponseBytes } : {}),
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    agents,
    userAgent: options.userAgent ?? 'pumphouse',
    redactor,
    maxInFlight: options.maxInFlight ?? 8,
  });
  const session = new Session(() => authenticate(transport, config.auth.auth_url, config.auth_type, config.auth), {
    ...(options.refreshBeforeMs !== undefined ? { refreshBeforeMs: options.refreshBeforeMs } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  try {
    await session.token();
  } catch (error) {
    agents.destroy();
    throw error;
  }
  return new Cloud(config, transport, agents, session, events);
}
