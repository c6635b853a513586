import type { Change } from '../../diff/changes.js';
import { hasChanges, type ExecutionPlan } from '../../execution-plan/plan.js';
import { formatBytes, formatDuration, summaryLine } from '../format.js';
import { formatDiagnostic } from '../../diagnostics/format.js';
import { painter } from '../streams.js';

/**
 * `pumphouse plan` for a human, Terraform-like: symbols, grouped by project, per server its
 * strategy, data to copy and estimated downtime; then hosts, pre-flight checks, what will not
 * survive, and last the summary line. Renders from the plan data only.
 */
export const SYMBOLS: Record<Change['action'], string> = { create: '+', update: '~', migrate: '→', conflict: '!', noop: ' ', host: '⚙' };

export function renderPlanHuman(plan: ExecutionPlan, options: { color: boolean; showNoop?: boolean }): string {
  const c = painter(options.color);
  const paint: Record<Change['action'], (s: string) => string> = {
    create: c.green, update: c.yellow, migrate: c.cyan, conflict: c.red.bold, noop: c.dim, host: c.magenta,
  };
  const out: string[] = [];
  out.push(c.bold(`Plan "${plan.plan.name}" (${plan.plan.file}): ${plan.inventories.source.cloud} → ${plan.inventories.target.cloud}`));
  for (const d of plan.diagnostics) out.push(d.severity === 'error' ? c.red(formatDiagnostic(d)) : c.yellow(formatDiagnostic(d)));
  if (!hasChanges(plan)) {
    const lost = lostLines(plan);
    if (plan.applyable && lost.length === 0) out.push('', `Every selected object is already on the target as desired (${plan.summary.noop} checked).`);
    // An existing copy that differs only where no API can change it (a server's owner).
    else if (plan.applyable) out.push('', `Every selected object is already on the target (${plan.summary.noop} checked); no update can change this:`, ...lost);
    out.push('', c.bold(summaryLine(plan)));
    return out.join('\n');
  }
  out.push('', c.dim('  + create   ~ update   → migrate (downtime)   ! conflict   ⚙ host'));
  for (const [group, changes] of groupChanges(plan.changes, options.showNoop ?? false)) {
    out.push('', c.bold(group));
    for (const change of changes) out.push(...changeLines(change, paint[change.action]));
  }
  const noops = plan.summary.noop;
  if (noops > 0 && !options.showNoop) out.push('', c.dim(`${noops} selected object${noops === 1 ? ' is' : 's are'} already on the target as desired.`));
  if (plan.preflight.length > 0) {
    out.push('', c.bold('Pre-flight checks'));
    for (const check of plan.preflight) {
      const mark = check.status === 'ok' ? c.green('ok  ') : check.status === 'warning' ? c.yellow('warn') : c.red('FAIL');
      out.push(`  ${mark} ${check.status === 'ok' ? '' : `${check.code} `}${check.check}: ${check.message}${check.hint ? c.dim(` — ${check.hint}`) : ''}`);
    }
  }
  const lost = lostLines(plan);
  if (lost.length > 0) out.push('', c.bold('Will not survive the move'), ...lost);
  if (plan.summary.migrate > 0) {
    out.push('', `Data to copy: ${formatBytes(plan.summary.bytes)}; estimated downtime per server adds up to ${formatDuration(plan.summary.downtimeSeconds)}.`);
  }
  if (!plan.applyable) out.push('', c.red.bold('This plan cannot be applied: resolve the conflicts, errors and failed checks above.'));
  out.push('', c.bold(summaryLine(plan)));
  return out.join('\n');
}

/** Changes by project (alphabetical), then global objects, then hosts; noops left out unless asked. */
export function groupChanges(changes: readonly Change[], showNoop: boolean): Array<[string, Change[]]> {
  const groups = new Map<string, Change[]>();
  for (const change of changes) {
    if (change.action === 'noop' && !showNoop) continue;
    const group = change.action === 'host' ? 'hosts' : change.project ? `project ${change.project}` : 'global';
    const list = groups.get(group) ?? [];
    list.push(change);
    groups.set(group, list);
  }
  const rank = (g: string) => (g === 'global' ? 1 : g === 'hosts' ? 2 : 0);
  return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

function changeLines(change: Change, paint: (s: string) => string): string[] {
  const lines = [`  ${paint(`${SYMBOLS[change.action]} ${change.address}`)}  ${detail(change)}`];
  for (const d of change.differences) lines.push(`      ${change.action === 'conflict' ? '!' : '~'} ${d.path}: ${show(d.before)} → ${show(d.after)}`);
  return lines;
}

/** The text after the address: what happens and at what cost. */
export function detail(change: Change): string {
  if (change.move) {
    const m = change.move;
    const copied = m.precopied ? `pre-copied (snapshot of ${m.precopied}), waiting for its cutover`
      : m.cutover === 'warm' ? `${formatBytes(m.bytes)} copied while it runs` : `${formatBytes(m.bytes)} to copy`;
    const basis = m.basis ? ` (${m.basis})` : '';
    return `${m.strategy}, ${m.cutover ?? 'cold'} cutover, ${copied}, ~${formatDuration(m.downtimeSeconds)} downtime${basis}; source afterwards: ${m.source}`;
  }
  if (change.host) {
    const h = change.host;
    const servers = h.servers.length > 0 ? `, ${h.servers.length} server${h.servers.length === 1 ? '' : 's'} to move (${h.evacuate})` : '';
    return `${h.current} → ${h.desired}${servers}`;
  }
  if (change.target && change.action !== 'create') return `${change.reason} (matched ${change.target.address} by ${change.target.matchedBy})`;
  return change.reason;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The "Will not survive" list: one line per loss, by object. */
function lostLines(plan: ExecutionPlan): string[] {
  return plan.changes.flatMap((change) => change.willNotSurvive.map((item) => `  - ${change.address}: ${item}`));
}
