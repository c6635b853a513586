import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { importEdges, layerProblems, type Edge } from '../../scripts/check-layers.js';
import { REPO_ROOT } from '../helpers/cli.js';

const edge = (from: string, to: string): Edge => ({ from, to, where: `src/${from}/x.ts imports ../${to}/y.js` });

test('every import of src/ goes down the layers, and no folders of one layer import each other', () => {
  assert.deepEqual(layerProblems(importEdges(join(REPO_ROOT, 'src'))), []);
});

test('a planted back-edge fails the rule, and so does the simulator importing the client', () => {
  assert.match(layerProblems([edge('openstack', 'migrate')])[0] ?? '', /openstack -> migrate goes up the layers/);
  assert.match(layerProblems([edge('simulator', 'openstack')])[0] ?? '', /simulator -> openstack/);
  assert.match(layerProblems([edge('openstack', 'nowhere')])[0] ?? '', /nowhere has no layer/);
});

test('folders of one layer may import each other one way, never both', () => {
  assert.deepEqual(layerProblems([edge('execution-plan', 'preflight'), edge('model', 'inventory')]), []);
  const problems = layerProblems([edge('execution-plan', 'preflight'), edge('preflight', 'execution-plan'), edge('preflight', 'diff')]);
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /^execution-plan <-> preflight import each other \(layer 6\)/);
  assert.match(problems[0] ?? '', /src\/execution-plan\/x\.ts imports \.\.\/preflight\/y\.js/);
  assert.match(problems[0] ?? '', /src\/preflight\/x\.ts imports \.\.\/execution-plan\/y\.js/);
});

test('a cycle through three folders of one layer fails once, naming all three', () => {
  const problems = layerProblems([edge('graph', 'preflight'), edge('preflight', 'execution-plan'), edge('execution-plan', 'graph'), edge('model', 'inventory')]);
  assert.deepEqual(problems.map((p) => p.split(' import each other')[0]), ['execution-plan <-> graph <-> preflight']);
});

test('the clients import none of each other, nor do the workload and host steps', () => {
  assert.match(layerProblems([edge('fuel', 'openstack')])[0] ?? '', /fuel -> openstack joins folders that stay apart \(openstack, fuel, hardware\)/);
  assert.match(layerProblems([edge('hardware', 'openstack')])[0] ?? '', /hardware -> openstack joins folders that stay apart/);
  assert.match(layerProblems([edge('hosts', 'migrate')])[0] ?? '', /hosts -> migrate joins folders that stay apart \(migrate, hosts\)/);
  assert.deepEqual(layerProblems([edge('fuel', 'http'), edge('hardware', 'http'), edge('openstack', 'http')]), []);
});

test('the real tree planted with the old back-edges fails on each', () => {
  const edges = importEdges(join(REPO_ROOT, 'src'));
  const planted = [...edges, edge('preflight', 'execution-plan'), edge('fuel', 'openstack'), edge('config', 'hardware'), edge('state', 'migrate')];
  const problems = layerProblems(planted);
  assert.equal(problems.length, 4, problems.join('\n'));
  assert.ok(problems.some((p) => /config -> hardware goes up/.test(p)));
  assert.ok(problems.some((p) => /state -> migrate goes up/.test(p)));
  assert.ok(problems.some((p) => p.startsWith('execution-plan <-> preflight')));
  assert.ok(problems.some((p) => /fuel -> openstack joins/.test(p)));
});

test('a front end that imports past the engine fails the rule; a type from anywhere, the engine and render pass', () => {
  const bypass = [{ from: 'cli', to: 'openstack', where: 'src/cli/commands/x.ts imports ../../openstack/index.js' }];
  assert.match(layerProblems(bypass)[0] ?? '', /cli -> openstack bypasses the engine/);
  const server = [{ from: 'server', to: 'apply', where: 'src/server/x.ts imports ../apply/session.js' }];
  assert.match(layerProblems(server)[0] ?? '', /server -> apply bypasses the engine/);
  const fine = [
    { from: 'cli', to: 'engine', where: 'src/cli/x.ts imports ../engine/index.js' },
    { from: 'cli', to: 'render', where: 'src/cli/x.ts imports ../render/streams.js' },
    { from: 'server', to: 'execution-plan', where: 'src/server/x.ts imports ../execution-plan/plan.js', typeOnly: true },
  ];
  assert.deepEqual(layerProblems(fine), []);
});

test('import type, and braces of types only, are told apart from imports that load a module', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  try {
    mkdirSync(join(dir, 'cli'));
    writeFileSync(join(dir, 'cli', 'x.ts'), [
      "import type { A } from '../apply/a.js';",
      "import { type B, type C } from '../state/b.js';",
      "import { D } from '../openstack/d.js';",
      "const e = await import('../inventory/e.js');",
    ].join('\n'));
    const edges = importEdges(dir).map((e) => `${e.to}:${e.typeOnly ? 'type' : 'value'}`);
    assert.deepEqual(edges, ['apply:type', 'state:type', 'openstack:value', 'inventory:value']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
