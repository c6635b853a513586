import type { Problem } from '../errors.js';

/**
 * A located problem in an operator's input (pumphouse.yaml, clouds.yaml, a plan file), in the
 * Terraform tfdiags spirit: the common problem shape (what is wrong, where, what to do) with a
 * severity, since input can be merely doubtful. Plain data so it can be printed, sent as JSON, or
 * carried in events.
 */
export interface Diagnostic extends Problem {
  severity: 'error' | 'warning';
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
