import { calibrate } from '../../diff/estimate.js';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { Argv } from 'yargs';
import type { ApplyReport } from '../../apply/apply.js';
import { applyInSession, checkStateClouds, openApplySession, type ApplySession } from '../../apply/session.js';
import { checkPlanFresh, startedByThisPlan, type CurrentClouds } from '../../apply/stale.js';
import { PumphouseError } from '../../errors.js';
import { hasChanges, type ExecutionPlan } from '../../execution-plan/plan.js';
import { applyProgressPrinter, renderApplySummary } from '../../render/human/apply.js';
import { liveApplyPrinter } from '../../render/human/apply-live.js';
import { LiveRegion, type Terminal } from '../../render/live-region.js';
import { writeLine } from '../../render/streams.js';
import { validatorFor } from '../../diagnostics/schema-check.js';
import { describeHolder } from '../../state/lock.js';
import { configSecrets } from '../../state/secrets.js';
import type { ApplyState } from '../../state/model.js';
import { StateStore } from '../../state/store.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { planFromInventories, printPlan } from './plan.js';
import { DEFAULT_STATE_PATH } from './shared.js';

export { DEFAULT_STATE_PATH };

interface ApplyArgs {
  plan: string;
  autoApprove: boolean;
  state: string;
  parallelism?: number;
  failFast: boolean;
  target: string[];
  exclude: string[];
}


/** Exit code of an apply stopped by Ctrl-C (state saved; run apply again to resume). */
export const EXIT_INTERRUPTED = 3;

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
    const store = await StateStore.open(args.state, { command: `pumphouse apply ${args.plan}` }, { secrets: configSecrets(context.config()) });
    let session: ApplySession | undefined;
    try {
      if (store.tookOverStaleLock) {
        context.events.emit({ type: 'warning', level: 'warn', message: `took over the lock of ${args.state} left by ${describeHolder(store.tookOverStaleLock)}, which is no longer running`, data: { code: 'PH1705' } });
      }
      session = await openApplySession(context.config(), context.events);
      const inventories = session.inventories;
      const plan = saved
        ? loadSavedPlan(args.plan, { ...inventories, mappings: store.state.mappings }, store.state)
        : await planFromInventories(context, args.plan, inventories.source, inventories.target, { targets: args.target, excludes: args.exclude }, store.state.mappings, calibrate(Object.values(store.state.downtime)));
      checkStateClouds(store, session);
      // With --output json, stdout is the NDJSON event stream only (`plan --output json` gives the plan).
      if (context.format !== 'json') printPlan(context, plan, { showNoop: false });
      if (!plan.applyable) {
        throw new PumphouseError('PH1601', 'this plan cannot be applied: it has conflicts, errors or failed pre-flight checks (see above)', { hint: 'resolve them (maps, exclusions, the target), then run apply again' });
      }
      if (!hasChanges(plan)) return 0;
      if (!args.autoApprove) await confirm(context);
      const report = await applyWithSignals(context, args, plan, session, store);
      const passwordsFile = plan.settings.passwords === 'reset' ? plan.settings.passwordsFile ?? undefined : undefined;
      if (context.format !== 'json') {
        writeLine(context.streams.stderr, renderApplySummary(report, { color: context.color, planFile: args.plan, statePath: args.state, passwordsFile }));
      }
      if (report.interrupted) return EXIT_INTERRUPTED;
      return report.counts.failed > 0 ? 1 : 0;
    } finally {
      session?.close();
      await store.close();
    }
  },
};

function loadSavedPlan(file: string, clouds: CurrentClouds, state: ApplyState): ExecutionPlan {
  let plan: unknown;
  try {
    plan = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PumphouseError('PH1603', `${file}: not a saved plan (${error instanceof Error ? error.message : String(error)})`, { hint: 'save one with `pumphouse plan PLAN.yaml --out plan.json`' });
  }
  const validate = validatorFor('plan-output');
  if (!validate(plan)) {
    const first = validate.errors?.[0];
    throw new PumphouseError('PH1603', `${file}: not a saved plan of this Pumphouse version: ${first?.instancePath || '/'} ${first?.message ?? ''}`.trim(), { hint: 'make it again with `pumphouse plan PLAN.yaml --out plan.json`' });
  }
  const typed = plan as ExecutionPlan;
  checkPlanFresh(typed, clouds, startedByThisPlan(state, typed));
  return typed;
}

async function confirm(context: CommandContext): Promise<void> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    throw new PumphouseError('PH1605', 'apply asks for approval, but stdin is not a terminal', { hint: 'review the plan above, then run again with --auto-approve' });
  }
  const rl = createInterface({ input: stdin, output: context.streams.stderr });
  try {
    const answer = await rl.question('\nApply this plan? Only "yes" is accepted: ');
    if (answer.trim() !== 'yes') throw new PumphouseError('PH1606', 'apply cancelled: nothing was changed');
  } finally {
    rl.close();
  }
}

/**
 * Runs the apply with Ctrl-C handled: the first SIGINT lets running steps finish and starts
 * nothing new; the second stops running steps at their next safe point. Either way the state
 * is consistent, and `pumphouse apply` resumes.
 */
async function applyWithSignals(context: CommandContext, args: ApplyArgs, plan: ExecutionPlan, session: ApplySession, store: StateStore): Promise<ApplyReport> {
  const stop = new AbortController();
  const abort = new AbortController();
  const onSigint = (): void => {
    if (!stop.signal.aborted) {
      stop.abort();
      writeLine(context.streams.stderr, '\nStopping: running steps finish, nothing new starts (Ctrl-C again to stop them now)…');
    } else {
      abort.abort();
      writeLine(context.streams.stderr, '\nStopping now; the state stays consistent and apply resumes.');
    }
  };
  process.on('SIGINT', onSigint);
  const progress = showProgress(context);
  try {
    return await applyInSession(context.config(), session, plan, store, context.events, {
      ...(args.parallelism !== undefined ? { parallelism: args.parallelism } : {}),
      failFast: args.failFast,
      stop: stop.signal,
      abort: abort.signal,
      ...(context.env['PUMPHOUSE_POLL_MS'] ? { pollMs: Number(context.env['PUMPHOUSE_POLL_MS']) } : {}),
    });
  } finally {
    process.off('SIGINT', onSigint);
    progress.close();
  }
}

/**
 * NDJSON events on stdout with --output json; in a terminal, finished steps scroll above a live
 * block of the steps in flight (until `close`, everything written to stderr goes above it);
 * else plain lines.
 */
function showProgress(context: CommandContext): { close(): void } {
  const options = { color: context.color, verbose: context.verbose };
  const stderr = context.streams.stderr;
  if (context.format === 'json') context.events.on((event) => writeLine(context.streams.stdout, JSON.stringify(event)));
  else if (!stderr.isTTY) context.events.on(applyProgressPrinter(stderr, options));
  if (context.format === 'json' || !stderr.isTTY) return { close: () => undefined };
  const region = new LiveRegion(stderr as Terminal);
  // A closed region draws nothing, so the listener can outlive it.
  const live = liveApplyPrinter(region, options);
  context.events.on(live.onEvent);
  context.streams.stderr = region.stream;
  return {
    close() {
      live.close();
      context.streams.stderr = stderr;
    },
  };
}
