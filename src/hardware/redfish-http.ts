/**
 * HTTP to one Redfish BMC: one attempt at a time within a call's deadline, retries where the
 * request may safely be sent again, and every failure turned into a hardware PumphouseError.
 * The driver (redfish.ts) builds the Redfish flow on top; nothing here knows about systems.
 *
 * Invariants:
 * - no credential (password, Basic header, session token) ever reaches a message, a hint or a
 *   `cause`: foreign text passes through `redact()`, and axios errors (whose `config` holds the
 *   request headers and body) are never attached as causes;
 * - a request goes only to the BMC's own origin: links from the BMC that point elsewhere are
 *   refused, so the session token cannot be carried to another host.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { PumphouseError } from '../errors.js';
import { redact } from '../http/redact.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter, type RetryPolicy } from '../http/retry.js';
import { sleep } from '../wait.js';
import { lowerHeaders } from '../http/transport.js';
import { HARDWARE_CODES } from './power.js';

export type RedfishMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RedfishRequest {
  method: RedfishMethod;
  /** A path on the BMC (`/redfish/v1/Systems/1`), as Redfish's `@odata.id` links are. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses that are answers the caller handles; 401/403 are PH1801 and the rest PH1804. */
  okCodes: readonly number[];
  /**
   * The request may be sent twice without harm (reads, a PATCH of the same values, a DELETE):
   * it is retried on 5xx and on connection failures. Other requests (a Reset, a new session)
   * are repeated only when the connection was refused, i.e. the BMC cannot have seen them.
   */
  repeatable: boolean;
}

export interface RedfishResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Parsed JSON; the raw text when the body is not JSON; undefined when empty. */
  body: unknown;
}

/** The time left to one driver call: every attempt and every backoff of the call fits in it. */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly end: number;

  constructor(readonly ms: number) {
    this.signal = AbortSignal.timeout(ms);
    this.end = performance.now() + ms;
  }

  remaining(): number {
    return Math.max(0, this.end - performance.now());
  }
}

export interface RedfishHttpOptions {
  scheme: 'https' | 'http';
  address: string;
  port: number;
  verifyTls: boolean;
  username: string;
  /** Values masked wherever they would appear (the password, Basic credentials, session tokens). */
  secrets: () => readonly string[];
  retry: RetryPolicy;
  /** For messages: "redfish https://10.0.0.5:443". */
  description: string;
  /** The largest answer read into memory (settings.http.max_response_bytes). */
  maxResponseBytes: number;
}

/** Failures where nothing reached the BMC: always safe to try again. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN']);
/** Failures after the request may have been delivered: retried only for repeatable requests. */
const MAYBE_SENT = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);
const TLS_ERRNO = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

export class RedfishHttp {
  readonly origin: string;
  private readonly axios: AxiosInstance;

