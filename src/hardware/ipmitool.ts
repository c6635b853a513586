import { InternalError, PumphouseError, errorMessage, type PhCode } from '../errors.js';
import { redact } from '../http/redact.js';
import { backoffDelay, type RetryPolicy } from '../http/retry.js';
import { done, pending, sleep, waitFor } from '../wait.js';
import { classifyFailure, execIpmitool, significantLines, type ExecIpmitool, type IpmitoolOutcome } from './ipmitool-exec.js';
import { bmcQueue, type OneAtATime } from './one-at-a-time.js';
import { HARDWARE_CODES, type PowerDriver, type PowerState } from './power.js';
import type { BmcSpec } from '../config/types.js';

/**
 * PowerDriver over IPMI v2 (RMCP+, `-I lanplus`) through the ipmitool binary, as OpenStack's
 * bare-metal service does: there is no maintained IPMI client library for Node.
 *
 * Each call is one ipmitool process with a fresh session. The password reaches ipmitool only
 * through its environment (`-E` reads IPMI_PASSWORD), so `ps` never shows it. A call is bounded
 * by `timeoutMs` from the moment it leaves the per-BMC queue, retries included.
 */

export interface IpmitoolDriverOptions {
  /** Runs the binary; unit tests pass a fake. @default child_process.execFile */
  exec?: ExecIpmitool;
  /** @default "ipmitool" (looked up on PATH) */
  binary?: string;
  /** Attempts per ipmitool command when no session can be made. @default 5 */
  maxAttempts?: number;
  /** Base of the exponential backoff between those attempts. @default 250 */
  retryBaseDelayMs?: number;
  /** Source of the backoff's jitter. @default Math.random */
  random?: () => number;
  /** Serialises the calls to one BMC. @default the process-wide bmcQueue */
  queue?: OneAtATime;
  /** Between power status reads while waiting for a host to come on. @default 1000 */
  pollIntervalMs?: number;
}

const DEFAULT_PORT = 623;
const DEFAULT_CIPHER_SUITE = 3;
const DEFAULT_TIMEOUT_MS = 20_000;
// ipmitool's own retransmission: 1 s, one retry. An unanswered attempt gives up after ~2 s, so
// the rest of the budget goes to our retries, which can back off and diagnose with -v.
const SESSION_TIMING = ['-N', '1', '-R', '1'];
// Not worth starting an attempt with less left: even a healthy BMC takes 0.1–0.3 s per call.
const MIN_ATTEMPT_MS = 500;
// Tells the BMC not to clear the boot flags 60 s after they are set (IPMI boot option
// parameter 3, "boot flag valid bit clearing"); ipmitool's `bootdev` does not send it.
const KEEP_BOOT_FLAGS_PAST_60S = ['raw', '0x00', '0x08', '0x03', '0x08'];

export class IpmitoolDriver implements PowerDriver {
  readonly description: string;
  private readonly port: number;
  private readonly cipherSuite: number;
  private readonly timeoutMs: number;
  private readonly exec: ExecIpmitool;
  private readonly binary: string;
  private readonly maxAttempts: number;
  private readonly retry: RetryPolicy;
  private readonly queue: OneAtATime;
  private readonly pollIntervalMs: number;

  constructor(private readonly spec: BmcSpec, options: IpmitoolDriverOptions = {}) {
    if (spec.driver !== 'ipmitool') throw new InternalError(`IpmitoolDriver given a ${spec.driver} BMC`);
    this.port = spec.port ?? DEFAULT_PORT;
    this.cipherSuite = spec.cipherSuite ?? DEFAULT_CIPHER_SUITE;
    this.timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.description = `ipmitool ${spec.address}:${this.port}`;
    this.exec = options.exec ?? execIpmitool;
    this.binary = options.binary ?? 'ipmitool';
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retry = { maxRetries: this.maxAttempts - 1, baseDelayMs: options.retryBaseDelayMs ?? 250, maxDelayMs: 2_000, random: options.random ?? Math.random };
    this.queue = options.queue ?? bmcQueue;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
  }

