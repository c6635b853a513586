import { createInterface } from 'node:readline/promises';
import type { ApplyRequest, EngineIo } from '../engine/index.js';
import { PumphouseError } from '../errors.js';
import type { ApplyReport } from '../apply/apply.js';
import { applyProgressPrinter, renderApplySummary } from '../render/human/apply.js';
import { liveApplyPrinter } from '../render/human/apply-live.js';
import { LiveRegion, type Terminal } from '../render/live-region.js';
import { writeLine } from '../render/streams.js';
import type { CommandContext } from './context.js';
import { diagnosticsPrinter, printPlan } from './output.js';

/** Exit code of an apply stopped by Ctrl-C (state saved; run apply again to resume). */
export const EXIT_INTERRUPTED = 3;

export interface CliApply {
  /** The plan file (YAML, planned now) or saved plan (JSON) as the operator named it. */
  planFile: string;
  statePath: string;
  autoApprove: boolean;
  request: Omit<ApplyRequest, 'stop' | 'abort' | 'statePath' | 'command'>;
}

/**
 * An apply as every command that applies runs it (`apply`, `migrate`, `evacuate`, `upgrade`,
 * `demo`): the engine plans, the terminal shows the plan and answers the approval, Ctrl-C
 * stops it (once: nothing new starts; twice: running steps stop at a safe point), progress is
 * shown while it runs, and the summary after. Returns the exit code: 0 done, 1 a step failed, 3
 * interrupted.
 */
export async function applyFromCli(context: CommandContext, run: CliApply): Promise<number> {
  const stop = new AbortController();
  const abort = new AbortController();
  const io = terminalIo(context, run.autoApprove);
  const onSigint = (): void => interrupt(context, stop, abort);
  process.on('SIGINT', onSigint);
  try {
    const result = await context.engine.apply({
      ...run.request,
      statePath: run.statePath,
      command: `pumphouse apply ${run.planFile}`,
      stop: stop.signal,
      abort: abort.signal,
      ...(context.env['PUMPHOUSE_POLL_MS'] ? { pollMs: Number(context.env['PUMPHOUSE_POLL_MS']) } : {}),
    }, io, diagnosticsPrinter(context));
    if (!result.report) return 0;
    const passwordsFile = result.plan.settings.passwords === 'reset' ? result.plan.settings.passwordsFile ?? undefined : undefined;
    if (context.format !== 'json') writeLine(context.streams.stderr, renderApplySummary(result.report, { color: context.color, planFile: run.planFile, statePath: run.statePath, passwordsFile }));
    return exitCodeOf(result.report);
  } finally {
    process.off('SIGINT', onSigint);
    io.close();
  }
}

function exitCodeOf(report: ApplyReport): number {
  if (report.interrupted) return EXIT_INTERRUPTED;
  return report.counts.failed > 0 ? 1 : 0;
}

function interrupt(context: CommandContext, stop: AbortController, abort: AbortController): void {
  if (!stop.signal.aborted) {
    stop.abort();
    writeLine(context.streams.stderr, '\nStopping: running steps finish, nothing new starts (Ctrl-C again to stop them now)…');
  } else {
    abort.abort();
    writeLine(context.streams.stderr, '\nStopping now; the state stays consistent and apply resumes.');
  }
}

/**
 * The terminal's answers: the plan printed for review (with --output json, stdout is the NDJSON
 * event stream only), "yes" asked on the terminal unless --auto-approve, then the progress shown
 * until `close`.
 */
function terminalIo(context: CommandContext, autoApprove: boolean): EngineIo & { close(): void } {
  let progress: { close(): void } | undefined;
  return {
    review: (plan) => {
      if (context.format !== 'json') printPlan(context, plan, { showNoop: false });
    },
    approve: async () => {
      if (!autoApprove) await confirm(context);
      progress = showProgress(context);
      return true;
    },
    close: () => progress?.close(),
  };
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
 * NDJSON events on stdout with --output json; in a terminal, finished steps scroll above a live
 * block of the steps in flight (until `close`, everything written to stderr goes above it);
 * else plain lines.
 */
function showProgress(context: CommandContext): { close(): void } {
  const options = { color: context.color, verbose: context.verbose };
  const stderr = context.streams.stderr;
  const events = context.engine.events;
  if (context.format === 'json') events.on((event) => writeLine(context.streams.stdout, JSON.stringify(event)));
  else if (!stderr.isTTY) events.on(applyProgressPrinter(stderr, options));
  if (context.format === 'json' || !stderr.isTTY) return { close: () => undefined };
  const region = new LiveRegion(stderr as Terminal);
  // A closed region draws nothing, so the listener can outlive it.
  const live = liveApplyPrinter(region, options);
  events.on(live.onEvent);
  context.streams.stderr = region.stream;
  return {
    close() {
      live.close();
      context.streams.stderr = stderr;
    },
  };
}
