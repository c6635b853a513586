import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

test('a front end that imports past the engine fails the rule; a type from anywhere, the engine and render pass', () => {
  const bypass = [{ from: 'cli', to: 'openstack', where: 'src/cli/commands/x.ts imports ../../openstack/index.js' }];
  assert.match(layerProblems(bypass, new Set())[0] ?? '', /cli -> openstack bypasses the engine/);
  const server = [{ from: 'server', to: 'apply', where: 'src/server/x.ts imports ../apply/session.js' }];
  assert.match(layerProblems(server, new Set())[0] ?? '', /server -> apply bypasses the engine/);
  const fine = [
    { from: 'cli', to: 'engine', where: 'src/cli/x.ts imports ../engine/index.js' },
    { from: 'cli', to: 'render', where: 'src/cli/x.ts imports ../render/streams.js' },
    { from: 'server', to: 'execution-plan', where: 'src/server/x.ts imports ../execution-plan/plan.js', typeOnly: true },
  ];
  assert.deepEqual(layerProblems(fine, new Set()), []);
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
