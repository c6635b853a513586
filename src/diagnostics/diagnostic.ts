import type { PhCode, SourceLocation } from '../errors.js';

/**
 * A located problem in an operator's input (pumphouse.yaml, clouds.yaml, a plan file), in the
 * Terraform tfdiags spirit: what is wrong (`summary`), where (`source`), and what to do
 * (`hint`). Plain data so it can be printed, sent as JSON, or carried in events.
 */
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Stable code, e.g. PH1102; documented in README's error table. */
  code: PhCode;
  summary: string;
  hint?: string;
  source?: SourceLocation & { /** the YAML path, e.g. "source.auth.auth_url" */ path?: string };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
