#!/usr/bin/env node
// Runs the compiled tests of the named suites (folders under dist/test/) with node's own test
// runner. Node 20's `--test` takes no globs, so the files are listed here.
//   node scripts/run-tests.mjs unit contract e2e     the default `npm test`
//   node scripts/run-tests.mjs real                  against real clouds (npm run test:real)
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suites = process.argv.slice(2);
if (suites.length === 0) {
  console.error('usage: run-tests.mjs SUITE...   (folders under test/: unit, contract, e2e, real)');
  process.exit(1);
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const files = suites.flatMap((suite) => testFiles(join('dist', 'test', suite)));
if (files.length === 0) {
  console.error(`no test files in ${suites.map((s) => `dist/test/${s}`).join(', ')}: run \`npm run build\` first`);
  process.exit(1);
}
const concurrency = process.env.PUMPHOUSE_TEST_CONCURRENCY ?? '2';
const result = spawnSync(process.execPath,
  ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, ...files],
  { stdio: 'inherit' });
process.exit(result.status ?? 1);
