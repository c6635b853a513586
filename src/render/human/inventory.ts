import type { Inventory } from '../../inventory/model.js';
import { RESOURCE_KINDS } from '../../inventory/model.js';
import { painter } from '../streams.js';
import { table } from './clouds.js';

/**
 * `pumphouse discover` for a human: how much there is, per kind, and per project for the kinds
 * that belong to projects — the numbers an operator sizes a wave with.
 */
const PROJECT_COLUMNS = ['server', 'volume', 'image', 'network', 'router', 'port', 'floating-ip', 'security-group'] as const;

export function renderInventoryHuman(inventory: Inventory, color: boolean): string {
  const c = painter(color);
  const byKind = new Map<string, number>();
  const byProject = new Map<string, Map<string, number>>();
  for (const resource of inventory.resources) {
    byKind.set(resource.kind, (byKind.get(resource.kind) ?? 0) + 1);
    if (resource.project) {
      const counts = byProject.get(resource.project.name) ?? new Map<string, number>();
      counts.set(resource.kind, (counts.get(resource.kind) ?? 0) + 1);
      byProject.set(resource.project.name, counts);
    }
  }
  const out = [c.bold(`${inventory.cloud}: ${inventory.resources.length} resources at ${inventory.authUrl}`) + c.dim(` (${inventory.takenAt})`)];
  if (inventory.partial) out.push(c.yellow(`  partial: ${inventory.diagnostics.length} part(s) could not be read (see below)`));
  const kindRows = RESOURCE_KINDS.filter((k) => byKind.has(k)).map((k) => [k, String(byKind.get(k))]);
  out.push('', ...table([['KIND', 'COUNT'], ...kindRows]).map((l, i) => `  ${i === 0 ? c.dim(l) : l}`));
  if (byProject.size > 0) {
    const projects = [...byProject.keys()].sort();
    const rows = projects.map((p) => [p, ...PROJECT_COLUMNS.map((k) => String(byProject.get(p)?.get(k) ?? 0))]);
    out.push('', ...table([['PROJECT', ...PROJECT_COLUMNS.map((k) => `${k}s`)], ...rows]).map((l, i) => `  ${i === 0 ? c.dim(l) : l}`));
  }
  for (const d of inventory.diagnostics) {
    out.push(`  ${d.severity === 'error' ? c.red('error') : c.yellow('warning')} ${d.code}: ${d.service}${d.collector ? `/${d.collector}` : ''}: ${d.message}${d.hint ? ` — ${d.hint}` : ''}`);
  }
  return out.join('\n');
}
