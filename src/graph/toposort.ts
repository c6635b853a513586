import { PumphouseError, type PhCode } from '../errors.js';
import type { Step } from './steps.js';

/**
 * Kahn's algorithm with the ready set kept in a min-heap by step id, so the order is
 * deterministic and the sort stays O((V + E) log V) for plans of tens of thousands of steps.
 * A cycle is an error naming the steps around it (PH1501).
 */
export const CYCLE_CODE = 'PH1501' satisfies PhCode;

export function topologicalOrder(steps: readonly Step[]): Step[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const step of steps) {
    waiting.set(step.id, step.dependsOn.length);
    for (const dependency of step.dependsOn) {
      if (!byId.has(dependency)) throw new PumphouseError('PH1503', `step ${step.id} depends on ${dependency}, which is not in the plan`, { hint: 'this is a bug in Pumphouse: please report it with the plan file' });
      const list = dependents.get(dependency);
      if (list) list.push(step.id);
      else dependents.set(dependency, [step.id]);
    }
  }
  const ready = new MinHeap();
  for (const [id, count] of waiting) if (count === 0) ready.push(id);
  const ordered: Step[] = [];
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
    ordered.push(byId.get(id) as Step);
    for (const dependent of dependents.get(id) ?? []) {
      const left = (waiting.get(dependent) as number) - 1;
      waiting.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  if (ordered.length < steps.length) {
    const cycle = findCycle(steps.filter((s) => (waiting.get(s.id) ?? 0) > 0), byId);
    throw new PumphouseError(CYCLE_CODE, `the steps depend on each other in a cycle: ${cycle.join(' → ')}`, {
      hint: 'break the cycle by moving one of these objects in a separate plan (or --exclude one of them)',
    });
  }
  return ordered;
}

/** Walks dependencies from a stuck step until a step repeats; returns the loop, closed. */
function findCycle(stuck: readonly Step[], byId: ReadonlyMap<string, Step>): string[] {
  const stuckIds = new Set(stuck.map((s) => s.id));
  const path: string[] = [];
  const seenAt = new Map<string, number>();
  let current = stuck[0]?.id;
  while (current !== undefined && !seenAt.has(current)) {
    seenAt.set(current, path.length);
    path.push(current);
    current = byId.get(current)?.dependsOn.find((d) => stuckIds.has(d));
  }
  if (current === undefined) return path;
  return [...path.slice(seenAt.get(current)), current];
}

/** A binary min-heap of strings compared by code unit. */
class MinHeap {
  private readonly items: string[] = [];

  push(item: string): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((items[parent] as string) <= item) break;
      items[i] = items[parent] as string;
      i = parent;
    }
    items[i] = item;
  }

  pop(): string | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && (items[right] as string) < (items[left] as string) ? right : left;
      if ((items[child] as string) >= last) break;
      items[i] = items[child] as string;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
