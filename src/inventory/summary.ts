import { RESOURCE_KINDS, type Inventory, type ResourceKind } from './model.js';

/** Counts for human output: per kind, and per project for project-owned resources. */
export interface InventorySummary {
  cloud: string;
  total: number;
  partial: boolean;
  /** Only kinds that occur, in RESOURCE_KINDS order. */
  byKind: Partial<Record<ResourceKind, number>>;
  /** Keyed by project name (with "#<id8>" when two projects share a name), sorted. */
  byProject: Record<string, Partial<Record<ResourceKind, number>>>;
}

export function summarize(inventory: Inventory): InventorySummary {
  const kindCounts = new Map<ResourceKind, number>();
  const projectCounts = new Map<string, Map<ResourceKind, number>>();
  const namesById = new Map<string, string>();
  for (const r of inventory.resources) {
    kindCounts.set(r.kind, (kindCounts.get(r.kind) ?? 0) + 1);
    if (!r.project) continue;
    namesById.set(r.project.id, r.project.name);
    const counts = projectCounts.get(r.project.id) ?? new Map<ResourceKind, number>();
    counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
    projectCounts.set(r.project.id, counts);
  }
  const nameUses = new Map<string, number>();
  for (const name of namesById.values()) nameUses.set(name, (nameUses.get(name) ?? 0) + 1);
  const label = (id: string): string => {
    const name = namesById.get(id) ?? id;
    return (nameUses.get(name) ?? 0) > 1 ? `${name}#${id.slice(0, 8)}` : name;
  };
  const byKind: Partial<Record<ResourceKind, number>> = {};
  for (const kind of RESOURCE_KINDS) {
    const n = kindCounts.get(kind);
    if (n) byKind[kind] = n;
  }
  const byProject: Record<string, Partial<Record<ResourceKind, number>>> = {};
  for (const [id, counts] of [...projectCounts].sort((a, b) => (label(a[0]) < label(b[0]) ? -1 : 1))) {
    const entry: Partial<Record<ResourceKind, number>> = {};
    for (const kind of RESOURCE_KINDS) {
      const n = counts.get(kind);
      if (n) entry[kind] = n;
    }
    byProject[label(id)] = entry;
  }
  return { cloud: inventory.cloud, total: inventory.resources.length, partial: inventory.partial, byKind, byProject };
}