  constructor(private readonly options: RedfishHttpOptions) {
    const host = options.address.includes(':') ? `[${options.address}]` : options.address;
    this.origin = `${options.scheme}://${host}:${options.port}`;
    this.axios = axios.create({
      baseURL: this.origin,
      // One socket is enough (calls to a BMC are serialised) and spares a TLS handshake per request.
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
      // Self-signed certificates are the norm on BMCs; verifyTls: false is the operator's choice.
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: options.verifyTls }),
      // A redirect could carry the session token or the Basic credentials to another host.
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      // A BMC's answers are a few KB; an endless one stops here.
      maxContentLength: options.maxResponseBytes,
      proxy: false,
    });
  }

  /** Sends `req` within `deadline`, retrying as its kind allows. */
  async send(req: RedfishRequest, deadline: Deadline, auth: Record<string, string>): Promise<RedfishResponse> {
    for (let attempt = 0; ; attempt += 1) {
      let res: AxiosResponse<string>;
      try {
        res = await this.once(req, deadline, auth);
      } catch (error) {
        if (deadline.signal.aborted) throw this.timedOut(req, deadline);
        if (/maxContentLength size of \d+ exceeded/.test(messageOf(error))) throw this.badAnswer(`${this.where(req)}: the answer is larger than ${this.options.maxResponseBytes} bytes; no more of it was read`);
        const errno = errnoOf(error);
        const again = errno !== undefined && (NOT_SENT.has(errno) || (req.repeatable && MAYBE_SENT.has(errno)));
        if (again && (await this.backoff(attempt, deadline, undefined))) continue;
        throw this.connectionFailed(req, errno, error);
      }
      const response: RedfishResponse = { status: res.status, headers: lowerHeaders(res.headers as Record<string, unknown>), body: parseBody(res.data) };
      if (req.okCodes.includes(res.status)) return response;
      // Credentials do not get better by asking again; a retry could also lock the account.
      if (res.status === 401 || res.status === 403) throw this.authFailed(req, response);
      if (req.repeatable && isRetryableStatus(res.status) && (await this.backoff(attempt, deadline, response.headers['retry-after']))) continue;
      throw this.refused(req, response);
    }
  }

  /** The path of a link the BMC gave, refusing links to another host. */
  pathOf(link: string): string {
    let url: URL;
    try {
      url = new URL(link, this.origin);
    } catch {
      throw this.badAnswer(`the link "${this.redact(link)}" is not a URL`);
    }
    if (url.origin !== new URL(this.origin).origin) throw this.badAnswer(`a link points to another host (${this.redact(url.origin)}); refused so that credentials stay with the BMC`);
    return `${url.pathname}${url.search}`;
  }

  /** PH1804 for an answer the driver cannot use (a missing field, an unknown value). */
  badAnswer(detail: string): PumphouseError {
    return new PumphouseError(HARDWARE_CODES.commandFailed, `${this.options.description}: ${detail}`, {
      hint: 'the BMC does not answer as Redfish expects: check its firmware version, or use the ipmitool driver for this host',
    });
  }

  redact(text: string): string {
    return redact(text, this.options.secrets());
  }

  private async once(req: RedfishRequest, deadline: Deadline, auth: Record<string, string>): Promise<AxiosResponse<string>> {
    return this.axios.request<string>({
      method: req.method,
      url: req.path,
      signal: deadline.signal,
      headers: {
        Accept: 'application/json',
        'OData-Version': '4.0',
        ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...auth,
        ...req.headers,
      },
      ...(req.body !== undefined ? { data: JSON.stringify(req.body) } : {}),
    });
  }

  /** Waits before retry `attempt`; false when the retries or the call's time are used up. */
  private async backoff(attempt: number, deadline: Deadline, retryAfter: string | undefined): Promise<boolean> {
    const { retry } = this.options;
    if (attempt >= retry.maxRetries) return false;
    const asked = parseRetryAfter(retryAfter);
    const delay = asked !== undefined ? Math.min(retry.maxDelayMs, asked) : backoffDelay(retry, attempt);
    if (delay >= deadline.remaining()) return false;
    await sleep(delay);
    return true;
  }

  private where(req: RedfishRequest): string {
    return `${req.method} ${this.redact(req.path)}`;
  }

  private timedOut(req: RedfishRequest, deadline: Deadline): PumphouseError {
    return new PumphouseError(HARDWARE_CODES.unreachable, `${this.options.description}: no answer within ${deadline.ms} ms (${this.where(req)})`, {
      hint: "check the BMC's address, port and scheme in pumphouse.yaml, and that the BMC is up and reachable from here (management network, firewall); a BMC that hangs may need a cold reset",
    });
  }

  private connectionFailed(req: RedfishRequest, errno: string | undefined, error: unknown): PumphouseError {
    // OpenSSL's text runs over several lines of source locations; its first line says enough.
    const detail = this.redact(messageOf(error).split('\n')[0] ?? '');
    if (/wrong version number|packet length too long/i.test(detail)) {
      return new PumphouseError(HARDWARE_CODES.unreachable, `${this.options.description}: the BMC does not speak TLS on this port (${this.where(req)})`, {
        hint: 'set scheme: http for this host if its BMC serves plain http, or correct the port',
      });
    }
    if (errno !== undefined && TLS_ERRNO.test(errno)) {
      return new PumphouseError(HARDWARE_CODES.unreachable, `${this.options.description}: TLS failed (${errno}) on ${this.where(req)}`, {
        hint: this.options.verifyTls
          ? 'BMCs usually have self-signed certificates: set verifyTls: false for this host, or give the BMC a certificate this machine trusts'
          : `the TLS handshake failed (${detail}): check the port and the BMC's TLS settings`,
      });
    }
    const what = errno === 'ECONNREFUSED' ? 'connection refused' : errno === 'ENOTFOUND' ? 'unknown host' : `connection failed (${errno ?? detail})`;
    return new PumphouseError(HARDWARE_CODES.unreachable, `${this.options.description}: ${what} on ${this.where(req)}`, {
      hint: "check the BMC's address, port and scheme in pumphouse.yaml, and that the BMC is up and reachable from here (management network, firewall)",
    });
  }

  private authFailed(req: RedfishRequest, res: RedfishResponse): PumphouseError {
    const said = redfishErrorText(res.body);
    return new PumphouseError(
      HARDWARE_CODES.authFailed,
      `${this.options.description}: the BMC refused the credentials of user "${this.options.username}" (${res.status} on ${this.where(req)})${said ? `: ${this.redact(said)}` : ''}`,
      { hint: "check this host's BMC username and password in pumphouse.yaml (and the environment variable the password comes from), and that the account is not locked" },
    );
  }

  private refused(req: RedfishRequest, res: RedfishResponse): PumphouseError {
    const said = redfishErrorText(res.body) ?? (typeof res.body === 'string' ? res.body.slice(0, 300) : undefined);
    return new PumphouseError(HARDWARE_CODES.commandFailed, `${this.options.description}: ${this.where(req)} answered ${res.status}${said ? `: ${this.redact(said)}` : ''}`, {
      hint: "read the BMC's message; its web console and event log say more, and a BMC that keeps failing may need a cold reset",
    });
  }
}

/**
 * The text of a Redfish error body: the `@Message.ExtendedInfo` messages, and `error.message`
 * unless it merely points at them ("A general error has occurred. See ExtendedInfo…").
 */
export function redfishErrorText(body: unknown): string | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const { error } = body;
  const extended = Array.isArray(error['@Message.ExtendedInfo']) ? error['@Message.ExtendedInfo'] : [];
  const details = extended.flatMap((info) => (isRecord(info) && typeof info.Message === 'string' ? [info.Message] : []));
  const summary = typeof error.message === 'string' && !(details.length > 0 && /ExtendedInfo/i.test(error.message)) ? [error.message] : [];
  const parts = [...summary, ...details];
  if (parts.length === 0 && typeof error.code === 'string') parts.push(error.code);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseBody(text: string | undefined): unknown {
  if (text === undefined || text === null || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errnoOf(error: unknown): string | undefined {
  const err = error as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof err.cause?.code === 'string' ? err.cause.code : err.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  const err = error as { message?: unknown; cause?: { message?: unknown } };
  const text = typeof err.cause?.message === 'string' ? err.cause.message : err.message;
  return typeof text === 'string' ? text : String(error);
}

