import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { importEdges, KNOWN_BACK_EDGES, layerProblems } from '../../scripts/check-layers.js';
import { REPO_ROOT } from '../helpers/cli.js';

test('every import of src/ goes down the layers, but for the known back-edges', () => {
  assert.deepEqual(layerProblems(importEdges(join(REPO_ROOT, 'src'))), []);
});

test('a planted back-edge fails the rule, and so does the simulator importing the client', () => {
  const planted = [{ from: 'openstack', to: 'migrate', where: 'src/openstack/x.ts imports ../migrate/y.js' }];
  assert.match(layerProblems(planted, new Set())[0] ?? '', /openstack -> migrate goes up the layers/);
  const simulator = [{ from: 'simulator', to: 'openstack', where: 'src/simulator/x.ts imports ../openstack/y.js' }];
  assert.match(layerProblems(simulator, new Set())[0] ?? '', /simulator -> openstack/);
  assert.match(layerProblems([], KNOWN_BACK_EDGES)[0] ?? '', /is gone: remove it from KNOWN_BACK_EDGES/);
});
