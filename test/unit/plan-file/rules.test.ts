import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { loadPlanFile, RULES } from '../../../src/plan-file/index.js';
import { tempFiles } from '../../helpers/tmp.js';

const HEAD = 'apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: t }\n';
const files = tempFiles({});
after(() => files.cleanup());
let n = 0;
function diagnostics(spec: string, name = `rules-${n++}.yaml`) {
  const path = files.path(name);
  writeFileSync(path, `${HEAD}spec:\n${spec}`);
  const loaded = loadPlanFile(path);
  return loaded.diagnostics.map((d) => ({ severity: d.severity, code: d.code, at: [d.location?.line, d.location?.col], message: d.message, hint: d.hint, desired: loaded.desired !== undefined }));
}
const FUEL = 'fuel: { environment: mos, template: node-4 }';
const LAYOUT = 'layout: { disks: [{ name: sda, volumes: [{ name: os, size: rest }] }], interfaces: [{ name: eth0, networks: [fuelweb_admin] }] }';

// Each case: a spec that breaks exactly one rule, and the severity, code and line:col it gives.
const CASES: Array<[string, string, 'error' | 'warning', string, [number, number]]> = [
  ['does nothing', '  images: referenced\n', 'error', RULES.doesNothing, [4, 1]],
  ['duplicate project', '  identity:\n    projects: [demo, ops, demo]\n', 'error', RULES.duplicateProject, [6, 27]],
  ['every project', '  identity:\n    projects: ["*"]\n', 'warning', RULES.everyProject, [6, 16]],
  ['empty identity', '  identity:\n    projects: []\n', 'error', RULES.emptySelector, [6, 15]],
  ['empty workload projects', '  workloads:\n    - projects: []\n', 'error', RULES.emptySelector, [6, 17]],
  ['empty servers selector', '  workloads:\n    - projects: [demo]\n      servers: { names: [] }\n', 'error', RULES.emptySelector, [7, 7]],
  ['duplicate workload', '  workloads:\n    - projects: [demo]\n    - projects: [demo]\n', 'error', RULES.duplicateWorkload, [7, 7]],
  ['duplicate workload, lists in another order', '  workloads:\n    - { projects: [a, b], servers: { tags: [x, y] } }\n    - { projects: [b, a], servers: { tags: [y, x] } }\n', 'error', RULES.duplicateWorkload, [7, 7]],
  ['duplicate host', `  hosts:\n    - { name: cmp-1, state: maintenance }\n    - { name: cmp-1, state: evacuated }\n`, 'error', RULES.duplicateHost, [7, 15]],
  ['fuel unused', `  hosts:\n    - { name: cmp-1, state: evacuated, ${FUEL} }\n`, 'warning', RULES.fuelUnused, [6, 40]],
  ['template is itself', '  hosts:\n    - name: node-4\n      state: upgraded\n      fuel: { environment: mos, template: node-4 }\n', 'error', RULES.templateIsItself, [8, 43]],
  ['destination leaves', `  hosts:\n    - { name: cmp-1, state: evacuated, to: [cmp-2] }\n    - { name: cmp-2, state: upgraded, ${FUEL} }\n`, 'error', RULES.destinationLeaves, [6, 45]],
  ['destination is itself', '  hosts:\n    - { name: cmp-1, state: evacuated, to: [cmp-1] }\n', 'error', RULES.destinationIsItself, [6, 45]],
  ['moving settings on a maintenance host', '  hosts:\n    - name: cmp-1\n      state: maintenance\n      evacuate: cold\n', 'warning', RULES.movingUnused, [8, 7]],
  ['maintenance with evacuate: target', '  hosts:\n    - name: cmp-1\n      state: maintenance\n      evacuate: target\n', 'error', RULES.maintenanceToTarget, [8, 7]],
  ['destination for target', '  hosts:\n    - { name: cmp-1, state: evacuated, evacuate: target, to: [cmp-2] }\n', 'error', RULES.destinationForTarget, [6, 58]],
  ['map to itself', '  workloads:\n    - projects: [demo]\n  maps:\n    flavors: { m1.small: m1.small }\n', 'warning', RULES.mapToItself, [8, 16]],
  ['passwords file unused', '  identity:\n    projects: [demo]\n    passwords: skip\n    passwordsFile: p.yaml\n', 'warning', RULES.passwordsFileUnused, [8, 5]],
  ['layout and template', `  hosts:\n    - name: cmp-1\n      state: upgraded\n      fuel:\n        template: node-4\n        ${LAYOUT}\n`, 'error', RULES.layoutAndTemplate, [9, 9]],
  ['layout names a disk twice', `  hosts:\n    - name: cmp-1\n      state: upgraded\n      fuel:\n        layout:\n          disks: [{ name: sda, volumes: [] }, { name: sda, volumes: [] }]\n          interfaces: [{ name: eth0, networks: [fuelweb_admin] }]\n`, 'error', RULES.layoutContradiction, [10, 55]],
  ['layout puts a network on two NICs', `  hosts:\n    - name: cmp-1\n      state: upgraded\n      fuel:\n        layout:\n          disks: [{ name: sda, volumes: [{ name: os, size: rest }] }]\n          interfaces: [{ name: eth0, networks: [storage] }, { name: eth1, networks: [storage] }]\n`, 'error', RULES.layoutContradiction, [11, 85]],
  ['abandon on a host that stays', '  hosts:\n    - { name: cmp-1, state: evacuated, abandon: ["*"] }\n', 'warning', RULES.abandonUnused, [6, 40]],
];

