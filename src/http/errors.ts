import { type PhCode, PumphouseError } from '../errors.js';
import { HTTP_CODES } from './codes.js';

/**
 * Typed errors of an HTTP call, for every client that builds on the Transport (OpenStack, Fuel,
 * Redfish): gophercloud's ErrUnexpectedResponseCode, in TS.
 *
 * Invariant: every string in these errors has been through the cloud's Redactor; no error keeps
 * the request body, the request headers or the axios error as its cause (those hold credentials).
 */

/** What an HTTP call was, for messages: never the body, never headers. */
export interface RequestDescription {
  /** The cloud's label ("source", "c5000"). */
  cloud: string;
  /** Service type ("compute") or "identity". */
  service: string;
  method: string;
  /** Absolute URL without user-info; query kept (it carries no secrets in OpenStack APIs). */
  url: string;
  /** The URL relative to the service's base ("/servers/detail?all_tenants=1"), for messages. */
  path: string;
}

/** A call answered with a status it did not expect. */
export class HttpError extends PumphouseError {
  readonly cloud: string;
  readonly service: string;
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly expected: readonly number[];
  readonly status: number;
  readonly statusText: string;
  /** x-openstack-request-id / x-compute-request-id, to grep the service's logs. */
  readonly requestId: string | undefined;
  /** The message parsed from the service's error body (already redacted). */
  readonly serverMessage: string | undefined;

  constructor(
    req: RequestDescription,
    res: { status: number; statusText: string; requestId?: string; serverMessage?: string; expected: readonly number[] },
    code: PhCode = HTTP_CODES.httpStatus,
    hint: string = hintForStatus(req, res.status),
  ) {
    const rid = res.requestId ? ` (request ${res.requestId})` : '';
    const msg = res.serverMessage ? `: ${res.serverMessage}` : '';
    super(code, `${req.service} ${req.method} ${req.path} failed: ${res.status} ${res.statusText}${rid}${msg}`, { hint, retryable: isRetryableStatus(res.status) });
    this.name = 'HttpError';
    this.cloud = req.cloud;
    this.service = req.service;
    this.method = req.method;
    this.url = req.url;
    this.path = req.path;
    this.expected = res.expected;
    this.status = res.status;
    this.statusText = res.statusText;
    this.requestId = res.requestId;
    this.serverMessage = res.serverMessage;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name, code: this.code, message: this.message, hint: this.hint, cloud: this.cloud, service: this.service,
      method: this.method, url: this.url, expected: this.expected, status: this.status, requestId: this.requestId,
    };
  }
}

export type ConnectionFailure = 'refused' | 'dns' | 'timeout' | 'tls' | 'reset' | 'other';

/** The request never got an HTTP answer. */
export class HttpConnectionError extends PumphouseError {
  readonly cloud: string;
  readonly service: string;
  readonly method: string;
  readonly url: string;
  readonly failure: ConnectionFailure;
  /** The socket-level code (ECONNREFUSED, ETIMEDOUT, DEPTH_ZERO_SELF_SIGNED_CERT, …). */
  readonly errno: string | undefined;

  constructor(req: RequestDescription, failure: ConnectionFailure, errno: string | undefined, detail: string, timeoutMs?: number) {
    const what: Record<ConnectionFailure, [PhCode, string, string]> = {
      refused: [HTTP_CODES.connectionRefused, 'connection refused', 'is the service running and listening on that host and port? Is the endpoint URL in the catalog (or auth_url) right?'],
      dns: [HTTP_CODES.hostNotFound, 'host not found', 'check the host name in the endpoint URL (or auth_url) and this machine\'s DNS'],
      timeout: [HTTP_CODES.timeout, `no answer within ${timeoutMs ?? '?'} ms`, 'the service is slow or unreachable (firewall?); if it is just slow, raise settings.timeout_seconds (per attempt) or settings.http.deadline_seconds (per call) in pumphouse.yaml'],
      tls: [HTTP_CODES.tlsFailure, 'TLS handshake failed', 'set cacert to the CA bundle that signed the endpoint\'s certificate (or check the certificate\'s host name and expiry)'],
      reset: [HTTP_CODES.connectionFailed, 'connection reset', 'a proxy or load balancer dropped the connection; check it and the service'],
      other: [HTTP_CODES.connectionFailed, 'connection failed', 'check network access from this machine to the endpoint'],
    };
    const [code, summary, hint] = what[failure];
    // A wrong host name or certificate stays wrong; a refused, reset or timed-out connection may not.
    super(code, `${req.service} ${req.method} ${req.url} failed: ${summary} (${errno ?? 'no code'}: ${detail})`, { hint, retryable: failure !== 'tls' && failure !== 'dns' });
    this.name = 'HttpConnectionError';
    this.cloud = req.cloud;
    this.service = req.service;
    this.method = req.method;
    this.url = req.url;
    this.failure = failure;
    this.errno = errno;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, hint: this.hint, url: this.url, failure: this.failure, errno: this.errno };
  }
}

