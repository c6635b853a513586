import { existsSync, renameSync } from 'node:fs';
import { StateLock } from '../state/lock.js';

/**
 * Sets the state file aside (`<state>.reset-<time>`) under its lock, for the sandbox's reset
 * (the original API's `POST /reset`): its mappings and checkpoints describe clouds, machines and
 * Fuel nodes the reset takes away, and a later apply must not resume from them. Returns where it
 * went, or undefined when there was none.
 */
export function setStateAside(statePath: string, now = new Date()): string | undefined {
  const lock = StateLock.acquire(`${statePath}.lock`, `pumphouse serve: POST /reset (pid ${process.pid})`);
  try {
    if (!existsSync(statePath)) return undefined;
    const aside = `${statePath}.reset-${now.toISOString().replace(/[:.]/g, '-')}`;
    renameSync(statePath, aside);
    return aside;
  } finally {
    lock.release();
  }
}
