import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeControls, isPumphouseError, quoted } from '../errors.js';

/**
 * The API's HTTP plumbing: JSON answers, JSON errors with a code (never a stack trace, never a
 * secret), bodies read with a size limit and a content-type check.
 */

/** An error the API answers with its own status; `code` is a PH40xx (or the engine's PHxxxx). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly hint?: string) {
    super(message);
  }
}

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
} as const;

/** A part of a request's path, %-decoded; a malformed escape is the client's mistake (400). */
export function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ApiError(400, API_CODES.badRequest, `the path part ${quoted(part)} has a malformed % escape`, 'write a literal % as %25');
  }
}

/** Largest request body: a plan file is a few KB. */
export const MAX_BODY_BYTES = 1 << 20;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** The JSON error body every failure gets: `{ error: { status, code, message, hint? } }`. */
export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof ApiError) {
    sendJson(res, error.status, { error: { status: error.status, code: error.code, message: escapeControls(error.message), ...(error.hint ? { hint: escapeControls(error.hint) } : {}) } });
  } else if (isPumphouseError(error)) {
    const status = statusOfEngineError(error.code);
    sendJson(res, status, { error: { status, code: error.code, message: escapeControls(error.message), ...(error.hint ? { hint: escapeControls(error.hint) } : {}) } });
  } else {
    sendJson(res, 500, { error: { status: 500, code: API_CODES.internal, message: 'internal error: the server log has the details' } });
  }
}

/**
 * The status of an engine error reaching the API: the state held by another apply is a conflict;
 * a plan file or what it selects is the client's to fix; a cloud, a BMC or Fuel failing is a bad
 * gateway; anything else is the server's own failure (its message is still safe to show).
 */
export function statusOfEngineError(code: string): number {
  if (code === 'PH1710' || code === 'PH1712') return 409;
  if (/^PH1[34]\d\d$/.test(code) || code === 'PH1601' || code === 'PH1602') return 400;
  if (/^PH(2\d|18|19)\d\d$/.test(code)) return 502;
  return 500;
}

/** The body as text, refused when too large or not one of `types`. */
export async function readBody(req: IncomingMessage, types: readonly string[]): Promise<string> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!types.includes(type)) {
    throw new ApiError(415, API_CODES.unsupportedMediaType, `content type ${quoted(type || 'none')} is not accepted here`, `send ${types.join(' or ')}`);
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, API_CODES.tooLarge, `the body is ${declared} bytes; at most ${MAX_BODY_BYTES} are accepted`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, API_CODES.tooLarge, `the body is over ${MAX_BODY_BYTES} bytes`);
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
    throw new ApiError(400, API_CODES.badRequest, `the body is not a JSON object: ${error instanceof Error ? error.message : String(error)}`);
  }
}
