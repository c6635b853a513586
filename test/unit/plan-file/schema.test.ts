import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSchema } from '../../../src/schemas.js';

// Editors give completion and hover docs from the schema alone (the `# yaml-language-server`
// header of each plan): every key must be described, and no unknown key may slip through.
type Node = { [key: string]: unknown; properties?: Record<string, Node>; type?: unknown; additionalProperties?: unknown };

function objects(node: unknown, path: string, out: Array<[string, Node]> = []): Array<[string, Node]> {
  if (node === null || typeof node !== 'object') return out;
  const n = node as Node;
  if (n.type === 'object' || n.properties) out.push([path, n]);
  for (const [key, child] of Object.entries(n)) objects(child, `${path}/${key}`, out);
  return out;
}

describe('plan schema', () => {
  const schema = loadSchema('plan') as Node;

  test('every object refuses unknown keys and describes each of its keys', () => {
    for (const [path, node] of objects(schema, '#')) {
      if (node.properties === undefined) continue;
      assert.equal(node.additionalProperties, false, `${path} must set additionalProperties: false`);
      for (const [key, property] of Object.entries(node.properties)) {
        assert.equal(typeof property['description'], 'string', `${path}/properties/${key} has no description`);
      }
    }
  });

  test('defaults are written where the loader fills them', () => {
    const spec = schema.properties?.['spec']?.properties ?? {};
    const workload = (spec['workloads']?.['items'] as Node | undefined)?.properties ?? {};
    const host = (spec['hosts']?.['items'] as Node | undefined)?.properties ?? {};
    assert.deepEqual(
      [workload['strategy']?.['default'], workload['volumes']?.['default'], workload['source']?.['default'], host['evacuate']?.['default']],
      ['snapshot', 'attached', 'keep-stopped', 'live'],
    );
    assert.deepEqual([spec['parallelism']?.properties?.['global']?.['default'], spec['parallelism']?.properties?.['perHost']?.['default']], [8, 2]);
    assert.equal(spec['identity']?.properties?.['passwords']?.['default'], 'reset');
  });
});
