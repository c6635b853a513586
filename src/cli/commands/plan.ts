import { type Calibration, calibrate } from '../../diff/estimate.js';
import { writeFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { PumphouseError } from '../../errors.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { formatDiagnostic } from '../../diagnostics/format.js';
import { hasChanges, type ExecutionPlan } from '../../execution-plan/plan.js';
import { makePlan } from '../../execution-plan/make.js';
import { loadPlanFile } from '../../plan-file/index.js';
import { renderPlanHuman } from '../../render/human/plan.js';
import { renderPlanMarkdown } from '../../render/markdown/plan.js';
import { writeLine } from '../../render/streams.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import type { Inventory } from '../../inventory/model.js';
import { readState } from '../../state/store.js';
import { describeClouds } from './clouds.js';
import { DEFAULT_STATE_PATH } from './shared.js';
import { discoverClouds } from './discover.js';
import { applyUserAddress } from '../../diff/losses.js';

interface PlanArgs {
  plan: string;
  out?: string;
  detailedExitcode: boolean;
  target: string[];
  exclude: string[];
  showNoop: boolean;
  state: string;
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
      .option('show-noop', { type: 'boolean', default: false, describe: 'also list objects already on the target as desired' })
      .option('state', { type: 'string', default: DEFAULT_STATE_PATH, describe: 'the state file of earlier applies (its id mappings match copies first)' }),
  run: async (context: CommandContext, args: PlanArgs) => {
    const plan = await planFromFile(context, args.plan, { targets: args.target, excludes: args.exclude }, args.state);
    if (args.out) writeFileSync(args.out, planJson(plan));
    printPlan(context, plan, { showNoop: args.showNoop });
    if (!plan.applyable) return 1;
    return args.detailedExitcode && hasChanges(plan) ? 2 : 0;
  },
};

/** Reads and checks the plan file, discovers both clouds, and makes the execution plan. */
export async function planFromFile(context: CommandContext, file: string, narrowing: { targets: string[]; excludes: string[] }, statePath = DEFAULT_STATE_PATH): Promise<ExecutionPlan> {
  const loaded = loadPlanFile(file);
  for (const d of loaded.diagnostics) writeLine(context.streams.stderr, formatDiagnostic(d, loaded.source?.text));
  if (!loaded.desired || hasErrors(loaded.diagnostics)) {
    throw new PumphouseError('PH1399', `${file} is not a valid plan file (see above)`, { hint: `run \`pumphouse validate ${file}\` while you fix it` });
  }
  const [[source, target], descriptions] = await Promise.all([discoverClouds(context, 'both'), describeClouds(context, 'target')]);
  const compute = descriptions[0]?.services.find((s) => s.type === 'compute');
  return makePlan({
    desired: loaded.desired,
    source: source!,
    target: target!,
    ...(await readEarlierApplies(statePath)),
    targets: narrowing.targets,
    excludes: narrowing.excludes,
    ...(compute?.maxMicroversion ? { targetComputeMaxMicroversion: compute.maxMicroversion } : {}),
    ...applyUserOf(context),
    now: new Date(),
  }).plan;
}

/** Loads and checks a plan file, then plans it against inventories the caller discovered (apply). */
export async function planFromInventories(context: CommandContext, file: string, source: Inventory, target: Inventory, narrowing: { targets: string[]; excludes: string[] }, mappings: Readonly<Record<string, string>>, calibration?: Calibration): Promise<ExecutionPlan> {
  const loaded = loadPlanFile(file);
  for (const d of loaded.diagnostics) writeLine(context.streams.stderr, formatDiagnostic(d, loaded.source?.text));
  if (!loaded.desired || hasErrors(loaded.diagnostics)) {
    throw new PumphouseError('PH1399', `${file} is not a valid plan file (see above)`, { hint: `run \`pumphouse validate ${file}\` while you fix it` });
  }
  return makePlan({ desired: loaded.desired, source, target, mappings, targets: narrowing.targets, excludes: narrowing.excludes, ...applyUserOf(context), ...(calibration ? { calibration } : {}), now: new Date() }).plan;
}

/** Who apply will run as on the target, for what it will own. */
function applyUserOf(context: CommandContext): { applyUser?: string } {
  const user = applyUserAddress(context.config().target.auth);
  return user ? { applyUser: user } : {};
}

/**
 * What earlier applies left in the state file: its id mappings, so a plan after an apply matches
 * by state first; its servers' downtimes, which the downtime estimates are calibrated on.
 */
async function readEarlierApplies(statePath: string): Promise<{ mappings: Record<string, string>; calibration: Calibration }> {
  const state = await readState(statePath);
  return { mappings: state?.mappings ?? {}, calibration: calibrate(Object.values(state?.downtime ?? {})) };
}

/** The plan in the run's --output format: human (Terraform-like), json (schemas/plan-output) or markdown. */
export function printPlan(context: CommandContext, plan: ExecutionPlan, options: { showNoop: boolean }): void {
  if (context.format === 'json') context.streams.stdout.write(planJson(plan));
  else if (context.format === 'markdown') context.streams.stdout.write(renderPlanMarkdown(plan));
  else writeLine(context.streams.stdout, renderPlanHuman(plan, { color: context.color, showNoop: options.showNoop }));
}

function planJson(plan: ExecutionPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
