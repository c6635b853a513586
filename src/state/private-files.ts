import { randomBytes } from 'node:crypto';
import { lstat, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PumphouseError, type PhCode } from '../errors.js';

/**
 * Files only their owner may read (the state file, the passwords file), replaced atomically in a
 * way no other local user can subvert: the new content goes to a temporary created exclusively
 * (O_EXCL, so a planted file or symbolic link is never opened) under an unpredictable name, with
 * mode 0600 set on the open descriptor (whatever the umask), and is then renamed over the file.
 *
 * A folder anyone may write to without the sticky bit is refused: there anyone could replace the
 * file between two writes. `what` names the file in messages; `code` is the caller's PH code.
 */
export interface PrivateFileOptions {
  /** "the passwords file", "the state file". */
  what: string;
  /** The code of the refusal (a symbolic link, an unsafe folder). */
  code: PhCode;
  /** Refuse a path that is a symbolic link (its target would be read, and replaced by a rename). */
  refuseSymlink: boolean;
  /** fsync the file and its folder: it must survive a crash. */
  durable: boolean;
  /** Runs after the temporary is complete, before the rename (the state keeps a backup then). */
  beforeRename?: () => Promise<void>;
}

export async function writePrivateFile(path: string, text: string, options: PrivateFileOptions): Promise<void> {
  await checkPrivatePlace(path, options);
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(9).toString('base64url')}.tmp`);
  const file = await open(temp, 'wx', 0o600);
  let done = false;
  try {
    await file.chmod(0o600);
    await file.writeFile(text);
    if (options.durable) await file.sync();
    await file.close();
    await options.beforeRename?.();
    await rename(temp, path);
    done = true;
  } finally {
    if (!done) {
      await file.close().catch(() => undefined);
      await rm(temp, { force: true });
    }
  }
  if (options.durable) await syncFolder(dir);
}

/** Refuses a folder where others could swap the file, and (when asked) a path that is a symlink. */
export async function checkPrivatePlace(path: string, options: Pick<PrivateFileOptions, 'what' | 'code' | 'refuseSymlink'>): Promise<void> {
  const dir = dirname(path);
  const folder = await stat(dir);
  if ((folder.mode & 0o002) !== 0 && (folder.mode & 0o1000) === 0) {
    throw new PumphouseError(options.code, `refusing to write ${options.what} ${path}: its folder ${dir} is world-writable without the sticky bit, so any local user could replace it`, {
      hint: `keep it in a folder only you can write to (chmod o-w ${dir}), or name another path`,
    });
  }
  if (!options.refuseSymlink) return;
  const entry = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (entry?.isSymbolicLink()) {
    throw new PumphouseError(options.code, `refusing to use ${options.what} ${path}: it is a symbolic link, and what it points to would be read and replaced`, {
      hint: 'name the real file instead of the link, or remove the link',
    });
  }
}

async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems cannot fsync a folder; the rename is still atomic.
  }
}
