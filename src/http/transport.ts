import type { Readable } from 'node:stream';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { EventSink } from '../events/sink.js';
import { HttpConnectionError, HttpError, parseErrorMessage, type ConnectionFailure, type RequestDescription } from './errors.js';
import { HTTP_CODES } from './codes.js';
import { RequestLimiter, type RequestPriority } from './concurrency.js';
import type { Redactor } from './redact.js';
import { backoffDelay, isRetryableErrno, isRetryableStatus, parseRetryAfter, type RetryPolicy } from './retry.js';
import { sleep } from '../wait.js';
import type { Agents } from './tls.js';
import { PumphouseError } from '../errors.js';

/**
 * The one place that performs HTTP for a cloud: timeouts, retries with backoff, re-auth on 401,
 * and the translation of every failure into a redacted PumphouseError. Service clients add the
 * base URL, token and microversion headers on top.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Supplies the token of a request; the transport calls invalidate() when the service answers 401. */
export interface TokenSource {
  token(): Promise<string>;
  /** Forget `token` so the next token() re-authenticates (no-op if a newer token is already held). */
  invalidate(token: string): void;
}

export interface TransportOptions {
  /** The cloud's label, for messages and events. */
  cloud: string;
  events: EventSink;
  /** Per attempt, from sending the request to the end of the response body. @default 60000 */
  timeoutMs: number;
  /**
   * Per call of send(): every attempt and backoff, from the first attempt on (a hung or trickling
   * service cannot hold a call for timeoutMs × attempts). @default twice timeoutMs
   */
  deadlineMs?: number;
  /** The largest answer read into memory; streamed image data is exempt. @default 64 MiB */
  maxResponseBytes?: number;
  retry: RetryPolicy;
  agents: Agents;
  userAgent: string;
  redactor: Redactor;
  /** Requests in flight to this cloud at once; the rest wait their turn. @default unlimited */
  maxInFlight?: number;
}

export interface HttpRequest {
  /** Service type for messages ("compute", "identity"). */
  service: string;
  method: HttpMethod;
  /** Absolute URL, query included. */
  url: string;
  /** The URL relative to the service base, for messages. */
  displayPath: string;
  headers?: Record<string, string>;
  /** JSON-encoded when present. */
  body?: unknown;
  /** Statuses that count as success; anything else is an HttpError. */
  okCodes: readonly number[];
  /**
   * A write that may be sent twice without harm (e.g. a PUT of a full object). GET and HEAD are
   * always retried; other methods only when this is true.
   */
  retrySafe?: boolean;
  /** Without it no X-Auth-Token is sent (Keystone auth, version documents). */
  auth?: TokenSource;
  /** @default "normal" */
  priority?: RequestPriority;
}

export interface HttpResponse<T> {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  data: T;
}

const TLS_CODES = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Of an error answer only the start is read: its message is near the top. */
const ERROR_BODY_BYTES = 64 * 1024;

export class Transport {
  private readonly axios: AxiosInstance;
  private readonly limiter: RequestLimiter | undefined;
  private readonly deadlineMs: number;
  private readonly maxResponseBytes: number;

  constructor(readonly options: TransportOptions) {
    this.limiter = options.maxInFlight ? new RequestLimiter(options.maxInFlight) : undefined;
    this.deadlineMs = options.deadlineMs ?? 2 * options.timeoutMs;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.axios = axios.create({
      httpAgent: options.agents.http,
      httpsAgent: options.agents.https,
      // A redirect could carry X-Auth-Token to another host; OpenStack APIs do not redirect.
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      // Large listings (1000 servers a page) are several MB; an endless answer stops here.
      maxContentLength: this.maxResponseBytes,
      proxy: false,
    });
  }

  get cloud(): string {
    return this.options.cloud;
  }

  get redactor(): Redactor {
    return this.options.redactor;
  }

