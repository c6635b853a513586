import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PhCode } from '../errors.js';
import { escapeControls, httpStatusOf, isPumphouseError, type Problem, PumphouseError, quoted } from '../errors.js';

/**
 * The API's HTTP plumbing: JSON answers, JSON errors with a code (never a stack trace, never a
 * secret), bodies read with a size limit and a content-type check.
 */

/** The API's own codes (PH40xx); their statuses are in the registry (src/errors/codes.ts) like every code's. */
export const API_CODES = {
  unauthorized: 'PH4001',
  notFound: 'PH4002',
  methodNotAllowed: 'PH4003',
  unsupportedMediaType: 'PH4004',
  tooLarge: 'PH4005',
  badRequest: 'PH4006',
  busy: 'PH4007',
  hostRefused: 'PH4012',
  originRefused: 'PH4013',
  pathOutside: 'PH4014',
  internal: 'PH4099',
} as const satisfies Record<string, PhCode>;

/** A part of a request's path, %-decoded; a malformed escape is the client's mistake (400). */
export function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new PumphouseError(API_CODES.badRequest, `the path part ${quoted(part)} has a malformed % escape`, { hint: 'write a literal % as %25' });
  }
}

/** Largest request body: a plan file is a few KB. */
export const MAX_BODY_BYTES = 1 << 20;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * The JSON error body every failure gets: `{ error: { status, code, message, hint?, location? } }`,
 * the common problem shape with the status its code has in the registry. Anything not a
 * PumphouseError is the server's own bug: PH4099, with no detail (the server log has it).
 */
export function sendError(res: ServerResponse, error: unknown, extra: Record<string, unknown> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const problem: Problem = isPumphouseError(error) ? error.toProblem() : { code: API_CODES.internal, message: 'internal error: the server log has the details' };
  sendJson(res, httpStatusOf(problem.code), { error: errorBody(problem, extra) });
}

/** A problem as an API error body: its status from the registry, its text made safe for a terminal. */
export function errorBody(problem: Problem, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: httpStatusOf(problem.code), code: problem.code, message: escapeControls(problem.message),
    ...(problem.hint ? { hint: escapeControls(problem.hint) } : {}),
    ...(problem.location ? { location: problem.location } : {}),
    ...extra,
  };
}

/** The body as text, refused when too large or not one of `types`. */
export async function readBody(req: IncomingMessage, types: readonly string[]): Promise<string> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!types.includes(type)) {
    throw new PumphouseError(API_CODES.unsupportedMediaType, `content type ${quoted(type || 'none')} is not accepted here`, { hint: `send ${types.join(' or ')}` });
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new PumphouseError(API_CODES.tooLarge, `the body is ${declared} bytes; at most ${MAX_BODY_BYTES} are accepted`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new PumphouseError(API_CODES.tooLarge, `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req, ['application/json']);
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new PumphouseError(API_CODES.badRequest, `the body is not a JSON object: ${error instanceof Error ? error.message : String(error)}`);
  }
}