  powerState(): Promise<PowerState> {
    return this.serialised(() => this.readPowerState());
  }

  powerOn(): Promise<void> {
    return this.serialised(async () => {
      await this.ipmitool(['chassis', 'power', 'on']);
    });
  }

  powerOff(): Promise<void> {
    return this.serialised(async () => {
      await this.ipmitool(['chassis', 'power', 'off']);
    });
  }

  /** One queue turn for the whole sequence, so nothing else reaches the BMC between its steps. */
  bootFromNetwork(): Promise<void> {
    return this.serialised(async () => {
      await this.keepBootFlags();
      await this.ipmitool(['chassis', 'bootdev', 'pxe']);
      if ((await this.readPowerState()) === 'on') {
        await this.ipmitool(['chassis', 'power', 'reset']);
      } else {
        await this.ipmitool(['chassis', 'power', 'on']);
        await this.waitUntilOn();
      }
    });
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(`${this.spec.address}:${this.port}`, task);
  }

  private async readPowerState(): Promise<PowerState> {
    const stdout = await this.ipmitool(['chassis', 'power', 'status']);
    const match = /^Chassis Power is (on|off)\s*$/m.exec(stdout);
    if (!match) {
      throw this.error(HARDWARE_CODES.commandFailed, `"chassis power status" printed no power state: ${JSON.stringify(stdout.trim().slice(0, 200))}`, {
        hint: 'the BMC answered in a way this driver does not understand: try the same ipmitool command by hand',
      });
    }
    return match[1] as PowerState;
  }

  /** Best effort: BMCs that do not know the parameter still honour `bootdev` within 60 s. */
  private async keepBootFlags(): Promise<void> {
    try {
      await this.ipmitool(KEEP_BOOT_FLAGS_PAST_60S);
    } catch (error) {
      if (!(error instanceof PumphouseError && error.code === HARDWARE_CODES.commandFailed)) throw error;
    }
  }

  /** After `power on`: the BMC accepted it; check the host really came on. */
  private async waitUntilOn(): Promise<void> {
    await waitFor(async () => ((await this.readPowerState()) === 'on' ? done(undefined) : pending(undefined)), {
      intervalMs: this.pollIntervalMs,
      timeoutMs: this.timeoutMs,
      timeoutError: () =>
        this.error(HARDWARE_CODES.commandFailed, `the BMC accepted "chassis power on" but the host was still off after ${seconds(this.timeoutMs)}`, {
          hint: "check the host's power supply and the BMC's event log (ipmitool sel list)",
        }),
    });
  }

