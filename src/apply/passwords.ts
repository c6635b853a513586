import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import YAML from 'yaml';
import { errorMessage, PumphouseError, quoted, type PhCode } from '../errors.js';
import type { Change } from '../diff/changes.js';
import type { EventSink } from '../events/sink.js';
import type { StepRecord } from '../state/model.js';
import type { Step } from '../graph/steps.js';
import type { Inventory } from '../inventory/model.js';
import type { PasswordSink } from '../migrate/context.js';
import { checkPrivatePlace, writePrivateFile } from '../state/private-files.js';

/** The passwords file's codes. */
export const PASSWORDS_CODES = {
  /** The passwords file is unreadable, not Pumphouse's, a symbolic link, or in an unsafe folder. */
  unusable: 'PH1607',
  /** Warning: a user is on the target but its password is not in the file. */
  userWithoutPassword: 'PH1609',
} as const satisfies Record<string, PhCode>;

const HEADER = '# Passwords Pumphouse set on the target for copied users. Hand them over, then delete this file.\n';

const SAFETY = { what: 'the passwords file', code: PASSWORDS_CODES.unusable, refuseSymlink: true } as const;

/**
 * The passwords apply generates for copied users (`identity.passwords: reset`), kept in one YAML
 * file readable by its owner only (0600), rewritten atomically on every new password so a crash
 * never loses one that a user on the target already has. It is the only place they are written:
 * never to events, logs, the plan or the state. Pumphouse also works as those users with them
 * (it boots a server as its owner).
 *
 * The file only ever gains entries: it starts from what it already holds (an earlier, interrupted
 * apply's users still have those passwords on the target), so a resume never drops one.
 */
export class PasswordsFile implements PasswordSink {
  private readonly passwords: Record<string, string>;
  /** The last write, which the next one waits for. */
  private writing: Promise<void> = Promise.resolve();

  private constructor(readonly path: string, existing: Record<string, string>) {
    this.passwords = { ...existing };
  }

  /** Opens the file, keeping what it holds; refuses one it cannot read rather than overwrite it. */
  static async open(path: string): Promise<PasswordsFile> {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    await checkPrivatePlace(path, SAFETY);
    return new PasswordsFile(path, existsSync(path) ? readPasswords(path) : {});
  }


  known(user: string): string | undefined {
    return this.passwords[user];
  }

  /**
   * Records a password and returns once the file on disk holds it. Writes run one at a time, each
   * with every password recorded so far: two user steps recording at once could otherwise rename
   * their files in the other order, the older text last, and a user made right after would have
   * a password no file holds (the chaos test found it).
   */
  async record(user: string, password: string): Promise<void> {
    this.passwords[user] = password;
    const write = this.writing.then(() => writePrivateFile(this.path, HEADER + YAML.stringify({ users: this.passwords }), { ...SAFETY, durable: true }));
    this.writing = write.catch(() => undefined);
    await write;
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
  const valid = typeof parsed === 'object' && !Array.isArray(parsed) && (users === undefined || users === null || (typeof users === 'object' && !Array.isArray(users) && Object.values(users).every((v) => typeof v === 'string')));
  if (!valid) throw new PumphouseError(PASSWORDS_CODES.unusable, `the passwords file ${path} is not one Pumphouse wrote (a "users" mapping of names to passwords)`, { hint: keep });
  return { ...(users as Record<string, string> | null | undefined) };
}

export interface PasswordCheckInput {
  changes: readonly Change[];
  steps: readonly Step[];
  /** The state's step records after the apply. */
  records: Readonly<Record<string, StepRecord>>;
  source: Inventory;
  passwords: PasswordsFile;
  events: EventSink;
}

/**
 * After an apply with `passwords: reset`: every user of the plan that is on the target (it was
 * there when planned, or a step of it is done) but whose password the file does not hold (the file
 * was handed over and deleted, or the user was there before Pumphouse) gets a warning saying so,
 * since nobody may know its password. Pumphouse never resets the password of an existing user.
 */
export function warnUsersWithoutPasswords(input: PasswordCheckInput): void {
  const names = new Map(input.source.resources.filter((r) => r.kind === 'user').map((r) => [r.address, r.name]));
  for (const change of input.changes) {
    if (change.kind !== 'user') continue;
    // Only users this state's applies created have a password Pumphouse set; the target's own
    // users (admin, or one matched by name) are none of its business.
    const created = input.records[`create:${change.address}`]?.status === 'done';
    const name = names.get(change.address);
    if (!created || name === undefined || input.passwords.has(name)) continue;
    input.events.emit({
      type: 'warning', level: 'warn',
      message: `user ${quoted(name)} is on the target but its password is not in ${input.passwords.path}: whoever needs it cannot be told`,
      data: { code: PASSWORDS_CODES.userWithoutPassword, hint: `set a new one on the target (openstack user set --password-prompt ${name}) and hand it over; Pumphouse does not reset the password of a user that already exists` },
    });
  }
}

/** Refuses passwords: for plans that move no users (an unexpected call is a bug, not a leak). */
export const noPasswords: PasswordSink = {
  async record(user: string): Promise<void> {
    throw new PumphouseError('PH1686', `a password was generated for ${user} but the plan names no passwords file`, { hint: 'this is a bug in pumphouse: run again with --debug and report the output' });
  },
  known: () => undefined,
};
