import type { Argv } from 'yargs';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { formatDiagnostic } from '../../diagnostics/format.js';
import { loadPlanFile } from '../../plan-file/index.js';
import { painter, writeLine } from '../../render/streams.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';

interface ValidateArgs {
  plans: string[];
}

interface FileResult {
  file: string;
  valid: boolean;
  diagnostics: Diagnostic[];
}

/**
 * `pumphouse validate PLAN...`: offline checks of plan files — YAML, schema, semantic rules.
 * Needs no pumphouse.yaml and no cloud (resolution against the source is `plan`'s job). Exit 1
 * if any file has an error; warnings alone pass.
 */
export const validateCommand: CliCommand<ValidateArgs> = {
  name: 'validate <plans..>',
  builder: (yargs: Argv) => yargs.positional('plans', { type: 'string', array: true, describe: 'plan files (YAML)' }),
  run: async (context: CommandContext, args: ValidateArgs) => {
    const results: FileResult[] = args.plans.map((file) => {
      const loaded = loadPlanFile(file);
      if (context.format !== 'json') {
        for (const d of loaded.diagnostics) writeLine(context.streams.stderr, formatDiagnostic(d, loaded.source?.text));
      }
      return { file, valid: loaded.desired !== undefined, diagnostics: loaded.diagnostics };
    });
    if (context.format === 'json') writeLine(context.streams.stdout, JSON.stringify({ files: results }, null, 2));
    else for (const result of results) writeLine(context.streams.stdout, verdict(result, context.color));
    return results.every((r) => r.valid) ? 0 : 1;
  },
};

function verdict(result: FileResult, color: boolean): string {
  const c = painter(color);
  const count = (severity: Diagnostic['severity']) => result.diagnostics.filter((d) => d.severity === severity).length;
  const errors = count('error');
  const warnings = count('warning');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (errors > 0) return `${result.file}: ${c.red(plural(errors, 'error'))}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`;
  return `${result.file}: ${c.green('valid')}${warnings ? ` (${plural(warnings, 'warning')})` : ''}`;
}
