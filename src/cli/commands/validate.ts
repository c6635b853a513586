import type { Argv } from 'yargs';
import type { CheckedPlanFile } from '../../engine/index.js';
import { painter, writeLine } from '../../render/streams.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { diagnosticsPrinter } from '../output.js';

interface ValidateArgs {
  plans: string[];
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
    const show = diagnosticsPrinter(context);
    const results: CheckedPlanFile[] = [];
    for (const file of args.plans) {
      const checked = await context.engine.validate(file);
      if (context.format !== 'json') show(checked);
      results.push(checked);
    }
    if (context.format === 'json') {
      const files = results.map(({ file, valid, diagnostics }) => ({ file, valid, diagnostics }));
      writeLine(context.streams.stdout, JSON.stringify({ files }, null, 2));
    } else {
      for (const result of results) writeLine(context.streams.stdout, verdict(result, context.color));
    }
    return results.every((r) => r.valid) ? 0 : 1;
  },
};

function verdict(result: CheckedPlanFile, color: boolean): string {
  const c = painter(color);
  const count = (severity: 'error' | 'warning') => result.diagnostics.filter((d) => d.severity === severity).length;
  const errors = count('error');
  const warnings = count('warning');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (errors > 0) return `${result.file}: ${c.red(plural(errors, 'error'))}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`;
  return `${result.file}: ${c.green('valid')}${warnings ? ` (${plural(warnings, 'warning')})` : ''}`;
}
