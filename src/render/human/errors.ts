import { readFileSync } from 'node:fs';
import { codeFrame } from '../../diagnostics/format.js';
import { escapeControls, type PumphouseError } from '../../errors.js';
import { painter } from '../streams.js';

/**
 * An error as an operator reads it:
 *   error PH1203: cloud "c5001" is not in /etc/openstack/clouds.yaml
 *     --> pumphouse.yaml:3:10
 *   3 |   cloud: c5001
 *               ^
 *     hint: did you mean "c5000"?
 */
export function formatErrorHuman(error: PumphouseError, color: boolean): string {
  const c = painter(color);
  const lines = [`${c.red.bold('error')} ${c.bold(error.code)}: ${escapeControls(error.message)}`];
  if (error.location) {
    const { file, line, col } = error.location;
    lines.push(`  ${c.dim('-->')} ${file}:${line}:${col}`);
    const frame = safeFrame(file, line, col);
    if (frame) lines.push(...frame.split('\n').map((l) => `  ${l}`));
  }
  if (error.hint) lines.push(`  ${c.cyan('hint:')} ${escapeControls(error.hint)}`);
  return lines.join('\n');
}

function safeFrame(file: string, line: number, col: number): string | undefined {
  try {
    return codeFrame(readFileSync(file, 'utf8'), line, col) || undefined;
  } catch {
    return undefined;
  }
}

/** The JSON form of an error, as printed with --output json: the common problem shape. */
export function errorToJson(error: PumphouseError): Record<string, unknown> {
  return { error: error.toProblem() };
}
