import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { PumphouseError, quoted } from '../errors.js';
import { API_CODES } from './http.js';

/**
 * What every request to `serve` must pass before any route runs, so that a web page open in the
 * operator's browser cannot drive the server (it can send requests to 127.0.0.1, but neither read
 * the answers nor add headers without the server's consent):
 * - the Host header names this server (its listen address, localhost, 127.0.0.1 or [::1], with
 *   its port): a page whose own name resolves to 127.0.0.1 (DNS rebinding) sends its own name;
 * - a request that changes something (POST, PUT, PATCH, DELETE) carries no foreign Origin, and any
 *   body it has is JSON or YAML: forms and text/plain are what a page can send cross-site without
 *   the browser asking the server first;
 * - the bearer token, unless the server was started without one on purpose (`--no-token`).
 */
export interface GuardOptions {
  /** `host:port` values the Host header may hold (lower case; IPv6 in brackets). */
  allowedHosts: ReadonlySet<string>;
  /** The port the server listens on, for hints. */
  port: number;
  /** undefined only with `--no-token`. */
  token: string | undefined;
}

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BODY_TYPES = new Set(['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml']);

/** Host and Origin: checked for every request, the dashboard's files included. */
export function checkOrigin(req: IncomingMessage, options: GuardOptions): void {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!options.allowedHosts.has(host)) {
    throw new PumphouseError(API_CODES.hostRefused, `Host ${quoted(host)} is not this server`, { hint: `use http://127.0.0.1:${options.port}/ (or the address serve listens on)` });
  }
  const origin = req.headers.origin;
  if (origin === undefined || !CHANGES.has(req.method ?? 'GET')) return;
  if (origin.toLowerCase() !== `http://${host}`) {
    throw new PumphouseError(API_CODES.originRefused, `a ${req.method} from origin ${quoted(origin)} is refused: only the server's own pages may change anything`, { hint: 'call the API from a script or curl, or from the dashboard this server serves' });
  }
}

/** The body of a request that changes something is JSON or YAML, or there is none. */
export function checkBodyType(req: IncomingMessage): void {
  if (!CHANGES.has(req.method ?? 'GET')) return;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (type === '' ? !hasBody : BODY_TYPES.has(type)) return;
  throw new PumphouseError(API_CODES.unsupportedMediaType, `a ${req.method} with ${type ? `content type ${quoted(type)}` : 'a body of no content type'} is refused`, { hint: 'send application/json (or application/yaml for a plan file)' });
}

export function checkToken(req: IncomingMessage, options: GuardOptions): void {
  if (options.token === undefined) return;
  const header = req.headers['authorization'] ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '');
  const expected = Buffer.from(options.token);
  if (given.length === expected.length && timingSafeEqual(given, expected)) return;
  throw new PumphouseError(API_CODES.unauthorized, 'a bearer token is needed', { hint: 'send "Authorization: Bearer <token>": the one in PUMPHOUSE_API_TOKEN, or the one `pumphouse serve` printed when it started' });
}

/**
 * The Host values that name this server: its listen address and the loopback names, with the
 * port it got; for a wildcard address also this machine's own addresses and host name, and the
 * names the operator added (`--allow-host`, e.g. behind a reverse proxy).
 */
export function allowedHosts(listen: string, port: number, extra: readonly string[] = []): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1', listen, ...extra].map((n) => n.toLowerCase()));
  if (listen === '0.0.0.0' || listen === '::') {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) for (const address of list ?? []) names.add(address.address.toLowerCase());
  }
  names.delete('0.0.0.0');
  names.delete('::');
  const hosts = new Set<string>();
  for (const name of names) {
    const bare = name.replace(/^\[(.*)\]$/, '$1');
    const shown = bare.includes(':') ? `[${bare}]` : bare;
    hosts.add(`${shown}:${port}`);
    if (port === 80) hosts.add(shown);
  }
  return hosts;
}

