/**
 * The project's error type. Every error an operator can meet is a PumphouseError: it says what
 * failed, where (a file position, a flag, or the API call), and what to do about it. The CLI
 * prints `message` and `hint` and exits 1; a stack trace only with `--debug`.
 *
 * Invariant: no message, hint or detail ever contains a secret (password, token, application
 * credential secret, BMC password). Code that builds messages from foreign text (HTTP bodies,
 * YAML input) must pass it through `redact()` of openstack/http/redact.ts.
 */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export interface PumphouseErrorOptions {
  /** What the operator can do about it, one sentence. */
  hint?: string;
  /** A position in an input file the error is about. */
  location?: SourceLocation;
  cause?: unknown;
}

export class PumphouseError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;

  constructor(code: string, message: string, options: PumphouseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PumphouseError';
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
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

/** Text of any thrown value, for wrapping foreign errors. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
