import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import YAML from 'yaml';
import type { PasswordSink } from '../migrate/context.js';

/**
 * The passwords apply generates for copied users (`identity.passwords: reset`), kept in one YAML
 * file readable by its owner only (0600), rewritten atomically on every new password so a crash
 * never loses one that a user on the target already has. It is the only place they are written:
 * never to events, logs, the plan or the state. A resumed apply opens the file it left, so the
 * passwords of earlier runs stay in it and Pumphouse can still work as those users.
 */
export class PasswordsFile implements PasswordSink {
  private readonly passwords: Record<string, string> = {};

  constructor(readonly path: string, existing: Record<string, string> = {}) {
    Object.assign(this.passwords, existing);
  }

  /** The file at `path` with the passwords it already holds (none if it does not exist yet). */
  static open(path: string): PasswordsFile {
    if (!existsSync(path)) return new PasswordsFile(path);
    const parsed = YAML.parse(readFileSync(path, 'utf8')) as { users?: Record<string, unknown> } | null;
    const users = Object.entries(parsed?.users ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
    return new PasswordsFile(path, Object.fromEntries(users));
  }

  known(user: string): string | undefined {
    return this.passwords[user];
  }

  async record(user: string, password: string): Promise<void> {
    this.passwords[user] = password;
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.tmp`;
    const header = '# Passwords Pumphouse set on the target for copied users. Hand them over, then delete this file.\n';
    writeFileSync(temp, header + YAML.stringify({ users: this.passwords }), { mode: 0o600 });
    renameSync(temp, this.path);
  }

  get count(): number {
    return Object.keys(this.passwords).length;
  }
}

/** Refuses passwords: for plans that move no users (an unexpected call is a bug, not a leak). */
export const noPasswords: PasswordSink = {
  async record(user: string): Promise<void> {
    throw new Error(`a password was generated for ${user} but the plan names no passwords file`);
  },
  known: () => undefined,
};
