import type { CheckedPlanFile } from '../engine/index.js';
import type { ExecutionPlan } from '../execution-plan/plan.js';
import { renderDiagnostics } from '../render/human/diagnostics.js';
import { renderPlanHuman } from '../render/human/plan.js';
import { renderPlanMarkdown } from '../render/markdown/plan.js';
import { writeLine } from '../render/streams.js';
import type { CommandContext } from './context.js';

/** What the commands show the same way: a plan, a plan file's diagnostics. */

/** The plan in the run's --output format: human (Terraform-like), json (schemas/plan-output) or markdown. */
export function printPlan(context: CommandContext, plan: ExecutionPlan, options: { showNoop: boolean }): void {
  if (context.format === 'json') context.streams.stdout.write(planJson(plan));
  else if (context.format === 'markdown') context.streams.stdout.write(renderPlanMarkdown(plan));
  else writeLine(context.streams.stdout, renderPlanHuman(plan, { color: context.color, showNoop: options.showNoop }));
}

export function planJson(plan: ExecutionPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/** A plan file's problems on stderr, warnings too, before it is planned. */
export function diagnosticsPrinter(context: CommandContext): (checked: CheckedPlanFile) => void {
  return (checked) => {
    for (const line of renderDiagnostics(checked)) writeLine(context.streams.stderr, line);
  };
}
