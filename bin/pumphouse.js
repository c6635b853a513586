#!/usr/bin/env node
// The installed entry point. `npm run build` compiles the CLI to dist/ and bundles it into
// dist/bundle/ (one file per command, loaded on demand): a bundle starts about twice as fast as
// the hundreds of modules it is made of. Without the bundle, the compiled modules run as they are.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/main.mjs', import.meta.url);
const { main } = await import(existsSync(bundle) ? bundle.href : '../dist/src/cli/main.js');

process.exitCode = await main(process.argv.slice(2));
