import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { copyFile, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { validatorFor } from '../diagnostics/schema-check.js';
import { PumphouseError } from '../errors.js';
import { StateLock, type LockHolder } from './lock.js';
import { emptyState, STATE_FORMAT_VERSION, type ApplyState } from './model.js';

/**
 * The state file on disk. Writes are durable and atomic: the new JSON goes to `<state>.tmp`,
 * is fsynced and renamed over the state (the directory fsynced too), after the previous version
 * was kept as `<state>.backup`; a SIGKILL at any moment leaves one of the two valid.
 *
 * Writes coalesce: update() changes the document in memory at once and resolves when a write
 * including that change is on disk; while one write is on its way, all updates share the next
 * (an apply records thousands of step transitions a second).
 */
export class StateStore {
  private document: ApplyState;
  private pending: Promise<void> | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private closed = false;
  /** Writes done, for tests and benchmarks. */
  writes = 0;

  private constructor(readonly path: string, document: ApplyState, private readonly lock: StateLock) {
    this.document = document;
  }

  /** Opens (creating it, and its folder, if absent) and locks the state file. */
  static async open(path: string, holder: { command: string }): Promise<StateStore> {
    mkdirSync(dirname(path), { recursive: true });
    const lock = StateLock.acquire(`${path}.lock`, holder.command);
    try {
      const document = readStateFile(path) ?? emptyState(randomUUID(), new Date());
      return new StateStore(path, document, lock);
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
    if (this.closed) return Promise.reject(new Error(`the state file ${this.path} is closed`));
    mutate(this.document);
    return this.flush();
  }

  /** Waits for pending writes and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.pending;
      await this.inFlight;
    } finally {
      this.closed = true;
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
    this.writes += 1;
    await writeAtomically(this.path, `${JSON.stringify(this.document)}\n`);
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp`;
  const file = await open(temp, 'w', 0o600);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  if (existsSync(path)) await copyFile(path, `${path}.backup`);
  await rename(temp, path);
  try {
    const dir = await open(dirname(path), 'r');
    await dir.sync();
    await dir.close();
  } catch {
    // Some filesystems cannot fsync a directory; the rename is still atomic.
  }
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
    throw new PumphouseError('PH1701', `cannot read the state file ${path}: ${(error as Error).message}`, { hint: 'check its permissions' });
  }
  const restore = `if it was damaged, restore the previous version: cp ${path}.backup ${path}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PumphouseError('PH1702', `the state file ${path} is not valid JSON (${(error as Error).message})`, { hint: restore });
  }
  const version = (parsed as { formatVersion?: unknown })?.formatVersion;
  if (typeof version === 'number' && version > STATE_FORMAT_VERSION) {
    throw new PumphouseError('PH1703', `the state file ${path} has format ${version}, newer than this Pumphouse understands (${STATE_FORMAT_VERSION})`, { hint: 'use the Pumphouse version that wrote it, or a newer one' });
  }
  const validate = validatorFor('state');
  if (!validate(parsed)) {
    const first = validate.errors?.[0];
    throw new PumphouseError('PH1704', `the state file ${path} is not a Pumphouse state: ${first?.instancePath || '/'} ${first?.message ?? ''}`.trim(), { hint: restore });
  }
  return parsed as ApplyState;
}
