import { execFile } from 'node:child_process';

/**
 * How the ipmitool driver runs the binary, and how it reads what the binary said when it failed.
 * Kept apart from the driver so unit tests can swap the process for a fake and check the
 * classification on ipmitool's exact output strings (measured against ipmitool 1.8.19).
 */

export interface IpmitoolInvocation {
  file: string;
  args: readonly string[];
  /** The child's whole environment: the password travels here (IPMI_PASSWORD), never in args. */
  env: Record<string, string>;
  /** The child is killed once this has passed. */
  timeoutMs: number;
}

export interface IpmitoolOutcome {
  /** null when the child was killed. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Killed because it outlived `timeoutMs`. */
  timedOut: boolean;
}

/** Resolves with how ipmitool ended; rejects only when it could not be started (ENOENT, EACCES). */
export type ExecIpmitool = (invocation: IpmitoolInvocation) => Promise<IpmitoolOutcome>;

/** Enough for any chassis command's output; a runaway child is killed past it. */
const MAX_OUTPUT_BYTES = 1 << 20;

export const execIpmitool: ExecIpmitool = (invocation) =>
  new Promise((resolve, reject) => {
    execFile(
      invocation.file,
      [...invocation.args],
      // SIGKILL: the time bound must hold even if ipmitool were to ignore SIGTERM.
      { env: invocation.env, timeout: invocation.timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve({ exitCode: 0, stdout, stderr, timedOut: false });
        // A string code is a failure to start (or an output overflow), not an exit status.
        if (typeof error.code === 'string') return reject(error);
        const exitCode = typeof error.code === 'number' ? error.code : null;
        resolve({ exitCode, stdout, stderr, timedOut: exitCode === null && error.killed === true });
      },
    );
  });

/**
 * What a failed ipmitool run means.
 *   auth        the BMC refused the user or password (seen only with -v on lanplus)
 *   tooLong     ipmitool refused a user name over 16 bytes or a password over 20 (IPMI v2 limits)
 *   cipher      the BMC (or ipmitool) does not do the requested cipher suite
 *   unresolved  the BMC's host name does not resolve
 *   noSession   no RMCP+ session: silence, a busy BMC, or (without -v) bad credentials
 *   command     a session was made and the BMC refused or failed the command
 */
export type IpmitoolFailureKind = 'auth' | 'tooLong' | 'cipher' | 'unresolved' | 'noSession' | 'command';

const AUTH_REFUSED = /RAKP \d HMAC is invalid|unauthorized name|invalid role|unauthorized role or privilege|invalid user name/i;
const CREDENTIAL_TOO_LONG = /password is longer than \d+ bytes|Username is too long/i;
const CIPHER_REFUSED =
  /invalid (?:authentication|integrity|confidentiality) algorithm|no matching (?:authentication|integrity|confidentiality) payload|no cipher suite match|Unsupported cipher suite ID/i;
const UNRESOLVED = /Address lookup for \S+ failed/i;
const NO_SESSION = /Unable to establish (?:IPMI v2 \/ RMCP\+|LAN) session/i;

export function classifyFailure(stderr: string): IpmitoolFailureKind {
  if (UNRESOLVED.test(stderr)) return 'unresolved';
  if (CREDENTIAL_TOO_LONG.test(stderr)) return 'tooLong';
  if (AUTH_REFUSED.test(stderr)) return 'auth';
  if (CIPHER_REFUSED.test(stderr)) return 'cipher';
  if (NO_SESSION.test(stderr)) return 'noSession';
  return 'command';
}

// -v chatter that says nothing about the failure.
const NOISE = /^(?:Loading IANA PEN Registry|Running Get VSO Capabilities|Invalid completion code received: Invalid command|Discovered IPMB address)/;

/** The lines of ipmitool's stderr worth showing an operator, at most `maxLines`, last ones kept. */
export function significantLines(stderr: string, maxLines = 6): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0 && !NOISE.test(l));
  return lines.slice(-maxLines).join('; ');
}
