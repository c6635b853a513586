import type { Diagnostic } from './diagnostic.js';

/**
 * `file:line:col: error PH1102: summary — hint` followed, when the source text is at hand, by a
 * two-line code frame with a caret under the column. Pure: colouring is the caller's business.
 */
export function formatDiagnostic(diagnostic: Diagnostic, sourceText?: string): string {
  const where = diagnostic.source
    ? `${diagnostic.source.file}:${diagnostic.source.line}:${diagnostic.source.col}: `
    : '';
  const hint = diagnostic.hint ? ` — ${diagnostic.hint}` : '';
  const head = `${where}${diagnostic.severity} ${diagnostic.code}: ${diagnostic.summary}${hint}`;
  if (!diagnostic.source || sourceText === undefined) return head;
  return `${head}\n${codeFrame(sourceText, diagnostic.source.line, diagnostic.source.col)}`;
}

/** The offending line with its number and a caret under `col` (both 1-based). */
export function codeFrame(text: string, line: number, col: number): string {
  const lines = text.split(/\r?\n/);
  const content = lines[line - 1];
  if (content === undefined) return '';
  const gutter = `${line} | `;
  const shown = content.length > 160 ? `${content.slice(0, 157)}...` : content;
  const caretAt = Math.min(Math.max(col, 1), shown.length + 1);
  return `${gutter}${shown}\n${' '.repeat(gutter.length + caretAt - 1)}^`;
}
