import { randomUUID } from 'node:crypto';
import { constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { copyFile, link, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { validatorFor } from '../diagnostics/schema-check.js';
import { errorMessage, InternalError, isPumphouseError, PumphouseError, quoted } from '../errors.js';
import { STATE_CODES } from './codes.js';
import { StateLock, type LockHolder } from './lock.js';
import { checkPrivatePlace, writePrivateFile } from './private-files.js';
import { emptyState, STATE_FORMAT_VERSION, type ApplyState } from './model.js';
import { SecretGuard } from './secrets.js';

export interface StateStoreOptions {
  /**
   * Secrets the state must never hold (the clouds' passwords, application credential secrets):
   * a write whose document contains one is refused (PH1707). Belt and braces: nothing should
   * put one there in the first place.
   */
  secrets?: Iterable<string>;
}

/**
 * The state file on disk. Writes are durable and atomic: the new JSON goes to a private
 * temporary beside it (private-files.ts: exclusive, unpredictable name, mode 0600), is fsynced
 * and renamed over the state (the directory fsynced too), after the previous version
 * was kept as `<state>.backup`; a SIGKILL at any moment leaves one of the two valid.
 *
 * Writes coalesce: update() changes the document in memory at once and resolves when a write
 * including that change is on disk; while one write is on its way, all updates share the next
 * (an apply records thousands of step transitions a second). note() is update() for changes
 * nothing waits on (step statuses, id mappings: a resume observes every step again and finds
 * copies by their marks): it goes out with the next write, and a failed write surfaces at the
 * next update() or at close(), unless a later write succeeded and so carried it.
 */
export class StateStore {
  private document: ApplyState;
  private pending: Promise<void> | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private closed = false;
  /** The error of the last write if it carried notes and failed; cleared by a write that succeeds. */
  private failedNote: unknown;
  /** Writes done, for tests and benchmarks. */
  writes = 0;

  /** An exit the store can see (process.exit, the loop running dry) still releases the lock. */
  private readonly releaseOnExit = (): void => this.lock.release();

  private constructor(readonly path: string, document: ApplyState, private readonly lock: StateLock, private readonly guard: SecretGuard) {
    this.document = document;
    process.on('exit', this.releaseOnExit);
  }

  /** Opens (creating it, and its folder, if absent) and locks the state file. */
  static async open(path: string, holder: { command: string }, options: StateStoreOptions = {}): Promise<StateStore> {
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new PumphouseError(STATE_CODES.unwritable, `cannot create the folder of the state file ${path}: ${errorMessage(error)}`, { hint: 'check the path and its permissions, or name another with --state PATH' });
    }
    await checkPrivatePlace(path, { what: 'the state file', code: STATE_CODES.unsafePlace, refuseSymlink: true });
    const lock = StateLock.acquire(`${path}.lock`, holder.command);
    try {
      const document = readStateFile(path) ?? emptyState(randomUUID(), new Date());
      return new StateStore(path, document, lock, new SecretGuard(options.secrets ?? []));
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  get state(): Readonly<ApplyState> {
    return this.document;
  }

  /** The holder of a stale lock this open took over (its process had died), for a warning. */
  get tookOverStaleLock(): LockHolder | undefined {
    return this.lock.tookOver;
  }

  update(mutate: (state: ApplyState) => void): Promise<void> {
    if (this.closed) return Promise.reject(new InternalError(`an update of the state file ${this.path} after it was closed`));
    mutate(this.document);
    return this.flush();
  }

  /** Applies `mutate` now; it is written with the next write, which nothing here waits for. */
  note(mutate: (state: ApplyState) => void): void {
    if (this.closed) throw new InternalError(`an update of the state file ${this.path} after it was closed`);
    mutate(this.document);
    this.flush().catch((error: unknown) => {
      this.failedNote = error;
    });
  }

  /** Waits for pending writes and releases the lock; throws if the last notes never reached the disk. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      // The last write, whatever became of it: an update()'s failure was its caller's to handle.
      await this.inFlight;
      if (this.failedNote !== undefined) throw this.failedNote;
    } finally {
      this.closed = true;
      process.off('exit', this.releaseOnExit);
      this.lock.release();
    }
  }

  /**
   * Writes never overlap and never block the event loop: while one is on its way to disk, every
   * update shares the next one, which serialises the document as it is when it starts.
   */
  private flush(): Promise<void> {
    if (this.pending) return this.pending;
    const write = this.inFlight
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        this.pending = undefined;
        return this.writeNow();
      });
    this.pending = write;
    this.inFlight = write.catch(() => undefined);
    return write;
  }

  private async writeNow(): Promise<void> {
    this.document.serial += 1;
    this.document.updatedAt = new Date().toISOString();
    const text = JSON.stringify(this.document);
    const secret = this.guard.find(this.document, text);
    if (secret) {
      throw new PumphouseError(STATE_CODES.secret, `refusing to write the state file ${this.path}: ${secret.pointer} holds ${secret.what}`, {
        hint: 'this is a bug in Pumphouse (the state must never hold a secret): run again with --debug and report it, without the secret',
      });
    }
    this.writes += 1;
    try {
      await writeAtomically(this.path, `${text}\n`);
      this.failedNote = undefined;
    } catch (error) {
      if (isPumphouseError(error)) throw error;
      throw new PumphouseError(STATE_CODES.unwritable, `cannot write the state file ${this.path}: ${errorMessage(error)}`, {
        cause: error,
        hint: 'free space or fix permissions, then run the same apply again: it resumes from the last state written',
      });
    }
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await writePrivateFile(path, text, {
    what: 'the state file',
    code: STATE_CODES.unsafePlace,
    refuseSymlink: true,
    durable: true,
    beforeRename: async () => {
      if (existsSync(path)) await keepBackup(path);
    },
  });
}

/**
 * `<state>.backup` becomes the current version, atomically: a hard link to it renamed into
 * place, so the backup is never half-copied and nothing is copied at all. Filesystems without
 * hard links get a copy.
 */
async function keepBackup(path: string): Promise<void> {
  const backup = `${path}.backup`;
  const draft = `${backup}.tmp`;
  await rm(draft, { force: true });
  try {
    await link(path, draft);
  } catch {
    // Exclusive: never through a file or link someone put there meanwhile.
    await copyFile(path, draft, constants.COPYFILE_EXCL);
  }
  await rename(draft, backup);
}

/** Reads and checks a state file without locking it; undefined when there is none. */
export async function readState(path: string): Promise<ApplyState | undefined> {
  return readStateFile(path);
}

function readStateFile(path: string): ApplyState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PumphouseError(STATE_CODES.unreadable, `cannot read the state file ${path}: ${(error as Error).message}`, { hint: 'check its permissions' });
  }
  const restore = `if it was damaged, restore the previous version: cp ${path}.backup ${path}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PumphouseError(STATE_CODES.notJson, `the state file ${path} is not valid JSON: ${quoted((error as Error).message)}`, { hint: restore });
  }
  const version = (parsed as { formatVersion?: unknown })?.formatVersion;
  if (typeof version === 'number' && version > STATE_FORMAT_VERSION) {
    throw new PumphouseError(STATE_CODES.newerFormat, `the state file ${path} has format ${version}, newer than this Pumphouse understands (${STATE_FORMAT_VERSION})`, { hint: 'use the Pumphouse version that wrote it, or a newer one' });
  }
  const validate = validatorFor('state');
  if (!validate(parsed)) {
    const first = validate.errors?.[0];
    throw new PumphouseError(STATE_CODES.invalid, `the state file ${path} is not a Pumphouse state: ${quoted(first?.instancePath || '/')} ${first?.message ?? ''}`.trim(), { hint: restore });
  }
  return parsed as ApplyState;
}
