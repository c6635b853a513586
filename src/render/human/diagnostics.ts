import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { formatDiagnostic } from '../../diagnostics/format.js';

/** A plan file's diagnostics, each with its line when the file's text is at hand: one string per diagnostic. */
export function renderDiagnostics(checked: { diagnostics: readonly Diagnostic[]; text?: string | undefined }): string[] {
  return checked.diagnostics.map((d) => formatDiagnostic(d, checked.text));
}
