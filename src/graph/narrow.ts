import { closest } from '../diagnostics/schema-check.js';
import { isGlob, matchesPattern } from '../desired/patterns.js';
import { PumphouseError, type PhCode } from '../errors.js';
import type { Step } from './steps.js';

/**
 * `--target ADDR` keeps the steps of ADDR and everything they depend on; `--exclude ADDR` drops
 * the steps of ADDR and everything that depends on them. ADDR is an address or a glob
 * (`server:demo/web-*`). An ADDR that names no change of the plan is an error (PH1502): a typo
 * must not silently plan nothing, or everything.
 */
export const NARROW_CODE = 'PH1502' satisfies PhCode;

export interface Narrowing {
  target: readonly string[];
  exclude: readonly string[];
}

/** `changed` is every address the diff looked at, so a noop address is not reported as unknown. */
export function narrowSteps(steps: readonly Step[], narrowing: Narrowing, changed: readonly string[]): Step[] {
  for (const [flag, patterns] of [['--target', narrowing.target], ['--exclude', narrowing.exclude]] as const) {
    for (const pattern of patterns) checkKnown(flag, pattern, changed);
  }
  let kept: readonly Step[] = steps;
  if (narrowing.target.length > 0) kept = withDependencies(kept, narrowing.target);
  if (narrowing.exclude.length > 0) kept = withoutDependents(kept, narrowing.exclude);
  return [...kept];
}

function checkKnown(flag: string, pattern: string, changed: readonly string[]): void {
  if (changed.some((address) => matchesPattern(pattern, [address]))) return;
  const suggestion = isGlob(pattern) ? undefined : closest(pattern, changed);
  throw new PumphouseError(NARROW_CODE, `${flag} ${pattern}: the plan has no object at that address`, {
    hint: suggestion ? `did you mean ${suggestion}?` : 'addresses are listed by `pumphouse plan` (kind:project/name, e.g. server:demo/web-1)',
  });
}

function withDependencies(steps: readonly Step[], patterns: readonly string[]): Step[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const keep = reach(matching(steps, patterns), (id) => byId.get(id)?.dependsOn ?? []);
  return steps.filter((s) => keep.has(s.id));
}

function withoutDependents(steps: readonly Step[], patterns: readonly string[]): Step[] {
  const dependents = new Map<string, string[]>();
  for (const step of steps) {
    for (const d of step.dependsOn) {
      const list = dependents.get(d);
      if (list) list.push(step.id);
      else dependents.set(d, [step.id]);
    }
  }
  const drop = reach(matching(steps, patterns), (id) => dependents.get(id) ?? []);
  return steps.filter((s) => !drop.has(s.id));
}

function matching(steps: readonly Step[], patterns: readonly string[]): string[] {
  return steps.filter((s) => patterns.some((p) => matchesPattern(p, [s.address]))).map((s) => s.id);
}

/** Every id reachable from `start` (included) by following `next`. */
function reach(start: readonly string[], next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...next(id));
  }
  return seen;
}
