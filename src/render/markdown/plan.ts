import { hasChanges, type ExecutionPlan } from '../../execution-plan/plan.js';
import { formatBytes, formatDuration, summaryLine } from '../format.js';
import { detail, groupChanges, SYMBOLS } from '../human/plan.js';

/**
 * The plan as a pull-request comment: the verdict first, a small table, then one collapsible
 * section per project with a `diff` block (GitHub colours + green and ! orange), then pre-flight
 * checks and what will not survive. Renders from the plan data only; no colour codes.
 */
export function renderPlanMarkdown(plan: ExecutionPlan): string {
  const s = plan.summary;
  const out: string[] = [`### Pumphouse plan \`${plan.plan.name}\``, '', `**${summaryLine(plan)}**`, ''];
  if (!plan.applyable) out.push('> [!WARNING]', '> This plan cannot be applied as it is: see the conflicts, errors and failed checks below.', '');
  out.push(
    `Source \`${plan.inventories.source.authUrl}\` → target \`${plan.inventories.target.authUrl}\`, from \`${plan.plan.file}\`.`,
    '',
    '| create | update | migrate | conflicts | hosts to upgrade | data to copy | downtime (sum) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${s.create} | ${s.update} | ${s.migrate} | ${s.conflict} | ${s.hostsToUpgrade} | ${formatBytes(s.bytes)} | ${formatDuration(s.downtimeSeconds)} |`,
  );
  for (const d of plan.diagnostics) {
    const where = d.location ? ` (\`${d.location.file}:${d.location.line}:${d.location.col}\`)` : '';
    out.push('', `- **${d.severity} ${d.code}**${where}: ${escapeMarkdown(d.message)}${d.hint ? ` — ${escapeMarkdown(d.hint)}` : ''}`);
  }
  if (hasChanges(plan)) {
    for (const [group, changes] of groupChanges(plan.changes, false)) {
      out.push('', `<details><summary>${escapeMarkdown(group)} (${changes.length} change${changes.length === 1 ? '' : 's'})</summary>`, '', '```diff');
      for (const change of changes) {
        out.push(`${SYMBOLS[change.action]} ${change.address}  ${detail(change)}`);
        for (const d of change.differences) out.push(`${change.action === 'conflict' ? '!' : '~'}     ${d.path}: ${JSON.stringify(d.before)} → ${JSON.stringify(d.after)}`);
      }
      out.push('```', '', '</details>');
    }
  }
  if (plan.preflight.length > 0) {
    out.push('', '<details><summary>Pre-flight checks</summary>', '', '| check | status | result |', '|---|---|---|');
    for (const c of plan.preflight) out.push(`| ${c.check} | ${c.status === 'ok' ? '✅ ok' : c.status === 'warning' ? '⚠️ warning' : '❌ failed'} | ${c.status === 'ok' ? '' : `${c.code}: `}${escapeMarkdown(c.message)}${c.hint ? ` — ${escapeMarkdown(c.hint)}` : ''} |`);
    out.push('', '</details>');
  }
  const lost = plan.changes.filter((c) => c.willNotSurvive.length > 0);
  if (lost.length > 0) {
    out.push('', '<details><summary>Will not survive the move</summary>', '');
    for (const change of lost) for (const item of change.willNotSurvive) out.push(`- \`${change.address}\`: ${escapeMarkdown(item)}`);
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}

/** Markdown and HTML special characters in table cells and summaries. */
function escapeMarkdown(text: string): string {
  return text.replace(/[|<>]/g, (ch) => ({ '|': '\\|', '<': '&lt;', '>': '&gt;' })[ch] ?? ch);
}
