import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { loadPlanFile, RULES } from '../../../src/plan-file/index.js';
import { tempFiles } from '../../helpers/tmp.js';

const HEAD = 'apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: t }\n';
const files = tempFiles({});
after(() => files.cleanup());
let n = 0;
function diagnostics(spec: string) {
  const path = files.path(`rules-${n++}.yaml`);
  writeFileSync(path, `${HEAD}spec:\n${spec}`);
  return loadPlanFile(path).diagnostics.map((d) => ({ severity: d.severity, code: d.code, line: d.source?.line, summary: d.summary }));
}
const FUEL = 'fuel: { environment: mos, template: node-4 }';

// Each case: a spec that breaks exactly one rule, and the (severity, code, line) it must give.
const CASES: Array<[string, string, 'error' | 'warning', string, number]> = [
  ['does nothing', '  images: referenced\n', 'error', RULES.doesNothing, 4],
  ['duplicate project', '  identity:\n    projects: [demo, ops, demo]\n', 'error', RULES.duplicateProject, 6],
  ['every project', '  identity:\n    projects: ["*"]\n', 'warning', RULES.everyProject, 6],
  ['empty identity', '  identity:\n    projects: []\n', 'error', RULES.emptySelector, 6],
  ['empty workload projects', '  workloads:\n    - projects: []\n', 'error', RULES.emptySelector, 6],
  ['empty servers selector', '  workloads:\n    - projects: [demo]\n      servers: { names: [] }\n', 'error', RULES.emptySelector, 7],
  ['duplicate workload', '  workloads:\n    - projects: [demo]\n    - projects: [demo]\n', 'error', RULES.duplicateWorkload, 7],
  ['duplicate host', `  hosts:\n    - { name: cmp-1, state: maintenance }\n    - { name: cmp-1, state: evacuated }\n`, 'error', RULES.duplicateHost, 7],
  ['upgrade without fuel', '  hosts:\n    - { name: cmp-1, state: upgraded }\n', 'error', RULES.upgradeWithoutFuel, 6],
  ['fuel unused', `  hosts:\n    - { name: cmp-1, state: evacuated, ${FUEL} }\n`, 'warning', RULES.fuelUnused, 6],
  ['template is itself', '  hosts:\n    - name: node-4\n      state: upgraded\n      fuel: { environment: mos, template: node-4 }\n', 'error', RULES.templateIsItself, 8],
  ['destination leaves', `  hosts:\n    - { name: cmp-1, state: evacuated, to: [cmp-2] }\n    - { name: cmp-2, state: upgraded, ${FUEL} }\n`, 'error', RULES.destinationLeaves, 6],
  ['destination is itself', '  hosts:\n    - { name: cmp-1, state: evacuated, to: [cmp-1] }\n', 'error', RULES.destinationIsItself, 6],
  ['evacuate unused', '  hosts:\n    - { name: cmp-1, state: maintenance, evacuate: target }\n', 'warning', RULES.evacuateUnused, 6],
  ['destination for target', '  hosts:\n    - { name: cmp-1, state: evacuated, evacuate: target, to: [cmp-2] }\n', 'error', RULES.destinationForTarget, 6],
  ['map to itself', '  workloads:\n    - projects: [demo]\n  maps:\n    flavors: { m1.small: m1.small }\n', 'warning', RULES.mapToItself, 8],
];

describe('plan file rules', () => {
  for (const [name, spec, severity, code, line] of CASES) {
    test(`${code} ${name}`, () => {
      const got = diagnostics(spec);
      assert.equal(got.length, 1, JSON.stringify(got));
      assert.deepEqual([got[0]?.severity, got[0]?.code, got[0]?.line], [severity, code, line], got[0]?.summary);
    });
  }

  test('a sound plan breaks no rule', () => {
    assert.deepEqual(diagnostics(`  identity:\n    projects: [demo]\n  workloads:\n    - projects: [demo]\n      servers: { names: [web-1] }\n    - projects: [demo]\n      servers: { names: [db-1] }\n  hosts:\n    - { name: cmp-1, state: evacuated, to: [cmp-3] }\n    - { name: cmp-2, state: upgraded, ${FUEL} }\n`), []);
  });
});
