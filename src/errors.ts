/**
 * The project's error type. Every error an operator can meet is a PumphouseError: it says what
 * failed, where (a file position, a flag, or the API call), and what to do about it. The CLI
 * prints `message` and `hint` and exits with its code's exit code (src/errors/codes.ts); a stack
 * trace only with `--debug`.
 *
 * Invariant: no message, hint or detail ever contains a secret (password, token, application
 * credential secret, BMC password). Code that builds messages from foreign text (HTTP bodies,
 * YAML input) must pass it through `redact()` of http/redact.ts, and quote text it did
 * not write (a damaged file, a name from a cloud, a request header) with `quoted()`; renderers
 * pass every message through `escapeControls()` all the same.
 */
import { CODES, type PhCode } from './errors/codes.js';

export { CODES, exitCodeOf, httpStatusOf, isPhCode, type CodeInfo, type PhCode, type ProblemKind } from './errors/codes.js';

export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/**
 * The one shape of "a problem": a registered code, what is wrong (naming what and where), what
 * to do, and where in an input file when it is about one. Thrown as a PumphouseError, recorded
 * as a step's error in the state file, answered as an API error body, listed as a pre-flight
 * check or an inventory diagnostic.
 */
export interface Problem {
  code: PhCode;
  message: string;
  /** What the operator can do about it, one sentence. */
  hint?: string;
  location?: ProblemLocation;
}

/** A position in an input file, with the YAML path there when known ("source.auth.auth_url"). */
export interface ProblemLocation extends SourceLocation {
  path?: string;
}

export interface PumphouseErrorOptions {
  /** What the operator can do about it, one sentence. */
  hint?: string;
  /** A position in an input file the error is about. */
  location?: ProblemLocation;
  cause?: unknown;
  /** Whether another attempt may succeed, when this error knows better than its code (an HTTP 503 does). */
  retryable?: boolean;
}

export class PumphouseError extends Error {
  readonly code: PhCode;
  readonly hint: string | undefined;
  readonly location: ProblemLocation | undefined;
  /** Another attempt of the same work may succeed; the executor retries a step only then. */
  readonly retryable: boolean;

  constructor(code: PhCode, message: string, options: PumphouseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PumphouseError';
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
    this.retryable = options.retryable ?? CODES[code].retryable;
  }

  /** The error as the common problem shape (no cause, no stack: those are for --debug). */
  toProblem(): Problem {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}), ...(this.location ? { location: this.location } : {}) };
  }
}

/** A bug in Pumphouse rather than in its input or its environment. */
export class InternalError extends PumphouseError {
  constructor(message: string, cause?: unknown) {
    super('PH0001', message, { cause, hint: 'this is a bug in pumphouse: run again with --debug and report the output' });
    this.name = 'InternalError';
  }
}

export function isPumphouseError(error: unknown): error is PumphouseError {
  return error instanceof PumphouseError;
}

/** Any thrown value as a problem: a PumphouseError as itself, anything else as the bug it is (PH0001). */
export function problemOf(error: unknown): Problem {
  if (isPumphouseError(error)) return error.toProblem();
  return new InternalError(errorMessage(error)).toProblem();
}

/** Any thrown value as one line with its code ("PH2100 …"), for a report field or a log line that holds text. */
export function codedMessage(error: unknown): string {
  const problem = problemOf(error);
  return `${problem.code} ${problem.message}`;
}

/** Whether another attempt may succeed: only errors that say so (the clients mark theirs). */
export function isRetryable(error: unknown): boolean {
  return isPumphouseError(error) && error.retryable;
}

/** Text of any thrown value, for wrapping foreign errors. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Characters that must never reach a terminal raw from text Pumphouse did not write: C0 and C1
 * controls (escape sequences, bells, carriage returns that overwrite a line), DEL, and Unicode's
 * invisible bidirectional and line controls (U+202E makes "exe.txt" read "txt.exe").
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const UNSAFE_KEEPING_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function escapeChar(char: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return named[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Untrusted text as it may appear in a message: in double quotes, with every unsafe character
 * (line breaks included) as a \\uXXXX escape, and cut after `max` characters.
 */
export function quoted(text: string, max = 200): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const body = cut.replace(/["\\]/g, (c) => `\\${c}`).replace(UNSAFE, escapeChar);
  return cut === text ? `"${body}"` : `"${body}…" (${text.length} characters)`;
}

/** A whole message on its way to a terminal: its line breaks and tabs stay, nothing else unsafe does. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE_KEEPING_LINES, escapeChar);
}
