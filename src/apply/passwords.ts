import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import YAML from 'yaml';
import { errorMessage, PumphouseError } from '../errors.js';
import type { PasswordSink } from '../migrate/context.js';
import { checkPrivatePlace, writePrivateFile } from '../state/private-files.js';

/** The passwords file's codes. */
export const PASSWORDS_CODES = {
  /** The passwords file is unreadable, not Pumphouse's, a symbolic link, or in an unsafe folder. */
  unusable: 'PH1607',
} as const;

const SAFETY = { what: 'the passwords file', code: PASSWORDS_CODES.unusable, refuseSymlink: true } as const;

/**
 * The passwords apply generates for copied users (`identity.passwords: reset`), kept in one YAML
 * file readable by its owner only (0600), rewritten atomically on every new password so a crash
 * never loses one that a user on the target already has. It is the only place they are written:
 * never to events, logs, the plan or the state.
 *
 * The file only ever gains entries: it starts from what it already holds (an earlier, interrupted
 * apply's users still have those passwords on the target), so a resume never drops one.
 */
export class PasswordsFile implements PasswordSink {
  private readonly passwords: Record<string, string>;

  private constructor(readonly path: string, existing: Record<string, string>) {
    this.passwords = { ...existing };
  }

  /** Opens the file, keeping what it holds; refuses one it cannot read rather than overwrite it. */
  static async open(path: string): Promise<PasswordsFile> {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    await checkPrivatePlace(path, SAFETY);
    return new PasswordsFile(path, {});
  }

  async record(user: string, password: string): Promise<void> {
    this.passwords[user] = password;
    const header = '# Passwords Pumphouse set on the target for copied users. Hand them over, then delete this file.\n';
    await writePrivateFile(this.path, header + YAML.stringify({ users: this.passwords }), { ...SAFETY, durable: true });
  }

  has(user: string): boolean {
    return Object.hasOwn(this.passwords, user);
  }

  get count(): number {
    return Object.keys(this.passwords).length;
  }
}

function readPasswords(path: string): Record<string, string> {
  const keep = `it is never overwritten: move it aside (keeping the passwords it holds) or name another passwordsFile`;
  let parsed: unknown;
  try {
    parsed = YAML.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new PumphouseError(PASSWORDS_CODES.unusable, `cannot read the passwords file ${path}: ${errorMessage(error)}`, { hint: keep });
  }
  if (parsed === null || parsed === undefined) return {};
  const users = (parsed as { users?: unknown }).users;
  const valid = typeof parsed === 'object' && (users === undefined || users === null || (typeof users === 'object' && !Array.isArray(users) && Object.values(users).every((v) => typeof v === 'string')));
  if (!valid) throw new PumphouseError(PASSWORDS_CODES.unusable, `the passwords file ${path} is not one Pumphouse wrote (a "users" mapping of names to passwords)`, { hint: keep });
  return { ...(users as Record<string, string> | null | undefined) };
}

/** Refuses passwords: for plans that move no users (an unexpected call is a bug, not a leak). */
export const noPasswords: PasswordSink = {
  async record(user: string): Promise<void> {
    throw new Error(`a password was generated for ${user} but the plan names no passwords file`);
  },
};