  /**
   * Runs one ipmitool command and returns its stdout. When no session can be made, retries with
   * backoff within the time budget; from the second attempt on with -v, whose output is the only
   * place ipmitool tells refused credentials apart from silence (those are not retried).
   */
  private async ipmitool(command: readonly string[]): Promise<string> {
    const deadline = Date.now() + this.timeoutMs;
    let lastStderr = '';
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.spawn(command, attempt > 0, deadline - Date.now());
      if (outcome.timedOut) throw this.unreachable(attempt + 1, `${lastStderr}\n${outcome.stderr}`);
      if (outcome.exitCode === 0) return outcome.stdout;
      lastStderr = outcome.stderr;
      this.throwUnlessNoSession(command, outcome);
      const delay = backoffDelay(this.retry, attempt);
      if (attempt + 1 >= this.maxAttempts || Date.now() + delay + MIN_ATTEMPT_MS > deadline) {
        throw this.unreachable(attempt + 1, lastStderr);
      }
      await sleep(delay);
    }
  }

  private async spawn(command: readonly string[], verbose: boolean, timeoutMs: number): Promise<IpmitoolOutcome> {
    try {
      // At least 1 ms: execFile treats a timeout of 0 as none at all.
      return await this.exec({ file: this.binary, args: this.argv(command, verbose), env: this.childEnv(), timeoutMs: Math.max(1, timeoutMs) });
    } catch (error) {
      throw this.startFailure(error);
    }
  }

  private argv(command: readonly string[], verbose: boolean): string[] {
    const { address, username } = this.spec;
    const connection = ['-I', 'lanplus', '-C', String(this.cipherSuite), '-H', address, '-p', String(this.port), '-U', username, '-E'];
    return [...connection, ...SESSION_TIMING, ...(verbose ? ['-v'] : []), ...command];
  }

  /** Only what ipmitool needs: the password, a PATH, and a C locale for the strings we parse. */
  private childEnv(): Record<string, string> {
    return { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', IPMI_PASSWORD: this.spec.password };
  }

  /** Throws the error a failed run stands for, unless it is one worth another attempt. */
  private throwUnlessNoSession(command: readonly string[], outcome: IpmitoolOutcome): void {
    const detail = this.clean(significantLines(outcome.stderr));
    switch (classifyFailure(outcome.stderr)) {
      case 'noSession':
        return;
      case 'auth':
        throw this.error(HARDWARE_CODES.authFailed, `the BMC refused user "${this.spec.username}" or its password (${detail})`, {
          hint: 'check the bmc username and password of this host in pumphouse.yaml, and that the user may log in over IPMI LAN with ADMINISTRATOR privilege',
        });
      case 'tooLong':
        throw this.error(HARDWARE_CODES.authFailed, `ipmitool refused the credentials before contacting the BMC (${detail})`, {
          hint: 'IPMI v2 allows user names of at most 16 bytes and passwords of at most 20: check the bmc username and password of this host in pumphouse.yaml',
        });
      case 'cipher':
        throw this.error(HARDWARE_CODES.cipherUnsupported, `the BMC does not offer RMCP+ cipher suite ${this.cipherSuite} (${detail})`, {
          hint: "set the host's bmc cipher_suite in pumphouse.yaml to one the BMC offers, e.g. 3 or 17",
        });
      case 'unresolved':
        throw this.error(HARDWARE_CODES.unreachable, `the BMC's address "${this.spec.address}" does not resolve (${detail})`, {
          hint: "check the host's bmc address in pumphouse.yaml and this machine's DNS",
        });
      case 'command':
        throw this.error(HARDWARE_CODES.commandFailed, `"ipmitool ${command.join(' ')}" failed (exit ${outcome.exitCode ?? 'signal'}): ${detail || 'no message'}`, {
          hint: "the BMC answered but refused the command: check that the user has ADMINISTRATOR privilege and the BMC's event log",
        });
    }
  }

  private unreachable(attempts: number, stderr: string): PumphouseError {
    const detail = this.clean(significantLines(stderr, 3));
    const said = detail ? `; ipmitool said: ${detail}` : '';
    return this.error(HARDWARE_CODES.unreachable, `no answer from the BMC within ${seconds(this.timeoutMs)} (${attempts} attempt${attempts === 1 ? '' : 's'})${said}`, {
      hint: `check the BMC's address and UDP port ${this.port}, that IPMI over LAN is enabled on it, and that no firewall drops the traffic; a slow BMC may need a larger timeout_seconds`,
    });
  }

  private startFailure(error: unknown): PumphouseError {
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      return this.error(HARDWARE_CODES.toolMissing, `cannot run "${this.binary}": not found`, { hint: 'apt-get install ipmitool', cause: error });
    }
    return this.error(HARDWARE_CODES.commandFailed, `cannot run "${this.binary}": ${this.clean(errorMessage(error))}`, {
      hint: `check that ${this.binary} is an executable ipmitool`,
      cause: error,
    });
  }

  private error(code: PhCode, message: string, options: { hint: string; cause?: unknown }): PumphouseError {
    return new PumphouseError(code, `${this.description}: ${this.clean(message)}`, options);
  }

  /** Foreign text is masked of the password before it reaches a message, just in case. */
  private clean(text: string): string {
    return redact(text, [this.spec.password]);
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
