import type { ApplyReport } from '../../apply/apply.js';
import type { PumphouseEvent } from '../../events/events.js';
import type { ChalkInstance } from 'chalk';
import { copyProgress } from '../format.js';
import { painter, writeLine } from '../streams.js';

/**
 * What an operator watches during an apply, as lines that scroll: a line per finished step,
 * retries and downtimes and, unless a live block shows them instead (apply-live.ts), the
 * phases of the long steps (stopping, snapshotting, booting) and bytes with rate and ETA for
 * copies. Without a terminal these are all there is, so logs read the same as terminals.
 */
export function applyProgressPrinter(stderr: NodeJS.WritableStream, options: { color: boolean; verbose: boolean }): (event: PumphouseEvent) => void {
  const c = painter(options.color);
  return (event) => {
    const line = applyEventLine(event, c, { ...options, live: false });
    if (line !== undefined) writeLine(stderr, line);
  };
}

/** The line an event scrolls by, if any. `live`: progress goes to the live block, not here. */
export function applyEventLine(event: PumphouseEvent, c: ChalkInstance, options: { verbose: boolean; live: boolean }): string | undefined {
  switch (event.type) {
    case 'apply_started':
      return c.bold(event.message);
    case 'step_started':
      return options.verbose || event.data.attempt > 1 ? c.dim(`  … ${event.data.step} (attempt ${event.data.attempt})`) : undefined;
    case 'step_progress': {
      const d = event.data;
      if (options.live) return undefined;
      if (d.phase) return c.dim(`  · ${d.step}: ${d.phase}`);
      return d.bytes !== undefined ? c.dim(`  · ${d.step}: ${copyProgress(d)}`) : undefined;
    }
    case 'step_retry':
      return `  ${c.yellow('↻')} ${event.data.step}: ${event.data.code} ${event.data.error}; trying again in ${(event.data.delayMs / 1000).toFixed(1)} s`;
    case 'step_finished': {
      const d = event.data;
      if (d.outcome === 'done') return `  ${c.green('✓')} ${d.step} ${c.dim(`${(d.ms / 1000).toFixed(1)} s`)}`;
      if (d.outcome === 'already-done') return `  ${c.green('✓')} ${d.step} ${c.dim('(already done)')}`;
      if (d.outcome === 'failed') return `  ${c.red('✗')} ${d.step}: ${d.error ?? 'failed'}`;
      return `  ${c.yellow('–')} ${d.step}: skipped, ${d.error ?? ''}`;
    }
    case 'server_downtime':
      return `  ${event.data.outcome === 'migrated' ? c.cyan('⏱') : c.yellow('⏱')} ${event.message}`;
    default:
      return undefined;
  }
}

/** The closing summary: what was done, what failed and why, what to run next. */
export function renderApplySummary(report: ApplyReport, options: { color: boolean; planFile: string; statePath: string; passwordsFile?: string | undefined }): string {
  const c = painter(options.color);
  const n = report.counts;
  const lines: string[] = [];
  const verdict = report.interrupted ? c.yellow.bold('Apply interrupted.') : n.failed > 0 ? c.red.bold('Apply finished with failures.') : c.green.bold('Apply complete.');
  lines.push('', `${verdict} ${n.done} done, ${n['already-done']} already done, ${n.failed} failed, ${n.skipped} skipped${n.pending > 0 ? `, ${n.pending} not started` : ''} in ${(report.ms / 1000).toFixed(1)} s.`);
  const downtimes = Object.entries(report.downtime);
  if (downtimes.length > 0) {
    lines.push('', 'Server downtime (source stopped → copy verified):');
    for (const [server, record] of downtimes.sort(([a], [b]) => a.localeCompare(b))) {
      const how = record.verifiedAt ? `moved${record.cutover === 'warm' ? ' (warm)' : ''}` : 'started again on the source';
      const estimate = record.estimatedSeconds !== undefined ? `  estimated ${record.estimatedSeconds} s` : '';
      lines.push(`  ${server}  ${(record.seconds ?? 0).toFixed(1)} s${estimate}  ${c.dim(how)}`);
    }
    const total = downtimes.reduce((sum, [, r]) => sum + (r.seconds ?? 0), 0);
    lines.push(`  total ${total.toFixed(1)} s, longest ${Math.max(...downtimes.map(([, r]) => r.seconds ?? 0)).toFixed(1)} s`);
  }
  const failed = report.problems.filter((p) => p.outcome === 'failed');
  if (failed.length > 0) {
    lines.push('', c.red('Failed:'));
    for (const p of failed) {
      lines.push(`  ${p.step}: ${p.error.code ? `${p.error.code} ` : ''}${p.error.message}`);
      if (p.error.hint) lines.push(`    ${c.cyan('hint:')} ${p.error.hint}`);
    }
    const skipped = report.problems.length - failed.length;
    if (skipped > 0) lines.push(c.dim(`  (${skipped} step(s) that need them were skipped)`));
  }
  if (options.passwordsFile) lines.push('', `Generated passwords are in ${options.passwordsFile} (mode 0600): hand them over, then delete the file.`);
  lines.push('', 'Next:');
  if (report.interrupted || n.failed > 0) lines.push(`  pumphouse apply ${options.planFile}      resumes where this stopped (state: ${options.statePath})`);
  else lines.push(`  pumphouse plan ${options.planFile}       should now say "No changes."`);
  lines.push(`  pumphouse state show${options.statePath === '.pumphouse/state.json' ? '' : ` --state ${options.statePath}`}     every step, mapping and downtime`);
  return lines.join('\n');
}