/**
 * Whether a call answered with `status` may succeed when the step runs again: the service failed
 * (5xx), it rate-limited us (429), or the object was busy in another task (409).
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 409;
}

export function hintForStatus(req: RequestDescription, status: number): string {
  if (status === 400) return 'the service rejected the request as malformed; this is likely a pumphouse bug or an unsupported API version';
  if (status === 401) return `the token was rejected: check the credentials of cloud "${req.cloud}"`;
  if (status === 403) return `the user of cloud "${req.cloud}" lacks the role this call needs (pumphouse needs admin on source and target)`;
  if (status === 404) return 'the resource does not exist or is not visible to this user';
  if (status === 409) return 'the resource is in a state that forbids this call; wait and retry';
  if (status === 413 || status === 429) return 'rate limited or over quota; retry later or raise the limit';
  if (status >= 500) return `the ${req.service} service failed; look for the request id in its logs`;
  return 'unexpected answer from the service';
}

/** gophercloud's ResponseCodeIs. */
export function isStatus(error: unknown, status: number): boolean {
  return error instanceof HttpError && error.status === status;
}
export const isNotFound = (error: unknown): boolean => isStatus(error, 404);
export const isConflict = (error: unknown): boolean => isStatus(error, 409);
export const isForbidden = (error: unknown): boolean => isStatus(error, 403);

/**
 * The human message inside an OpenStack error body. Shapes, per service:
 * - nova, cinder:  {"itemNotFound": {"code": 404, "message": "…"}} (one key: the fault name)
 * - keystone:      {"error": {"code": 401, "title": "Unauthorized", "message": "…"}}
 * - neutron:       {"NeutronError": {"type": "NetworkNotFound", "message": "…", "detail": ""}}
 * - placement:     {"errors": [{"status": 404, "title": "…", "detail": "…"}]}
 * - glance, and every service behind webob's default error page: with Accept: application/json
 *   {"message": "No image found with ID x<br /><br />", "code": "404 Not Found", "title": "Not Found"},
 *   otherwise an HTML page ("<h1>404 Not Found</h1>No image found with ID x<br />"), or plain text.
 * Returns undefined when the body has nothing useful. Output is one line, at most 500 chars.
 */
export function parseErrorMessage(body: unknown): string | undefined {
  const oneLine = (s: string): string | undefined => {
    // webob puts markup even into JSON messages (glance: "No image found with ID x<br /><br />").
    const t = s.replace(/<br\s*\/?>/gi, ' ').replace(/\s+/g, ' ').trim();
    return t ? (t.length > 500 ? `${t.slice(0, 497)}...` : t) : undefined;
  };
  if (typeof body === 'string') {
    const trimmed = body.trim();
    if (trimmed.startsWith('{')) {
      try {
        return parseErrorMessage(JSON.parse(trimmed) as unknown);
      } catch {
        return oneLine(trimmed);
      }
    }
    if (/<\/?[a-z][^>]*>/i.test(trimmed)) {
      // webob page: the <h1> repeats the status line we already print; keep the body text.
      const text = trimmed.replace(/<title>[\s\S]*?<\/title>/i, '').replace(/<h1>[\s\S]*?<\/h1>/i, '').replace(/<[^>]+>/g, ' ');
      return oneLine(text);
    }
    return oneLine(trimmed);
  }
  if (!body || typeof body !== 'object') return undefined;
  const obj = body as Record<string, unknown>;
  if (Array.isArray(obj.errors)) {
    const parts = obj.errors.map((e) => {
      const err = (e ?? {}) as Record<string, unknown>;
      return [err.title, err.detail].filter((x): x is string => typeof x === 'string' && x !== '').join(': ');
    });
    return oneLine(parts.filter(Boolean).join('; '));
  }
  for (const key of ['message', 'faultstring', 'detail', 'error_message']) {
    if (typeof obj[key] === 'string') return oneLine(obj[key]);
  }
  if (typeof obj.error === 'string') return oneLine(obj.error);
  // {"itemNotFound": {...}}, {"NeutronError": {...}}, {"error": {...}}: a single wrapping key.
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const inner = obj[keys[0] as string];
    if (inner && typeof inner === 'object') {
      const fault = inner as Record<string, unknown>;
      const message = typeof fault.message === 'string' ? fault.message : undefined;
      const detail = typeof fault.detail === 'string' && fault.detail !== '' ? fault.detail : undefined;
      const text = [message, detail].filter(Boolean).join(': ');
      if (text) return oneLine(text);
    }
  }
  return undefined;
}
