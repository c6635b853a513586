import type { Readable } from 'node:stream';
import type { HttpMethod, HttpResponse, TokenSource, Transport } from '../../http/transport.js';
import type { RequestPriority } from '../../http/concurrency.js';
import { isAtLeast, type MicroversionRange } from './microversion.js';

/**
 * One client per service endpoint (gophercloud's ServiceClient): joins paths to the endpoint's
 * base URL, sends the token and the service's microversion header, and checks the status.
 *
 * Invariant: `baseUrl` has no trailing slash and already includes the API version
 * (".../v2.1", ".../v2.0", ".../v3/<project>").
 */

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];
/** Query parameters; undefined/null values are left out, arrays repeat the key. */
export type QueryParams = Record<string, QueryValue>;

export interface RequestOptions {
  query?: QueryParams;
  body?: unknown;
  /** @default by method: GET 200; HEAD 200/204; POST/PUT 200/201/202; PATCH 200/202/204; DELETE 202/204 */
  okCodes?: readonly number[];
  /** Allows retrying a write on 5xx/429/reset; only for writes that are harmless twice. @default false */
  retrySafe?: boolean;
  headers?: Record<string, string>;
  /** Use this microversion for this one call instead of the negotiated one. */
  microversion?: string;
  /** Where the call queues when the cloud's request limit is reached. @default "normal" */
  priority?: RequestPriority;
}

/** What version discovery learned about the endpoint. */
export interface ApiVersion {
  /** The version document's id: "v2.1", "v3.14", "v2.15". */
  id: string;
  /** Supported microversions, for services that have them (compute, block-storage, placement). */
  microversions?: MicroversionRange;
}

export interface ServiceClientInit {
  transport: Transport;
  /** Service type as pumphouse names it: identity, compute, image, network, block-storage. */
  service: string;
  baseUrl: string;
  /** Absent for unauthenticated calls (Keystone auth itself). */
  auth?: TokenSource;
  version?: ApiVersion;
  /** The negotiated microversion sent on every call. */
  microversion?: string;
}

const DEFAULT_OK: Record<HttpMethod, readonly number[]> = {
  GET: [200], HEAD: [200, 204], POST: [200, 201, 202], PUT: [200, 201, 202], PATCH: [200, 202, 204], DELETE: [202, 204],
};

export class ServiceClient {
  readonly service: string;
  readonly baseUrl: string;
  readonly version: ApiVersion | undefined;
  readonly microversion: string | undefined;
  readonly transport: Transport;
  private readonly auth: TokenSource | undefined;
  /** Settles when the first authenticated call has; see request(). */
  private firstCall: Promise<unknown> | undefined;

  constructor(init: ServiceClientInit) {
    this.transport = init.transport;
    this.service = init.service;
    this.baseUrl = init.baseUrl.replace(/\/+$/, '');
    this.auth = init.auth;
    this.version = init.version;
    this.microversion = init.microversion;
  }

  /** The cloud label, for messages. */
  get cloud(): string {
    return this.transport.cloud;
  }

  /** True when the negotiated microversion is at least `wanted` (false for services without microversions). */
  supports(wanted: string): boolean {
    return isAtLeast(this.microversion, wanted);
  }

  /** A path from segments, each URL-encoded: url('servers', id, 'action') → "servers/<id>/action". */
  url(...segments: string[]): string {
    return segments.map(encodeURIComponent).join('/');
  }

  async get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('GET', path, options)).data;
  }

  async post<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('POST', path, { ...options, body })).data;
  }

  /** PUT of a whole object or a membership: harmless twice, so it is retried like a GET. */
  async put<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('PUT', path, { retrySafe: true, ...options, ...(body !== undefined ? { body } : {}) })).data;
  }

  async patch<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('PATCH', path, { ...options, body })).data;
  }

  /** DELETE; a 404 counts as done when `missingOk` (the object is gone either way). */
  async delete(path: string, options: RequestOptions & { missingOk?: boolean } = {}): Promise<void> {
    const { missingOk, ...rest } = options;
    const okCodes = rest.okCodes ?? [200, 202, 204, ...(missingOk ? [404] : [])];
    await this.request('DELETE', path, { retrySafe: true, ...rest, okCodes });
  }

  /** GET of a body to stream (Glance image data); see Transport.download. */
  async download(path: string, options: Pick<RequestOptions, 'okCodes' | 'headers'> = {}): Promise<HttpResponse<Readable>> {
    const { url, displayPath } = this.resolve(path);
    return this.transport.download({
      service: this.service, url, displayPath, headers: options.headers ?? {}, okCodes: options.okCodes ?? [200, 204], ...(this.auth ? { auth: this.auth } : {}),
    });
  }

  /** PUT of a streamed body (Glance image data); see Transport.upload. */
  async upload(path: string, body: Readable, size?: number, options: Pick<RequestOptions, 'okCodes' | 'headers'> = {}): Promise<HttpResponse<unknown>> {
    const { url, displayPath } = this.resolve(path);
    return this.transport.upload({
      service: this.service, url, displayPath, headers: options.headers ?? {}, okCodes: options.okCodes ?? [204], ...(this.auth ? { auth: this.auth } : {}),
    }, body, size);
  }

  /**
   * Sends one request. `path` is relative to the base URL, or absolute (a pagination link).
   * @throws HttpError on an unexpected status, HttpConnectionError without an answer.
   */
  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    // Services validate a token against keystone on first sight and cache the result. Sent all
    // at once, discovery's first calls each trigger a validation (measured on a Zed testbed:
    // 13 s instead of 3 s). So the first call goes alone and the others wait for it.
    if (this.auth) {
      if (!this.firstCall) {
        const first = this.send<T>(method, path, options);
        this.firstCall = first.catch(() => undefined);
        return first;
      }
      await this.firstCall;
    }
    return this.send<T>(method, path, options);
  }

  private send<T>(method: HttpMethod, path: string, options: RequestOptions): Promise<HttpResponse<T>> {
    const { url, displayPath } = this.resolve(path, options.query);
    return this.transport.send<T>({
      service: this.service,
      method,
      url,
      displayPath,
      headers: { ...this.microversionHeaders(options.microversion ?? this.microversion), ...options.headers },
      body: options.body,
      okCodes: options.okCodes ?? DEFAULT_OK[method],
      retrySafe: options.retrySafe,
      ...(options.priority ? { priority: options.priority } : {}),
      ...(this.auth ? { auth: this.auth } : {}),
    });
  }

  /** Absolute URL plus the part shown in messages ("/servers/detail?all_tenants=1"). */
  resolve(path: string, query?: QueryParams): { url: string; displayPath: string } {
    const absolute = /^https?:\/\//i.test(path);
    const url = new URL(absolute ? path : `${this.baseUrl}/${path.replace(/^\/+/, '')}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, String(v));
      else url.searchParams.set(key, String(value));
    }
    const text = url.toString();
    const displayPath = text.startsWith(this.baseUrl) ? text.slice(this.baseUrl.length) || '/' : `${url.pathname}${url.search}`;
    return { url: text, displayPath };
  }

  private microversionHeaders(version: string | undefined): Record<string, string> {
    if (version === undefined) return {};
    if (this.service === 'compute') return { 'OpenStack-API-Version': `compute ${version}`, 'X-OpenStack-Nova-API-Version': version };
    if (this.service === 'block-storage') return { 'OpenStack-API-Version': `volume ${version}` };
    return { 'OpenStack-API-Version': `${this.service} ${version}` };
  }
}