describe('plan file rules', () => {
  test('an upgraded host needs no fuel section: the environment comes from pumphouse.yaml, the template from Fuel', () => {
    assert.deepEqual(diagnostics('  hosts:\n    - { name: cmp-1, state: upgraded }\n'), []);
  });

  for (const [name, spec, severity, code, at] of CASES) {
    test(`${code} ${name}`, () => {
      const got = diagnostics(spec);
      assert.equal(got.length, 1, JSON.stringify(got));
      const d = got[0]!;
      assert.deepEqual([d.severity, d.code, d.at], [severity, code, at], d.message);
      assert.ok(d.hint, 'says what to do');
      assert.equal(d.desired, severity === 'warning', 'a desired state only when there is no error');
    });
  }

  test(`${RULES.passwordsFileIsPlan} the passwords file is the plan file itself`, () => {
    const got = diagnostics('  identity:\n    projects: [demo]\n    passwordsFile: ./self.yaml\n', 'self.yaml');
    assert.deepEqual(got.map((d) => [d.code, d.at]), [[RULES.passwordsFileIsPlan, [7, 20]]]);
  });

  test('a maintenance host gets one warning per setting that would move servers', () => {
    const got = diagnostics('  hosts:\n    - { name: cmp-1, state: maintenance, evacuate: live, to: [cmp-2], parallelism: 1 }\n');
    assert.deepEqual(got.map((d) => [d.code, d.severity, d.message.split(' ')[0]]), [
      [RULES.movingUnused, 'warning', 'spec.hosts[0].evacuate'],
      [RULES.movingUnused, 'warning', 'spec.hosts[0].to'],
      [RULES.movingUnused, 'warning', 'spec.hosts[0].parallelism'],
    ]);
  });

  test('a disk with two volumes of size rest contradicts itself; a fixed layout without a template is fine', () => {
    const layout = (volumes: string) => `  hosts:\n    - name: cmp-1\n      state: upgraded\n      fuel:\n        layout:\n          disks: [{ name: sda, volumes: [${volumes}] }]\n          interfaces: [{ name: eth0, networks: [fuelweb_admin] }]\n`;
    assert.deepEqual(diagnostics(layout('{ name: os, size: 51200 }, { name: vm, size: rest }')), []);
    assert.deepEqual(diagnostics(layout('{ name: os, size: rest }, { name: vm, size: rest }')).map((d) => [d.code, d.message]), [[RULES.layoutContradiction, 'spec.hosts[0].fuel.layout: disk sda has more than one volume of size "rest"']]);
  });

  test('every rule has a case above', () => {
    const covered = new Set([...CASES.map((c) => c[3]), RULES.passwordsFileIsPlan]);
    assert.deepEqual(Object.values(RULES).filter((code) => !covered.has(code)), []);
  });

  test('a sound plan breaks no rule', () => {
    assert.deepEqual(diagnostics(`  identity:\n    projects: [demo, "it-*"]\n    passwords: reset\n    passwordsFile: secrets/demo.yaml\n  workloads:\n    - projects: [demo]\n      servers: { names: [web-1] }\n    - projects: [demo]\n      servers: { names: [db-1] }\n    - projects: [demo, it-ops]\n      servers: { names: [web-1] }\n  maps:\n    networks: { public: admin_floating_net }\n  hosts:\n    - { name: cmp-1, state: evacuated, evacuate: cold, to: [cmp-3], parallelism: 1 }\n    - { name: cmp-2, state: upgraded, ${FUEL} }\n    - { name: cmp-4, state: maintenance }\n    - { name: cmp-5, state: decommissioned, evacuate: target }\n`), []);
  });
});
