import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hasStackTrace, REPO_ROOT, runCli } from '../helpers/cli.js';
import { tempFiles } from '../helpers/tmp.js';

// `pumphouse validate` with the real CLI, run from a folder with no pumphouse.yaml: it is
// offline and needs neither a config nor a cloud.
const BAD = 'apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: x }\nspec:\n  workloads:\n    - projects: [demo]\n      stratgy: snapshot\n';
const WARNED = 'apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: y }\nspec:\n  identity:\n    projects: ["*"]\n';
const files = tempFiles({ 'bad-plan.yaml': BAD, 'warned.yaml': WARNED });
after(() => files.cleanup());
const validate = (...args: string[]) => runCli(['validate', ...args], { cwd: files.dir });
const demo = join(REPO_ROOT, 'plans', 'demo.yaml');

interface JsonReport {
  files: Array<{ file: string; valid: boolean; diagnostics: Array<{ severity: string; code: string; message: string; hint?: string; location: { file: string; line: number; col: number } }> }>;
}

describe('pumphouse validate', () => {
  test('every example plan is valid', async () => {
    const plans = readdirSync(join(REPO_ROOT, 'plans')).filter((f) => f.endsWith('.yaml')).map((f) => join(REPO_ROOT, 'plans', f));
    const result = await validate(...plans);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, plans.map((p) => `${p}: valid\n`).join(''));
  });

  test('a broken plan among good ones: file:line:col, code, hint and a code frame; exit 1, no stack trace', async () => {
    const result = await validate('bad-plan.yaml', demo);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad-plan\.yaml:7:7: error PH\d+: .*stratgy/);
    assert.match(result.stderr, /^bad-plan\.yaml:7:7: error PH1304: unknown key "stratgy" in spec\.workloads\.0 — did you mean "strategy"\?\n7 \|       stratgy: snapshot\n {10}\^$/m);
    assert.equal(result.stdout, `bad-plan.yaml: 1 error\n${demo}: valid\n`);
    assert.equal(hasStackTrace(result.stderr), false, result.stderr);
  });

  test('--output json carries the same diagnostics, per file, and nothing on stderr', async () => {
    const result = await validate('--output', 'json', 'bad-plan.yaml', 'warned.yaml');
    assert.equal(result.code, 1);
    assert.equal(result.stderr, '');
    const report = JSON.parse(result.stdout) as JsonReport;
    assert.deepEqual(report.files.map((f) => [f.file, f.valid, f.diagnostics.length]), [['bad-plan.yaml', false, 1], ['warned.yaml', true, 1]]);
    const d = report.files[0]!.diagnostics[0]!;
    assert.deepEqual([d.severity, d.code, d.location.file, d.location.line, d.location.col, d.hint], ['error', 'PH1304', 'bad-plan.yaml', 7, 7, 'did you mean "strategy"?']);
    assert.match(d.message, /stratgy/);
    assert.equal(report.files[1]!.diagnostics[0]!.severity, 'warning');
  });

  test('warnings alone pass', async () => {
    const result = await validate('warned.yaml');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^warned\.yaml:6:16: warning PH1331: "\*" moves every project/);
    assert.equal(result.stdout, 'warned.yaml: valid (1 warning)\n');
  });

  test('a missing file or a directory is a located error, not a crash', async () => {
    const result = await validate('missing.yaml', '.');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error PH1301: plan file missing\.yaml cannot be read: no such file/);
    assert.match(result.stderr, /error PH1301: plan file \. cannot be read: it is a directory/);
    assert.equal(result.stdout, 'missing.yaml: 1 error\n.: 1 error\n');
    assert.equal(hasStackTrace(result.stderr), false, result.stderr);
  });
});
