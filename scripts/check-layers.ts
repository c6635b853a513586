/**
 * The layer rule (docs/architecture.md §2), checked over every relative import in src/: a module
 * may import its own folder and any folder of a lower layer, never a higher one; the simulator
 * imports nothing but the shared leaves (it must never test the client against itself); the
 * front ends (cli, server) reach the engine only through its facade (src/engine/): their value
 * imports go to `engine`, `render` and `errors` alone, and anything else they name is a type
 * (`import type`, erased at build time: no behaviour, nothing loaded).
 * `npm run lint` runs it; test/unit/layers.test.ts shows a planted back-edge failing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bottom to top: each folder (or top-level module) of src/ and its layer. */
export const LAYERS: Readonly<Record<string, number>> = {
  errors: 0, schemas: 0, events: 0, types: 0,
  diagnostics: 1, config: 1,
  openstack: 2, fuel: 2, hardware: 2,
  model: 3, inventory: 3,
  desired: 4, 'plan-file': 4, diff: 4,
  graph: 5, preflight: 5, 'execution-plan': 5,
  executor: 6, state: 6,
  migrate: 7, hosts: 7,
  apply: 8,
  render: 9, simulator: 9,
  engine: 10,
  cli: 11, server: 11,
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
 * Back-edges that exist today and are to be removed (docs/architecture.md §2). A new one fails
 * the check; removing one of these makes its entry fail too, so the list only shrinks.
 */
export const KNOWN_BACK_EDGES: ReadonlySet<string> = new Set([
  'config -> hardware',
  'state -> migrate',
]);

export interface Edge {
  from: string;
  to: string;
  /** Where: "src/state/model.ts imports ../migrate/context.js". */
  where: string;
  /** `import type` / `export type`, or every name imported is a type: nothing is loaded. */
  typeOnly?: boolean;
}

export function layerProblems(edges: readonly Edge[], known: ReadonlySet<string> = KNOWN_BACK_EDGES): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
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
    const wrong = edge.from === 'simulator' ? !SIMULATOR_MAY_IMPORT.has(edge.to) : to > from;
    if (wrong) seen.add(name);
    if (wrong && !known.has(name)) problems.push(`${edge.where}: ${name} goes up the layers (${edge.from} is ${from}, ${edge.to} is ${to})`);
  }
  for (const name of known) if (!seen.has(name)) problems.push(`${name} is gone: remove it from KNOWN_BACK_EDGES`);
  return problems;
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
