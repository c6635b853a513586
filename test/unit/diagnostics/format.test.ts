import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeFrame, formatDiagnostic } from '../../../src/diagnostics/format.js';
import { parseYaml, locate } from '../../../src/diagnostics/yaml-source.js';
import { closest } from '../../../src/diagnostics/schema-check.js';

test('a diagnostic reads file:line:col, severity, code, summary and hint, with a caret frame', () => {
  const text = 'source:\n  cloud: c5001\n';
  const out = formatDiagnostic({ severity: 'error', code: 'PH1212', message: 'cloud "c5001" is not in clouds.yaml', hint: 'did you mean "c5000"?', location: { file: 'p.yaml', line: 2, col: 10 } }, text);
  assert.equal(out, 'p.yaml:2:10: error PH1212: cloud "c5001" is not in clouds.yaml — did you mean "c5000"?\n2 |   cloud: c5001\n             ^');
});

test('the code frame survives positions past the line and very long lines', () => {
  assert.equal(codeFrame('a: b', 5, 1), '');
  const frame = codeFrame(`x: ${'y'.repeat(500)}`, 1, 400);
  assert.ok(frame.split('\n')[0]!.length < 200);
});

test('locate finds values, keys and falls back to the nearest ancestor', () => {
  const source = parseYaml('a:\n  b:\n    c: 1\nlist:\n  - x\n  - y\n', 'f.yaml', { codeBase: 1300, what: 'test file' });
  assert.deepEqual(locate(source, ['a', 'b', 'c']), { file: 'f.yaml', line: 3, col: 8 });
  assert.deepEqual(locate(source, ['a', 'b', 'c'], true), { file: 'f.yaml', line: 3, col: 5 });
  assert.deepEqual(locate(source, ['list', 1]), { file: 'f.yaml', line: 6, col: 5 });
  assert.deepEqual(locate(source, ['a', 'missing', 'deeper']), { file: 'f.yaml', line: 2, col: 3 });
});

test('duplicate keys are a located YAML error, not a silent override', () => {
  assert.throws(() => parseYaml('a: 1\na: 2\n', 'dup.yaml', { codeBase: 1300, what: 'test file' }), (error: Error & { code?: string; location?: { line: number } }) => {
    assert.equal(error.code, 'PH1303');
    assert.equal(error.location?.line, 2);
    return true;
  });
});

test('closest suggests near misses only', () => {
  assert.equal(closest('regin_name', ['region_name', 'interface']), 'region_name');
  assert.equal(closest('zzz', ['region_name', 'interface']), undefined);
});
