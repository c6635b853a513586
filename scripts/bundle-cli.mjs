#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js) into dist/bundle/: the entry and one chunk per
// lazily loaded command, with its npm dependencies inlined, so starting the CLI reads a few files
// instead of hundreds. bin/pumphouse.js prefers the bundle when it is there.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/cli/main.js'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  outdir: 'dist/bundle',
  outExtension: { '.js': '.mjs' },
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __pumphouseRequire } from 'node:module'; const require = __pumphouseRequire(import.meta.url);" },
  logLevel: 'warning',
});
