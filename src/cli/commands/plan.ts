import { writeFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { hasChanges } from '../../engine/plan-facts.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { diagnosticsPrinter, planJson, printPlan } from '../output.js';
import { DEFAULT_STATE_PATH } from './shared.js';

interface PlanArgs {
  plan: string;
  out?: string;
  detailedExitcode: boolean;
  target: string[];
  exclude: string[];
  showNoop: boolean;
  state: string;
  probe: boolean;
}

/**
 * `pumphouse plan PLAN`: discover both clouds, diff the plan file's desired state against them,
 * and show what apply would do. Exit 0 (with --detailed-exitcode: 0 no changes, 2 changes), 1 on
 * an error or a plan that cannot be applied (conflicts, failed checks), which is still printed.
 * `--out plan.json` saves the machine plan for `apply`.
 */
export const planCommand: CliCommand<PlanArgs> = {
  name: 'plan <plan>',
  builder: (yargs: Argv) =>
    yargs
      .positional('plan', { type: 'string', describe: 'the plan file (YAML)' })
      .option('out', { type: 'string', describe: 'save the execution plan as JSON for `pumphouse apply`' })
      .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'exit 0 when there is nothing to do, 2 when there are changes' })
      .option('target', { type: 'string', array: true, default: [], describe: 'only this address (and what it needs); repeatable' })
      .option('exclude', { type: 'string', array: true, default: [], describe: 'not this address (nor what needs it); repeatable' })
      .option('probe', { type: 'boolean', default: true, describe: 'when nothing measured these clouds yet, time a short read of the source Glance and a few API calls for the downtime estimates (--no-probe: assumed figures)' })
      .option('show-noop', { type: 'boolean', default: false, describe: 'also list objects already on the target as desired' })
      .option('state', { type: 'string', default: DEFAULT_STATE_PATH, describe: 'the state file of earlier applies (its id mappings match copies first)' }),
  run: async (context: CommandContext, args: PlanArgs) => {
    const plan = await context.engine.plan({ file: args.plan, narrowing: { targets: args.target, excludes: args.exclude }, statePath: args.state, probe: args.probe }, diagnosticsPrinter(context));
    if (args.out) writeFileSync(args.out, planJson(plan));
    printPlan(context, plan, { showNoop: args.showNoop });
    if (!plan.applyable) return 1;
    return args.detailedExitcode && hasChanges(plan) ? 2 : 0;
  },
};
