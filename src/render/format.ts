import type { ExecutionPlan } from '../execution-plan/plan.js';

/**
 * The formatters every front end shares: the terminal and Markdown renderers import them, and so
 * does the dashboard, which the server hands the compiled module as `/format.js`
 * (src/server/static.ts). So this module imports nothing at run time (types only) and uses
 * nothing a browser lacks: what it says about a plan or a copy reads the same everywhere.
 */

/** "512 B", "1.5 KiB", "312.0 MiB", "2.0 TiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** A plan's estimate, compact: "0.2s", "8.8s", "45s", "3m05s", "1h02m" (tenths below 10 s: a warm cutover can take less than one). */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${Number(seconds.toFixed(1))}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** How long something took or has run: "9 s", "3 m 05 s", "1 h 02 m". */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor(s / 60) % 60).padStart(2, '0')} m`;
}

/** "312.0 MiB of 1.0 GiB at 85.2 MiB/s, 8 s left", as much of it as is known. */
export function copyProgress(d: { bytes?: number; totalBytes?: number; bytesPerSecond?: number; etaSeconds?: number }): string {
  const total = d.totalBytes ? ` of ${formatBytes(d.totalBytes)}` : '';
  const rate = d.bytesPerSecond ? ` at ${formatBytes(d.bytesPerSecond)}/s` : '';
  return `${formatBytes(d.bytes ?? 0)}${total}${rate}${d.etaSeconds !== undefined ? `, ${d.etaSeconds} s left` : ''}`;
}

/**
 * The one-line verdict every renderer ends (human) or starts (markdown) with. A plan with errors
 * (a selector that matches nothing…) is no plan at all: never "No changes.".
 */
export function summaryLine(plan: Pick<ExecutionPlan, 'summary' | 'diagnostics'>): string {
  const s = plan.summary;
  // The count hasChanges (execution-plan/plan.ts) tests; written out here, as this module imports nothing.
  const changes = s.create + s.update + s.migrate + s.conflict + s.hostChanges;
  const errors = plan.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0 && changes === 0) return `No plan: ${errors} error${errors === 1 ? '' : 's'} to fix first.`;
  if (changes === 0) return 'No changes.';
  const conflicts = s.conflict > 0 ? ` ${s.conflict} conflict${s.conflict === 1 ? '' : 's'} to resolve first.` : '';
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.migrate} to migrate, ${s.hostsToUpgrade} host${s.hostsToUpgrade === 1 ? '' : 's'} to upgrade.${conflicts}`;
}
