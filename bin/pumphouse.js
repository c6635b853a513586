#!/usr/bin/env node
// The installed entry point. `npm run build` compiles the CLI to dist/ and bundles it into
// dist/bundle/ (one file per command, loaded on demand): a bundle starts about twice as fast as
// the hundreds of modules it is made of. Without the bundle, the compiled modules run as they are.
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  // What yargs would print, without loading yargs: scripts call `--version` to check an install.
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const bundle = new URL('../dist/bundle/main.mjs', import.meta.url);
  const { main } = await import(existsSync(bundle) ? bundle.href : '../dist/src/cli/main.js');
  process.exitCode = await main(args);
}
