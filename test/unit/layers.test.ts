import assert from 'node:assert/strict';
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
