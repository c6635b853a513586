import type { PhCode } from '../errors.js';

/**
 * The state file's error codes (PH17xx), in one place so the README table and the code agree.
 * Warnings carry theirs in the event's `data.code`.
 */
export const STATE_CODES = {
  /** The state file exists but cannot be read (permissions, a folder in its place). */
  unreadable: 'PH1701',
  /** Not JSON: damaged (a disk that lied about fsync, a hand edit). */
  notJson: 'PH1702',
  /** Written by a newer Pumphouse. */
  newerFormat: 'PH1703',
  /** JSON, but not a state this version understands. */
  invalid: 'PH1704',
  /** Warning: a lock left by a process that died on this host was taken over. */
  staleLockTakenOver: 'PH1705',
  /** `state show` of a path where there is no state file. */
  missing: 'PH1706',
  /** A write was refused because the state would hold a known secret. */
  secret: 'PH1707',
  /** The state file (or its temporary or backup) could not be written. */
  unwritable: 'PH1708',
  /** The state file is a symbolic link, or its folder is world-writable without the sticky bit. */
  unsafePlace: 'PH1709',
  /** Another process holds the lock. */
  locked: 'PH1710',
  /** `state unlock` without --force. */
  unlockNeedsForce: 'PH1711',
  /** The lock could not be taken though nobody seemed to hold it (a race lost twice). */
  lockContended: 'PH1712',
} as const satisfies Record<string, PhCode>;
