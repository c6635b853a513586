import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { hasStackTrace, REPO_ROOT, runCli } from '../helpers/cli.js';
import { sandboxForTests } from '../helpers/sandbox.js';

// `pumphouse plan` with the real CLI against the sandbox's demo scenario and plans/demo.yaml,
// without the probe of the clouds: its figures are measurements, which would differ run to run
// (test/e2e/estimates.test.ts checks them).
const env = sandboxForTests();
const plan = (...args: string[]) => runCli(['--config', env.files().path('pumphouse.yaml'), 'plan', 'plans/demo.yaml', '--no-probe', ...args]);

/** What may differ between two runs: times, and the sandbox's ephemeral ports. */
function normalise(text: string): string {
  return text
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .split(REPO_ROOT).join('<repo>');
}

/** Compares with samples/<name>; UPDATE_GOLDEN=1 rewrites it (review the diff before committing). */
function golden(name: string, actual: string): void {
  const path = `${REPO_ROOT}/samples/${name}`;
  const normalised = normalise(actual);
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(path)) writeFileSync(path, normalised);
  assert.equal(normalised, readFileSync(path, 'utf8'), `${name} differs from the golden file (UPDATE_GOLDEN=1 npm test rewrites it)`);
}

describe('pumphouse plan', () => {
  test('JSON: valid against its schema, deterministic, and the golden sample', async () => {
    const first = await plan('--output', 'json');
    assert.equal(first.code, 0, first.stderr);
    const parsed = JSON.parse(first.stdout) as { applyable: boolean; summary: { create: number; migrate: number }; steps: Array<{ id: string; dependsOn: string[] }> };
    const schema = JSON.parse(readFileSync(`${REPO_ROOT}/schemas/plan-output.schema.json`, 'utf8')) as object;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    assert.ok(validate(parsed), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.ok(parsed.summary.create > 0 && parsed.summary.migrate > 0, 'the demo plan creates and migrates');
    const seen = new Set<string>();
    for (const step of parsed.steps) {
      for (const dependency of step.dependsOn) assert.ok(seen.has(dependency), `${step.id} comes after ${dependency}`);
      seen.add(step.id);
    }
    const second = await plan('--output', 'json');
    assert.equal(normalise(second.stdout), normalise(first.stdout), 'two plans of unchanged clouds are identical apart from times');
    golden('demo.plan.json', first.stdout);
  });

  test('human: grouped by project, with the summary line last; golden sample', async () => {
    const result = await plan();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^project demo$/m);
    assert.match(result.stdout, /→ server:demo\/\S+\s+snapshot, .* to copy, ~\S+ downtime/);
    assert.match(result.stdout.trimEnd().split('\n').pop() ?? '', /^Plan: \d+ to create, \d+ to update, \d+ to migrate, \d+ hosts? to upgrade\./);
    golden('demo.plan.txt', result.stdout);
  });

  test('markdown: the summary line first, details collapsible; golden sample', async () => {
    const result = await plan('--output', 'markdown');
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], '### Pumphouse plan `demo`');
    assert.match(lines[2] ?? '', /^\*\*Plan: \d+ to create/);
    assert.match(result.stdout, /<details><summary>project demo \(\d+ changes?\)<\/summary>/);
    golden('demo.plan.md', result.stdout);
  });

  test('--detailed-exitcode exits 2 when there are changes; --out saves the JSON plan', async () => {
    const out = env.files().path('plan.json');
    const result = await plan('--detailed-exitcode', '--out', out);
    assert.equal(result.code, 2, result.stderr);
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { formatVersion: number }).formatVersion, 1);
  });

  test('--target narrows the plan to an object and what it needs', async () => {
    const full = JSON.parse((await plan('--output', 'json')).stdout) as { steps: unknown[] };
    const narrowed = await plan('--output', 'json', '--target', 'network:demo/demo-net');
    assert.equal(narrowed.code, 0, narrowed.stderr);
    const steps = (JSON.parse(narrowed.stdout) as { steps: Array<{ address: string }> }).steps;
    assert.ok(steps.length > 0 && steps.length < full.steps.length, `${steps.length} of ${full.steps.length} steps`);
    assert.ok(steps.some((s) => s.address === 'network:demo/demo-net'));
    assert.ok(steps.some((s) => s.address === 'project:demo'), 'the network needs its project');
  });

  test('a selector that matches nothing: the plan says where, and exits 1', async () => {
    const typo = env.files().path('typo-plan.yaml');
    writeFileSync(typo, 'apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: x }\nspec:\n  workloads:\n    - projects: [demo]\n      servers: { names: [wbe-1] }\n');
    const result = await runCli(['--config', env.files().path('pumphouse.yaml'), 'plan', typo]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /typo-plan\.yaml:6:7: error PH1401: spec\.workloads\[0\]\.servers\.names: "wbe-1" matches nothing on the source cloud/);
    assert.doesNotMatch(result.stdout, /No changes\./, 'a plan with errors is not "no changes"');
    assert.match(result.stdout, /No plan: 1 error to fix first\./);
    const markdown = await runCli(['--config', env.files().path('pumphouse.yaml'), '--output', 'markdown', 'plan', typo]);
    assert.match(markdown.stdout, /- \*\*error PH1401\*\* \(`[^`]*typo-plan\.yaml:6:7`\): /);
    assert.doesNotMatch(markdown.stdout, /No changes\./);
  });

  test('a broken plan file: located error, exit 1, no stack trace', async () => {
    const bad = env.files().path('bad-plan.yaml');
    writeFileSync(bad, 'apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: x }\nspec:\n  workloads:\n    - projects: [demo]\n      stratgy: snapshot\n');
    const result = await runCli(['--config', env.files().path('pumphouse.yaml'), 'plan', bad]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad-plan\.yaml:7:7: error PH\d+: .*stratgy/);
    assert.equal(hasStackTrace(result.stderr), false, result.stderr);
  });
});
