import { escapeControls } from '../errors.js';
import type { Diagnostic } from './diagnostic.js';

/**
 * `file:line:col: error PH1102: message — hint` followed, when the source text is at hand, by a
 * two-line code frame with a caret under the column. Pure: colouring is the caller's business.
 */
export function formatDiagnostic(diagnostic: Diagnostic, sourceText?: string): string {
  const where = diagnostic.location
    ? `${diagnostic.location.file}:${diagnostic.location.line}:${diagnostic.location.col}: `
    : '';
  const hint = diagnostic.hint ? ` — ${diagnostic.hint}` : '';
  const head = escapeControls(`${where}${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}${hint}`);
  if (!diagnostic.location || sourceText === undefined) return head;
  return `${head}\n${codeFrame(sourceText, diagnostic.location.line, diagnostic.location.col)}`;
}

/** The offending line with its number and a caret under `col` (both 1-based). */
export function codeFrame(text: string, line: number, col: number): string {
  const lines = text.split(/\r?\n/);
  const content = lines[line - 1];
  if (content === undefined) return '';
  const gutter = `${line} | `;
  // The line is the input's own text: shown escaped, so it cannot drive the terminal.
  const raw = content.length > 160 ? `${content.slice(0, 157)}...` : content;
  const shown = escapeControls(raw);
  const caretAt = Math.min(escapeControls(raw.slice(0, Math.max(col, 1) - 1)).length + 1, shown.length + 1);
  return `${gutter}${shown}\n${' '.repeat(gutter.length + caretAt - 1)}^`;
}
