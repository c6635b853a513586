import type { Argv } from 'yargs';
import { PumphouseError } from '../../errors.js';
import { applyFromCli } from '../apply-run.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { DEFAULT_STATE_PATH } from './shared.js';

interface ApplyArgs {
  plan: string;
  autoApprove: boolean;
  state: string;
  parallelism?: number;
  failFast: boolean;
  target: string[];
  exclude: string[];
  probe: boolean;
}

/**
 * `pumphouse apply PLAN`: make the target match a plan file (planned now, shown, approved), or
 * carry out a saved plan (`plan --out plan.json`, refused if stale). Resumable: the state file
 * records every step; an interrupted apply continues where it stopped. Exit 0 all done, 1 a step
 * failed (the rest went on), 3 interrupted by Ctrl-C.
 */
export const applyCommand: CliCommand<ApplyArgs> = {
  name: 'apply <plan>',
  builder: (yargs: Argv) =>
    yargs
      .positional('plan', { type: 'string', describe: 'a plan file (YAML), or a saved plan (`plan --out plan.json`)' })
      .option('auto-approve', { type: 'boolean', default: false, describe: 'do not ask before applying (required when stdin is not a terminal)' })
      .option('state', { type: 'string', default: DEFAULT_STATE_PATH, describe: 'the state file (created if absent; locked while applying)' })
      .option('parallelism', { type: 'number', describe: 'steps at once (default: the plan\'s parallelism.global)' })
      .option('fail-fast', { type: 'boolean', default: false, describe: 'start nothing new after the first failed step' })
      .option('probe', { type: 'boolean', default: true, describe: 'when nothing measured these clouds yet, time a short read of the source Glance and a few API calls for the downtime estimates (--no-probe: assumed figures; plan files only)' })
      .option('target', { type: 'string', array: true, default: [], describe: 'only this address (and what it needs); repeatable (plan files only)' })
      .option('exclude', { type: 'string', array: true, default: [], describe: 'not this address (nor what needs it); repeatable (plan files only)' }),
  run: async (context: CommandContext, args: ApplyArgs) => {
    if (args.parallelism !== undefined && !(Number.isInteger(args.parallelism) && args.parallelism >= 1)) {
      throw new PumphouseError('PH0004', `--parallelism ${args.parallelism} is not a whole number of at least 1`, { hint: 'e.g. --parallelism 8' });
    }
    const saved = args.plan.endsWith('.json');
    if (saved && (args.target.length > 0 || args.exclude.length > 0)) {
      throw new PumphouseError('PH0003', '--target and --exclude narrow a plan file, not a saved plan', { hint: 'pass them to `pumphouse plan … --out` instead' });
    }
    return applyFromCli(context, {
      planFile: args.plan,
      statePath: args.state,
      autoApprove: args.autoApprove,
      request: {
        plan: saved ? { savedFile: args.plan } : { file: args.plan, narrowing: { targets: args.target, excludes: args.exclude }, probe: args.probe },
        failFast: args.failFast,
        ...(args.parallelism !== undefined ? { parallelism: args.parallelism } : {}),
      },
    });
  },
};
