import { repoPath } from '../schemas.js';

/** The file primitives the front ends share with the engine: owner-only files written through temporaries, and locks that name their holder. */
export { writePrivateFile } from '../state/private-files.js';
export { StateLock } from '../state/lock.js';

/**
 * Files Pumphouse ships beside its code (package.json "files" keeps them in the package): the
 * example plans, the dashboard, schemas/ (the OpenAPI document among them).
 */
export function shippedPath(...parts: string[]): string {
  return repoPath(...parts);
}
