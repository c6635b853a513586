import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage, PumphouseError } from '../errors.js';
import { STATE_CODES } from '../state/codes.js';
import { describeHolder, readHolder } from '../state/lock.js';
import type { ApplyState } from '../state/model.js';
import { readState } from '../state/store.js';

export interface StateView {
  path: string;
  state: ApplyState;
  /** Who holds the state's lock, described; undefined when it is free. */
  lockedBy?: string;
}

/** The state file as `state show` and `GET /v1/state` show it (PH1706 when there is none). */
export async function showState(path: string): Promise<StateView> {
  const state = await readState(path);
  if (!state) throw new PumphouseError(STATE_CODES.missing, `there is no state file at ${path}`, { hint: 'apply writes it; name another with --state PATH' });
  const lockedBy = lockHolder(path);
  return { path, state, ...(lockedBy ? { lockedBy } : {}) };
}

/** The lock's holder, described, or undefined when the state is not locked. */
export function lockHolder(path: string): string | undefined {
  const lockPath = `${path}.lock`;
  return existsSync(lockPath) ? describeHolder(readHolder(lockPath)) : undefined;
}

/** Removes a lock left behind; without `force` it refuses (PH1711). Returns whose lock it was, if any. */
export function unlockState(path: string, force: boolean): { removed?: string } {
  const holder = lockHolder(path);
  if (holder === undefined) return {};
  if (!force) {
    throw new PumphouseError(STATE_CODES.unlockNeedsForce, `${path} is locked by ${holder}; not unlocking without --force`, {
      hint: 'make sure that apply is not running (on any host), then run `pumphouse state unlock --force`',
    });
  }
  rmSync(`${path}.lock`, { force: true });
  return { removed: holder };
}

/** Makes the state file's folder (owner-only) if it is not there: PH1708 when it cannot. */
export function ensureStateFolder(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new PumphouseError(STATE_CODES.unwritable, `cannot create the folder of the state file ${path}: ${errorMessage(error)}`, { hint: 'check the path and its permissions, or name another with --state PATH' });
  }
}
