import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { PumphouseError } from '../errors.js';

/**
 * The state file's lock: `<state>.lock`, created exclusively (O_EXCL), naming its holder. One
 * apply at a time per state file; a second is refused and told who holds it. A lock whose
 * process died on this host (a kill, a crash) is stale and taken over, so a resume after SIGKILL
 * needs no manual step; a lock from another host is never taken over automatically.
 */
export interface LockHolder {
  command: string;
  pid: number;
  host: string;
  user: string;
  startedAt: string;
}

export const STATE_LOCKED = 'PH1710';

export class StateLock {
  private constructor(readonly path: string, readonly holder: LockHolder, readonly tookOver: LockHolder | undefined) {}

  /** Takes the lock or throws PH1710 naming the holder. */
  static acquire(path: string, command: string): StateLock {
    const holder: LockHolder = { command, pid: process.pid, host: hostname(), user: safeUser(), startedAt: new Date().toISOString() };
    let tookOver: LockHolder | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, `${JSON.stringify(holder)}\n`);
        closeSync(fd);
        return new StateLock(path, holder, tookOver);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = readHolder(path);
      if (current && isStale(current)) {
        tookOver = current;
        rmSync(path, { force: true });
        continue;
      }
      throw new PumphouseError(STATE_LOCKED, `the state file ${path.replace(/\.lock$/, '')} is locked by ${describeHolder(current)}`, {
        hint: 'wait for it to finish; if that process is gone (another host, a reboot), run `pumphouse state unlock --force`',
      });
    }
    throw new PumphouseError(STATE_LOCKED, `could not take the lock ${path}`, { hint: 'another process keeps taking it; try again' });
  }

  release(): void {
    // Only our own lock: a forced unlock may have handed it to someone else meanwhile.
    if (readHolder(this.path)?.pid === this.holder.pid) rmSync(this.path, { force: true });
  }
}

export function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'an unknown process (the lock file is unreadable)';
  return `\`${holder.command}\` (pid ${holder.pid} on host ${holder.host}, user ${holder.user}, since ${holder.startedAt})`;
}

/** Dead on this host. Unreadable locks and other hosts' locks are never stale. */
function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? '?');
  }
}
