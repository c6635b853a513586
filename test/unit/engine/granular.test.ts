import { test } from 'node:test';
import assert from 'node:assert/strict';
import { granularPlan, planNameOf } from '../../../src/engine/granular.js';

// The plans behind the granular actions: a name metadata.name accepts whatever the operator typed
// (a glob, capitals, many names), and the spec each action stands for.

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

test('a plan name fits metadata.name, and words that had to change get a digest so no two commands share one', () => {
  assert.equal(planNameOf(['migrate', 'server', 'web-1']), 'migrate-server-web-1', 'a name that fits stays as it is');
  const glob = planNameOf(['migrate', 'image', 'lab-*']);
  const plain = planNameOf(['migrate', 'image', 'lab']);
  assert.match(glob, /^migrate-image-lab-[0-9a-f]{8}$/);
  assert.notEqual(glob, plain);
  const long = planNameOf(['migrate', 'volume', ...Array.from({ length: 20 }, (_, i) => `Data_Volume.${i}`)]);
  for (const name of [glob, plain, long, planNameOf(['upgrade', 'CMP-3'])]) assert.match(name, NAME, name);
  assert.equal(long.length <= 63, true);
});

test('migrate project resets passwords and moves the workloads; a host action names the method', () => {
  const project = granularPlan({ action: 'migrate', kind: 'project', names: ['finance'] });
  assert.deepEqual(project.spec['identity'], { projects: ['finance'], passwords: 'reset' });
  assert.deepEqual(project.spec['workloads'], [{ projects: ['finance'], strategy: 'snapshot', volumes: 'attached', source: 'keep-stopped' }]);
  const evacuate = granularPlan({ action: 'evacuate', hosts: ['cmp-2'] });
  assert.deepEqual(evacuate.spec, { hosts: [{ name: 'cmp-2', state: 'evacuated', evacuate: 'live' }] });
  assert.throws(() => granularPlan({ action: 'upgrade', hosts: ['cmp-3'], method: 'target', to: ['cmp-1'] }), /--to names source hosts/);
  assert.throws(() => granularPlan({ action: 'migrate', kind: 'image', names: [] }), /name at least one image/);
});
