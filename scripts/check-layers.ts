/**
 * The layer rule (docs/architecture.md §2), checked over every relative import in src/: a module
 * may import its own folder and any folder of a lower layer, never a higher one; folders of one
 * layer may import each other one way, never in a cycle; the simulator imports nothing but the
 * shared leaves (it must never test the client against itself); the front ends (cli, server)
 * reach the engine only through its facade (src/engine/): their value imports go to `engine`,
 * `render` and `errors` alone, and anything else they name is a type (`import type`, erased at
 * build time: no behaviour, nothing loaded).
 * `npm run lint` runs it; test/unit/layers.test.ts shows a planted back-edge failing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bottom to top: each folder (or top-level module) of src/ and its layer. */
export const LAYERS: Readonly<Record<string, number>> = {
  errors: 0, schemas: 0, events: 0, types: 0, wait: 0,
  diagnostics: 1, config: 1,
  http: 2, state: 2,
  openstack: 3, fuel: 3, hardware: 3,
  model: 4, inventory: 4,
  desired: 5, 'plan-file': 5, diff: 5,
  graph: 6, preflight: 6, 'execution-plan': 6,
  executor: 7,
  migrate: 8, hosts: 8,
  apply: 9,
  render: 10, simulator: 10,
  engine: 11,
  cli: 12, server: 12,
};

/** What the simulator may import besides itself: leaves that hold no client code. */
const SIMULATOR_MAY_IMPORT = new Set(['errors', 'types']);

/**
 * What a front end may import for its behaviour: the engine's facade, the renderers and the error
 * model every layer shares. The CLI also starts the API server (`pumphouse serve`), a peer front end.
 */
const FRONT_ENDS_MAY_IMPORT: Readonly<Record<string, ReadonlySet<string>>> = {
  cli: new Set(['engine', 'render', 'errors', 'server']),
  server: new Set(['engine', 'render', 'errors']),
};

/**
 * Folders of one layer that import none of each other: each client speaks to its own system over
 * http/, and the workload and host steps meet only in apply/ (its runner registry).
 */
const APART: readonly (readonly string[])[] = [['openstack', 'fuel', 'hardware'], ['migrate', 'hosts']];

export interface Edge {
  from: string;
  to: string;
  /** Where: "src/state/model.ts imports ../migrate/context.js". */
  where: string;
  /** `import type` / `export type`, or every name imported is a type: nothing is loaded. */
  typeOnly?: boolean;
}

/** Every import that breaks the rule: one going up the layers, one between folders kept apart, and every cycle between folders of one layer. */
export function layerProblems(edges: readonly Edge[]): string[] {
  const problems: string[] = [];
  const sideways: Edge[] = [];
  for (const edge of edges) {
    const from = LAYERS[edge.from];
    const to = LAYERS[edge.to];
    if (from === undefined || to === undefined) {
      problems.push(`${edge.where}: ${from === undefined ? edge.from : edge.to} has no layer: add it to LAYERS in scripts/check-layers.ts`);
      continue;
    }
    const name = `${edge.from} -> ${edge.to}`;
    const frontEnd = FRONT_ENDS_MAY_IMPORT[edge.from];
    if (frontEnd && to <= from && !edge.typeOnly && !frontEnd.has(edge.to)) {
      problems.push(`${edge.where}: ${name} bypasses the engine: ${edge.from} imports only the engine facade (src/engine/), render and errors, and types (\`import type\`) from elsewhere`);
      continue;
    }
    if (edge.from === 'simulator' ? !SIMULATOR_MAY_IMPORT.has(edge.to) : to > from) {
      problems.push(`${edge.where}: ${name} goes up the layers (${edge.from} is ${from}, ${edge.to} is ${to})`);
    } else if (APART.some((apart) => apart.includes(edge.from) && apart.includes(edge.to))) {
      problems.push(`${edge.where}: ${name} joins folders that stay apart (${APART.find((apart) => apart.includes(edge.from))!.join(', ')})`);
    } else if (to === from) sideways.push(edge);
  }
  return [...problems, ...cycleProblems(sideways)];
}

/**
 * Folders of one layer may import each other one way only: a cycle between them (preflight/ and
 * execution-plan/ importing each other) means neither can be understood, tested or moved alone.
 * Each cycle is reported once, by its folders and the imports that close it.
 */
function cycleProblems(edges: readonly Edge[]): string[] {
  const next = new Map<string, Map<string, string>>();
  for (const edge of edges) {
    const targets = next.get(edge.from) ?? new Map<string, string>();
    if (!targets.has(edge.to)) targets.set(edge.to, edge.where);
    next.set(edge.from, targets);
  }
  return stronglyConnected(next).map((folders) => {
    const inside = new Set(folders);
    const imports = folders.flatMap((from) => [...(next.get(from) ?? [])].filter(([to]) => inside.has(to)).map(([, where]) => where));
    return `${[...folders].sort().join(' <-> ')} import each other (layer ${LAYERS[folders[0]!]}): ${imports.join('; ')}; make one of them import the other, not both`;
  });
}

/** Tarjan's algorithm: the groups of two or more folders that reach each other. */
function stronglyConnected(next: ReadonlyMap<string, ReadonlyMap<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const to of next.get(node)?.keys() ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (stack.includes(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const group = stack.splice(stack.indexOf(node));
    if (group.length > 1) groups.push(group);
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return groups;
}

/** Every import between two top-level parts of src/. */
export function importEdges(srcDir: string): Edge[] {
  const edges: Edge[] = [];
  const part = (file: string) => relative(srcDir, file).split(sep)[0]!.replace(/\.(ts|js)$/, '');
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const path = match[3]!;
      const from = part(file);
      const to = part(resolve(dirname(file), path));
      if (from !== to) edges.push({ from, to, where: `${relative(join(srcDir, '..'), file)} imports ${path}`, typeOnly: isTypeOnly(match[1], match[2]) });
    }
  }
  return edges;
}

/**
 * A relative import or re-export (group 1: `type` after import/export; group 2: the names in
 * braces; group 3: the path), or a dynamic `import('…')` (group 3 only).
 */
const IMPORT = /(?:(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:\{([^}]*)\}|[^'";]*?)\s*from\s*|import\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** `import type {…}`, or braces whose every name is `type X`. */
function isTypeOnly(typeKeyword: string | undefined, names: string | undefined): boolean {
  if (typeKeyword) return true;
  if (names === undefined) return false;
  const parts = names.split(',').map((n) => n.trim()).filter(Boolean);
  return parts.length > 0 && parts.every((n) => n.startsWith('type '));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
  const problems = layerProblems(importEdges(src));
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  process.stdout.write(problems.length === 0 ? 'layers: every import goes down the layers\n' : `layers: ${problems.length} problem(s)\n`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
