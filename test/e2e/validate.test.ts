import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hasStackTrace, runCli } from '../helpers/cli.js';
import { tempFiles } from '../helpers/tmp.js';

// `pumphouse validate` with the real CLI: offline, no pumphouse.yaml anywhere near.
const BAD = 'apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: x }\nspec:\n  workloads:\n    - projects: [demo]\n      stratgy: snapshot\n';
const files = tempFiles({ 'bad-plan.yaml': BAD });
after(() => files.cleanup());
const noConfig = ['--config', files.path('no-such-pumphouse.yaml')];

describe('pumphouse validate', () => {
  test('every example plan is valid, without a config file or a cloud', async () => {
    const result = await runCli([...noConfig, 'validate', 'plans/demo.yaml', 'plans/maps.yaml']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'plans/demo.yaml: valid\nplans/maps.yaml: valid\n');
  });

  test('a broken plan: file:line:col, code, hint and a code frame; exit 1, no stack trace', async () => {
    const bad = files.path('bad-plan.yaml');
    const result = await runCli([...noConfig, 'validate', bad, 'plans/demo.yaml']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad-plan\.yaml:7:7: error PH1304: unknown key "stratgy" in spec\.workloads\.0 — did you mean "strategy"\?\n7 \|       stratgy: snapshot\n {10}\^/);
    assert.match(result.stdout, /bad-plan\.yaml: 1 error\nplans\/demo\.yaml: valid/);
    assert.equal(hasStackTrace(result.stderr), false, result.stderr);
  });

  test('--output json carries the same diagnostics', async () => {
    const result = await runCli([...noConfig, '--output', 'json', 'validate', files.path('bad-plan.yaml')]);
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout) as { files: Array<{ file: string; valid: boolean; diagnostics: Array<{ code: string; source: { line: number; col: number } }> }> };
    assert.equal(report.files[0]?.valid, false);
    assert.deepEqual([report.files[0]?.diagnostics[0]?.code, report.files[0]?.diagnostics[0]?.source.line, report.files[0]?.diagnostics[0]?.source.col], ['PH1304', 7, 7]);
    assert.equal(result.stderr, '');
  });
});
