import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODES, isPhCode } from '../../../src/errors.js';
import { repoPath } from '../../../src/schemas.js';
import { errorTable, readmeTable } from '../../../scripts/error-table.js';

const ROOT = repoPath();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

test("the README's error table is the registry's, row for row", () => {
  const table = readmeTable(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  assert.ok(table, 'README.md has the error table between its markers');
  const listed = [...table.matchAll(/^\| (PH\d{4}) \|/gm)].map((m) => m[1]);
  const missing = Object.keys(CODES).filter((code) => !listed.includes(code));
  const unregistered = listed.filter((code) => !isPhCode(code));
  assert.deepEqual(missing, [], 'registered codes the README does not list');
  assert.deepEqual(unregistered, [], 'codes the README lists that are not registered');
  assert.equal(table, errorTable(), 'the README is out of date: run `npm run docs:errors`');
});

test('every code the README or the sources name is registered', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const named = new Set([...readme.matchAll(/\bPH\d{4}\b/g)].map((m) => m[0]));
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`](PH\d{4})['"`]/g)) named.add(m[1]!);
  }
  assert.deepEqual([...named].filter((code) => !isPhCode(code)).sort(), []);
});

test('each entry is consistent: warnings never fail a command or a request, errors exit non-zero with an HTTP error status', () => {
  for (const [code, info] of Object.entries(CODES)) {
    assert.match(code, /^PH\d{4}$/);
    assert.ok(info.meaning.length > 0, code);
    if (info.kind === 'warning') {
      assert.deepEqual([info.exit, info.http, info.retryable], [0, 200, false], code);
    } else {
      assert.ok(info.exit >= 1, code);
      assert.ok(info.http >= 400 && info.http < 600, code);
    }
  }
});