  /** Sends `req`, retrying and re-authenticating as its kind allows. */
  async send<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const { retry } = this.options;
    // Only a retry or an error needs it: parsing and redacting the URL of every request is not free.
    let described: RequestDescription | undefined;
    const description = (): RequestDescription => (described ??= this.describe(req));
    const repeatable = req.method === 'GET' || req.method === 'HEAD' || req.retrySafe === true;
    const clock = new CallClock(this.deadlineMs);
    let attempt = 0;
    let reauthenticated = false;
    for (;;) {
      // The token first, outside the limiter: a re-authentication is itself a request and must
      // not wait for a slot held by the call that needs it.
      const token = req.auth ? await req.auth.token() : undefined;
      let res: AxiosResponse<string>;
      try {
        res = this.limiter ? await this.limiter.run(() => this.once(req, token, clock), req.priority) : await this.once(req, token, clock);
      } catch (error) {
        if (isTooLarge(error)) throw this.tooLarge(description());
        if (clock.expired()) throw this.deadlinePassed(description());
        const { failure, errno, detail } = this.classify(error);
        const delay = backoffDelay(retry, attempt);
        if (repeatable && attempt < retry.maxRetries && isRetryableErrno(errno) && clock.allows(delay)) {
          await this.backoff(description(), attempt, delay, errno ?? failure);
          attempt += 1;
          continue;
        }
        throw new HttpConnectionError(description(), failure, errno, detail, this.options.timeoutMs);
      }
      const headers = lowerHeaders(res.headers as Record<string, unknown>);
      // One re-auth per call: a token can expire or be revoked between two requests.
      if (res.status === 401 && req.auth && token !== undefined && !reauthenticated) {
        req.auth.invalidate(token);
        reauthenticated = true;
        continue;
      }
      if (req.okCodes.includes(res.status)) {
        return { status: res.status, headers, data: this.parseBody(res.data, headers, description) as T };
      }
      const retryAfter = parseRetryAfter(headers['retry-after']);
      const delay = retryAfter !== undefined ? Math.min(retry.maxDelayMs, retryAfter) : backoffDelay(retry, attempt);
      if (repeatable && attempt < retry.maxRetries && isRetryableStatus(res.status) && clock.allows(delay)) {
        await this.backoff(description(), attempt, delay, `${res.status} ${statusText(res.status, res.statusText)}`);
        attempt += 1;
        continue;
      }
      throw this.httpError(description(), req, res, headers);
    }
  }

  /**
   * A GET whose body the caller streams (image data). Resolves once the headers are in; the body
   * then flows with backpressure, and the request fails if no byte arrives for `timeoutMs`
   * (a whole-body deadline would kill every large image). Retried like a GET until the headers.
   */
  async download(req: Omit<HttpRequest, 'method' | 'body'>): Promise<HttpResponse<Readable>> {
    return this.streamed({ ...req, method: 'GET' }, undefined);
  }

  /**
   * A PUT of a streamed body (image data), never retried (a stream cannot be replayed: the caller
   * starts the copy again). `size`, when known, becomes Content-Length.
   */
  async upload(req: Omit<HttpRequest, 'method' | 'body'>, body: Readable, size?: number): Promise<HttpResponse<unknown>> {
    const res = await this.streamed({ ...req, method: 'PUT', retrySafe: false }, { body, size });
    const { text, complete } = await readUpTo(res.data, this.maxResponseBytes);
    if (!complete) throw this.tooLarge(this.describe(req as HttpRequest));
    return { status: res.status, headers: res.headers, data: this.parseBody(text, res.headers, this.describe(req as HttpRequest)) };
  }

  private async streamed(req: HttpRequest, upload: { body: Readable; size: number | undefined } | undefined): Promise<HttpResponse<Readable>> {
    const description = this.describe(req);
    let attempt = 0;
    let reauthenticated = false;
    for (;;) {
      const token = req.auth ? await req.auth.token() : undefined;
      const controller = new AbortController();
      // Idle timeout: re-armed by every chunk in either direction.
      let timer = setTimeout(() => controller.abort(new TimeoutSignal()), this.options.timeoutMs);
      const touch = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(new TimeoutSignal()), this.options.timeoutMs);
      };
      upload?.body.on('data', touch);
      let res: AxiosResponse<Readable>;
      try {
        res = await this.axios.request<Readable>({
          method: req.method,
          url: req.url,
          signal: controller.signal,
          responseType: 'stream',
          maxBodyLength: Infinity,
          // Image data, streamed with backpressure: exempt from the in-memory limit (an upload's
          // JSON answer is read with it, by readUpTo).
          maxContentLength: -1,
          headers: {
            Accept: req.method === 'GET' ? 'application/octet-stream' : 'application/json',
            'User-Agent': this.options.userAgent,
            ...(upload ? { 'Content-Type': 'application/octet-stream' } : {}),
            ...(upload?.size !== undefined ? { 'Content-Length': String(upload.size) } : {}),
            ...(token !== undefined ? { 'X-Auth-Token': token } : {}),
            ...req.headers,
          },
          ...(upload ? { data: upload.body } : {}),
        });
      } catch (error) {
        clearTimeout(timer);
        const { failure, errno, detail } = this.classify(error);
        if (!upload && attempt < this.options.retry.maxRetries && isRetryableErrno(errno)) {
          await this.backoff(description, attempt, backoffDelay(this.options.retry, attempt), errno ?? failure);
          attempt += 1;
          continue;
        }
        throw new HttpConnectionError(description, failure, errno, detail, this.options.timeoutMs);
      } finally {
        upload?.body.off('data', touch);
      }
      const headers = lowerHeaders(res.headers as Record<string, unknown>);
      if (req.okCodes.includes(res.status)) {
        res.data.on('data', touch);
        res.data.once('close', () => clearTimeout(timer));
        res.data.once('end', () => clearTimeout(timer));
        return { status: res.status, headers, data: res.data };
      }
      clearTimeout(timer);
      const text = (await readUpTo(res.data, ERROR_BODY_BYTES).catch(() => undefined))?.text ?? '';
      if (res.status === 401 && req.auth && token !== undefined && !reauthenticated && !upload) {
        req.auth.invalidate(token);
        reauthenticated = true;
        continue;
      }
      if (!upload && attempt < this.options.retry.maxRetries && isRetryableStatus(res.status)) {
        await this.backoff(description, attempt, backoffDelay(this.options.retry, attempt), `${res.status} ${statusText(res.status, res.statusText)}`);
        attempt += 1;
        continue;
      }
      throw this.httpError(description, req, { ...res, data: text } as AxiosResponse<string>, headers);
    }
  }

  /** The error for an unexpected status; Keystone auth calls turn it into an AuthenticationError. */
  httpError(description: RequestDescription, req: HttpRequest, res: AxiosResponse<string>, headers: Record<string, string>): HttpError {
    const message = parseErrorMessage(res.data);
    return new HttpError(description, {
      status: res.status,
      statusText: statusText(res.status, res.statusText),
      expected: req.okCodes,
      requestId: headers['x-openstack-request-id'] ?? headers['x-compute-request-id'],
      serverMessage: message === undefined ? undefined : this.options.redactor.redact(message),
    });
  }

  /** URL and path as they may appear in messages: no user-info, secrets masked. */
  describe(req: Pick<HttpRequest, 'service' | 'method' | 'url' | 'displayPath'>): RequestDescription {
    let url = req.url;
    try {
      const parsed = new URL(req.url);
      parsed.username = '';
      parsed.password = '';
      url = parsed.toString();
    } catch {
      // not a URL: keep the text, it is redacted below
    }
    const r = this.options.redactor;
    return { cloud: this.options.cloud, service: req.service, method: req.method, url: r.redact(url), path: r.redact(req.displayPath) };
  }

  private async once(req: HttpRequest, token: string | undefined, clock: CallClock): Promise<AxiosResponse<string>> {
    clock.start();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimeoutSignal()), Math.min(this.options.timeoutMs, clock.remaining()));
    try {
      return await this.axios.request<string>({
        method: req.method,
        url: req.url,
        signal: controller.signal,
        headers: {
          Accept: 'application/json',
          'User-Agent': this.options.userAgent,
          ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...(token !== undefined ? { 'X-Auth-Token': token } : {}),
          ...req.headers,
        },
        ...(req.body !== undefined ? { data: JSON.stringify(req.body) } : {}),
      });
    } finally {
      clearTimeout(timer);
    }
  }

  private parseBody(data: string, headers: Record<string, string>, describe: RequestDescription | (() => RequestDescription)): unknown {
    if (data === undefined || data === null || data === '') return undefined;
    const looksJson = (headers['content-type'] ?? '').includes('json') || /^\s*[[{]/.test(data);
    if (!looksJson) return data;
    try {
      return JSON.parse(data) as unknown;
    } catch {
      const description = typeof describe === 'function' ? describe() : describe;
      throw new PumphouseError(HTTP_CODES.badResponse, `${description.service} ${description.method} ${description.path}: the answer is not valid JSON`, {
        hint: 'a proxy may be answering instead of the service; check the endpoint URL',
      });
    }
  }

  /** PH2132: an answer past settings.http.max_response_bytes, of which no more is read. */
  private tooLarge(req: RequestDescription): PumphouseError {
    return new PumphouseError(HTTP_CODES.responseTooLarge, `${this.options.cloud}: ${req.service} ${req.method} ${req.path}: the answer is larger than ${this.maxResponseBytes} bytes; no more of it was read`, {
      hint: 'a proxy or a hostile endpoint may be answering; if the service really sends answers this large, raise settings.http.max_response_bytes in pumphouse.yaml (or lower settings.discovery.page_size)',
    });
  }

  /** PH2012: the call used up settings.http.deadline_seconds, retries included. */
  private deadlinePassed(req: RequestDescription): HttpConnectionError {
    return new HttpConnectionError(req, 'timeout', 'ETIMEDOUT', `the call's deadline of ${this.deadlineMs / 1000} s passed, retries included (settings.http.deadline_seconds)`, this.deadlineMs);
  }

  private classify(error: unknown): { failure: ConnectionFailure; errno: string | undefined; detail: string } {
    const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
    const aborted = (error as { config?: { signal?: AbortSignal } }).config?.signal?.reason instanceof TimeoutSignal;
    const errno = aborted ? 'ETIMEDOUT' : err.cause?.code ?? err.code;
    const detail = this.options.redactor.redact(aborted ? 'request timed out' : err.cause?.message ?? err.message ?? String(error));
    let failure: ConnectionFailure = 'other';
    if (errno === 'ECONNREFUSED') failure = 'refused';
    else if (errno === 'ENOTFOUND' || errno === 'EAI_AGAIN') failure = 'dns';
    else if (errno === 'ETIMEDOUT' || errno === 'ECONNABORTED' || errno === 'ESOCKETTIMEDOUT') failure = 'timeout';
    else if (errno === 'ECONNRESET' || errno === 'EPIPE') failure = 'reset';
    else if (errno !== undefined && TLS_CODES.test(errno)) failure = 'tls';
    return { failure, errno, detail };
  }

  private async backoff(req: RequestDescription, attempt: number, delayMs: number, reason: string): Promise<void> {
    this.options.events.emit({
      type: 'http_retry',
      level: 'warn',
      message: `${this.options.cloud}: ${req.service} ${req.method} ${req.path}: ${reason}; retry ${attempt + 1}/${this.options.retry.maxRetries} in ${delayMs} ms`,
      data: { cloud: this.options.cloud, method: req.method, url: req.url, attempt: attempt + 1, delayMs, reason },
    });
    await sleep(delayMs);
  }
}

/** Marks an abort caused by our own per-request timer (as opposed to a caller's cancel). */
class TimeoutSignal extends Error {
  constructor() {
    super('request timed out');
  }
}

/** The stream's text up to `max` bytes; the rest is not read (the stream is destroyed). */
async function readUpTo(stream: Readable, max: number): Promise<{ text: string; complete: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    if (size + buffer.length > max) {
      chunks.push(buffer.subarray(0, max - size));
      stream.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), complete: false };
    }
    size += buffer.length;
    chunks.push(buffer);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), complete: true };
}

/** axios's refusal of an answer past maxContentLength. */
function isTooLarge(error: unknown): boolean {
  return /maxContentLength size of \d+ exceeded/.test((error as { message?: unknown })?.message as string ?? '');
}

/**
 * The time one call may take, every attempt and backoff included; it starts with the first
 * attempt, not while the call waits for a slot.
 */
class CallClock {
  private end: number | undefined;

  constructor(private readonly ms: number) {}

  start(): void {
    this.end ??= performance.now() + this.ms;
  }

  remaining(): number {
    return this.end === undefined ? this.ms : Math.max(0, this.end - performance.now());
  }

  expired(): boolean {
    return this.remaining() <= 0;
  }

  /** Whether a wait of `ms` leaves time for another attempt. */
  allows(ms: number): boolean {
    return ms < this.remaining();
  }
}

/** axios's response headers as plain lower-cased strings (repeated ones joined); shared with the Redfish driver. */
export function lowerHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Request Entity Too Large',
  429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** The standard reason phrase: services differ (keystone says "NOT FOUND"), messages should not. */
function statusText(status: number, given?: string): string {
  return STATUS_TEXT[status] ?? (given || 'Unexpected Status');
}
