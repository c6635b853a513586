import type { Pattern } from './model.js';

/**
 * Plan-file patterns: a name, an id, or a shell-style glob (`*` any run, `?` one character).
 * Matching is case-sensitive, like OpenStack names. A plain name is expected to match one
 * object (more is ambiguous); a glob may match any number.
 */
export function isGlob(pattern: Pattern): boolean {
  return /[*?]/.test(pattern);
}

const compiled = new Map<string, RegExp>();

export function globToRegExp(pattern: Pattern): RegExp {
  let regexp = compiled.get(pattern);
  if (!regexp) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regexp = new RegExp(`^${body}$`, 's');
    compiled.set(pattern, regexp);
  }
  return regexp;
}

/** True when the pattern matches any of the candidate strings (a name, an id, a path). */
export function matchesPattern(pattern: Pattern, candidates: readonly string[]): boolean {
  if (!isGlob(pattern)) return candidates.includes(pattern);
  const regexp = globToRegExp(pattern);
  return candidates.some((c) => regexp.test(c));
}
