import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { DesiredState } from '../desired/model.js';
import { PumphouseError } from '../errors.js';
import { API_CODES } from './http.js';

/**
 * A plan posted to the API names files the server will write (the passwords file). Those must
 * stay in the server's own folder (the state file's): otherwise any client could have the server
 * overwrite whatever it can write (`../../x`, an absolute path). Links are followed as the write
 * would follow them, so a symlinked folder cannot lead out either.
 */
export function confinePlanPaths(desired: DesiredState, root: string): void {
  const file = desired.identity?.passwordsFile;
  if (file === undefined) return;
  const home = realpathSync(root);
  const where = relative(home, realPath(file));
  if (where === '' || where.startsWith('..') || isAbsolute(where)) {
    throw new PumphouseError(API_CODES.pathOutside, `spec.identity.passwordsFile (${file}) is outside the server's folder`, { hint: `a plan posted to the API writes only under ${home}: name a file there, relative to ${join(home, 'api-plans')} (e.g. ../${desired.name}.passwords.yaml), or leave passwordsFile out` });
  }
}

/** The real path of `path`, whose last parts may not exist yet. */
function realPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(realPath(parent), basename(absolute));
  }
}
