/**
 * What the Nova modules share (nova.ts: routing and reads; nova-writes.ts: flavors, keypairs,
 * quotas, server groups; nova-servers.ts: servers): the per-request context, Nova's error
 * envelope, and the wording of its request-body validation errors.
 */
import { json, type SimRequest, type SimResponse } from './http.js';
import type { Microversion } from './microversion.js';
import type { ServiceContext } from './service.js';
import type { CloudStore, Server } from './store.js';
import type { AuthContext } from './tokens.js';

/** One Nova request after authentication and microversion negotiation. */
export interface Call { req: SimRequest; ctx: ServiceContext; caller: AuthContext; v: Microversion; store: CloudStore }
export type NovaHandler = (call: Call) => SimResponse;

/** Nova's fault envelope names by status (nova/api/openstack/wsgi.py). */
const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound', 405: 'badMethod',
  409: 'conflictingRequest', 413: 'overLimit', 415: 'badMediaType', 429: 'overLimit', 501: 'notImplemented', 503: 'serviceUnavailable',
};

/** Every error response built here, so validators can return "a value or a refusal" unambiguously. */
const refusals = new WeakSet<object>();

export function novaError(status: number, message: string): SimResponse {
  const res = json(status, { [FAULT_NAMES[status] ?? 'computeFault']: { code: status, message } });
  refusals.add(res);
  return res;
}

export const forbidden = (rule: string): SimResponse => novaError(403, `Policy doesn't allow ${rule} to be performed.`);

/** A 204/202 with no body, as Nova answers deletes and most actions. */
export function noContent(status: 202 | 204 = 204, headers: Record<string, string> = {}): SimResponse {
  return { status, headers };
}

export function links(call: Call, path: string): { rel: string; href: string }[] {
  const o = call.ctx.origin();
  return [{ rel: 'self', href: `${o}/compute/v2.1/${path}` }, { rel: 'bookmark', href: `${o}/compute/${path}` }];
}

/** The server if the caller may see it (admin: any; others: own project). */
export function visibleServer(call: Call): Server | undefined {
  const s = call.store.servers.get(call.req.params['id'] ?? '');
  return s && (call.caller.isAdmin || s.projectId === call.caller.projectId) ? s : undefined;
}

export const serverNotFound = (call: Call): SimResponse => novaError(404, `Instance ${call.req.params['id']} could not be found.`);

// ---- request body validation (nova/api/validation) ------------------------------------------------

/**
 * Nova's JSON-schema failure: `Invalid input for field/attribute <field>. Value: <python repr>. <why>`.
 * `field` is the failing property for value checks and the enclosing object for missing or extra
 * properties, as jsonschema reports them.
 */
export function invalidInput(field: string, value: unknown, why: string): SimResponse {
  return novaError(400, `Invalid input for field/attribute ${field}. Value: ${pyRepr(value)}. ${why}`);
}

/** How Python prints a JSON value (Nova's messages quote request values that way). */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  return String(value);
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The object under `key` of a request body (`{"flavor": {...}}`), or the 400 Nova gives when the
 * body or the key is missing or not an object.
 */
export function envelope(call: Call, key: string): JsonObject | SimResponse {
  const body = call.req.body;
  if (!isObject(body)) return invalidInput('root', body ?? {}, `'${key}' is a required property`);
  const inner = body[key];
  if (inner === undefined) return invalidInput('root', body, `'${key}' is a required property`);
  if (!isObject(inner)) return invalidInput(key, inner, `${pyRepr(inner)} is not of type 'object'`);
  return inner;
}

/** The first property of `obj` not in `allowed`, as jsonschema's additionalProperties error. */
export function unexpectedProperty(field: string, obj: JsonObject, allowed: readonly string[]): SimResponse | undefined {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (extra.length === 0) return undefined;
  const names = extra.map((k) => pyRepr(k)).join(', ');
  return invalidInput(field, obj, `Additional properties are not allowed (${names} ${extra.length === 1 ? 'was' : 'were'} unexpected)`);
}

/** The first of `required` missing from `obj`. */
export function missingProperty(field: string, obj: JsonObject, required: readonly string[]): SimResponse | undefined {
  const missing = required.find((k) => obj[k] === undefined);
  return missing === undefined ? undefined : invalidInput(field, obj, `'${missing}' is a required property`);
}

/**
 * Nova's `name` parameter type: 1–255 characters, no leading or trailing whitespace. Returns a
 * 400 or undefined when valid.
 */
export function checkName(field: string, value: unknown): SimResponse | undefined {
  if (typeof value !== 'string') return invalidInput(field, value, `${pyRepr(value)} is not of type 'string'`);
  if (value.length < 1) return invalidInput(field, value, `${pyRepr(value)} is too short`);
  if (value.length > 255) return invalidInput(field, value, `${pyRepr(value)} is too long`);
  if (value.trim() !== value) return invalidInput(field, value, `${pyRepr(value)} does not match '^(?! )[\\S ]+(?<! )$'`);
  return undefined;
}

/**
 * An integer as Nova's flavor/quota schemas accept it (a JSON integer or a string of digits)
 * within [min, max]; returns the number or a 400.
 */
export function intParam(field: string, value: unknown, min: number, max = 0x7fffffff): number | SimResponse {
  let n: number;
  if (typeof value === 'number' && Number.isInteger(value)) n = value;
  else if (typeof value === 'string' && /^-?[0-9]+$/.test(value.trim())) n = Number(value);
  else return invalidInput(field, value, `${pyRepr(value)} is not of type 'integer', 'string'`);
  if (n < min) return invalidInput(field, value, `${pyRepr(value)} is less than the minimum of ${min}`);
  if (n > max) return invalidInput(field, value, `${pyRepr(value)} is greater than the maximum of ${max}`);
  return n;
}

/** oslo's `bool_from_string(strict=True)` plus JSON booleans, as Nova's `boolean` parameter type. */
export function boolParam(field: string, value: unknown): boolean | SimResponse {
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(text)) return true;
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(text)) return false;
  return invalidInput(field, value, `${pyRepr(value)} is not of type 'boolean', 'string'`);
}

/** Narrowing helper: validators return either a value or a refusal built by `novaError`. */
export function isRefusal(value: unknown): value is SimResponse {
  return typeof value === 'object' && value !== null && refusals.has(value);
}
