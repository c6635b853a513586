import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { errorMessage, isPumphouseError, PumphouseError, quoted } from '../errors.js';
import { STATE_CODES } from './codes.js';

/**
 * The state file's lock: `<state>.lock`, created exclusively, naming its holder. One apply at a
 * time per state file; a second is refused and told who holds it. A lock whose process died on
 * this host (a kill, a crash) is stale and taken over, so a resume after SIGKILL needs no manual
 * step; a lock from another host is never taken over automatically (its pid means nothing here).
 */
export interface LockHolder {
  command: string;
  pid: number;
  host: string;
  user: string;
  startedAt: string;
}

/**
 * Two openers that find the same stale lock must not both take it over (each removing the
 * other's fresh lock). Whoever creates this file first does the takeover; it is held for a few
 * milliseconds, so one older than this was left by a process killed in between.
 */
const TAKEOVER_GUARD_STALE_MS = 10_000;

/**
 * Locks this process holds. A lock naming our own pid that we do not hold was left by a dead
 * process whose pid we got again (a restarted container numbers its processes afresh).
 */
const heldHere = new Set<string>();

export class StateLock {
  private constructor(readonly path: string, readonly holder: LockHolder, readonly tookOver: LockHolder | undefined) {}

  /**
   * Takes the lock or throws PH1710 naming the holder. `what` names the locked file in messages
   * (default: the state file), `hint` says what to do when it is held.
   */
  static acquire(path: string, command: string, about: { what?: string; hint?: string } = {}): StateLock {
    const holder: LockHolder = { command, pid: process.pid, host: hostname(), user: safeUser(), startedAt: new Date().toISOString() };
    let tookOver: LockHolder | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (createOrExplain(path, `${JSON.stringify(holder)}\n`, about.what ?? 'the state file')) {
        heldHere.add(resolve(path));
        return new StateLock(path, holder, tookOver);
      }
      const current = readHolder(path);
      if (current === undefined && !existsQuietly(path)) continue; // released meanwhile: try again
      if (!current || !isStale(current, path)) {
        throw new PumphouseError(STATE_CODES.locked, `${about.what ?? 'the state file'} ${path.replace(/\.lock$/, '')} is locked by ${describeHolder(current)}`, {
          hint: about.hint ?? 'wait for it to finish, or if it is gone run `pumphouse state unlock --force`',
        });
      }
      if (removeStaleLock(path, current)) tookOver = current;
    }
    throw new PumphouseError(STATE_CODES.lockContended, `could not take the lock ${path}: other processes keep taking it`, { hint: 'is another apply starting on this state? try again' });
  }

  /** Removes the lock if it is still ours (a forced unlock may have handed it to another). */
  release(): void {
    const current = readHolder(this.path);
    heldHere.delete(resolve(this.path));
    if (current?.pid === this.holder.pid && current.host === this.holder.host && current.startedAt === this.holder.startedAt) rmSync(this.path, { force: true });
  }
}

/** createExclusively, with a folder that cannot be written to told as such (PH1708), not as a bug. */
function createOrExplain(path: string, content: string, what: string): boolean {
  try {
    return createExclusively(path, content);
  } catch (error) {
    if (isPumphouseError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'the filesystem is read-only' : errorMessage(error);
    throw new PumphouseError(STATE_CODES.unwritable, `cannot lock ${what} ${path.replace(/\.lock$/, '')}: cannot create files in ${dirname(path)} (${why})`, {
      hint: `the user running pumphouse must be able to write to ${dirname(path)} (check its owner and permissions), or name another place with --state PATH`,
    });
  }
}

/**
 * Creates `path` with `content` only if it does not exist, and never leaves it half-written:
 * the content goes to a private file that is then hard-linked into place (link() fails with
 * EEXIST, like O_EXCL). An empty lock from a kill between open and write could never be judged
 * stale. Filesystems without hard links get a plain O_EXCL ('wx') create.
 */
function createExclusively(path: string, content: string): boolean {
  // Exclusive and unpredictable, like every private file (private-files.ts): never a planted one.
  const draft = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(draft, content, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw error;
    return createWithExclusiveOpen(path, content);
  } finally {
    rmSync(draft, { force: true });
  }
}

function createWithExclusiveOpen(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes the lock `stale` held, unless someone else got there first; true when it did.
 * Exported for its tests: the race it guards against is too narrow to provoke from outside.
 */
export function removeStaleLock(path: string, stale: LockHolder): boolean {
  const guard = `${path}.takeover`;
  if (!createWithExclusiveOpen(guard, String(process.pid))) {
    clearAbandonedGuard(guard);
    return false;
  }
  try {
    // Still the same dead holder? Another opener may have taken over and locked meanwhile.
    const now = readHolder(path);
    if (!now || now.pid !== stale.pid || now.host !== stale.host || now.startedAt !== stale.startedAt) return false;
    rmSync(path, { force: true });
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

function clearAbandonedGuard(guard: string): void {
  try {
    if (Date.now() - statSync(guard).mtimeMs > TAKEOVER_GUARD_STALE_MS) rmSync(guard, { force: true });
  } catch {
    // Gone already.
  }
}

export function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? (parsed as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'an unknown process (the lock file is unreadable)';
  // The lock file is anyone's text: its command is quoted, like all untrusted text in a message.
  return `${quoted(holder.command)} (pid ${holder.pid} on host ${holder.host}, user ${holder.user}, since ${holder.startedAt})`;
}

function existsQuietly(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Dead on this host. Unreadable locks and other hosts' locks are never stale. */
function isStale(holder: LockHolder, path: string): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return !heldHere.has(resolve(path));
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: alive, run by another user.
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
