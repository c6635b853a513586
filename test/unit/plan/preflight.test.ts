import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesiredState } from '../../../src/desired/model.js';
import { resolveSelection } from '../../../src/desired/resolve.js';
import { diffState } from '../../../src/diff/diff.js';
import type { Inventory } from '../../../src/inventory/model.js';
import { runPreflight } from '../../../src/preflight/checks.js';
import { demoSource, desired, freshTarget, host, owned, resource, workload } from '../../helpers/small-inventory.js';

function preflight(plan: DesiredState, target: Inventory, maxMicroversion?: string) {
  const source = demoSource();
  const { changes } = diffState({ desired: plan, selection: resolveSelection(plan, source), source, target, mappings: {} });
  return new Map(runPreflight({ desired: plan, source, target, changes, ...(maxMicroversion ? { targetComputeMaxMicroversion: maxMicroversion } : {}) }).map((c) => [c.check, c]));
}
const node = (name: string, memoryMb: number) =>
  resource('hypervisor', name, { id: `t-${name}`, attributes: { status: 'enabled', state: 'up', vcpus: 8, vcpusUsed: 0, memoryMb, memoryMbUsed: 0, localGb: 500, localGbUsed: 0 } });
const everything = desired({ workloads: [workload(0)] });

describe('pre-flight checks', () => {
  test('capacity: RAM must fit in the enabled target hypervisors', () => {
    assert.equal(preflight(everything, freshTarget([node('node-4', 64_000)])).get('target-capacity')?.status, 'ok');
    const tight = preflight(everything, freshTarget([node('node-4', 3000)])).get('target-capacity');
    assert.equal(tight?.status, 'failed');
    assert.match(tight?.message ?? '', /2 servers need 2 vCPUs, 4096 MB RAM, 40 GB disk; 1 enabled hypervisors have 8 vCPUs, 3000 MB RAM, 500 GB disk free/);
  });

  test('capacity counts a flavor spec.maps.flavors maps to one of another size at its target size', () => {
    const medium = resource('flavor', 'm1.medium', { id: '3', attributes: { vcpus: 2, ramMb: 4096, diskGb: 40, ephemeralGb: 0, swapMb: 0, isPublic: true, extraSpecs: {}, description: null } });
    const resize = desired({ ...everything, maps: { ...everything.maps, flavors: { 'm1.small': 'm1.medium' } } });
    const check = preflight(resize, freshTarget([node('node-4', 64_000), medium])).get('target-capacity');
    assert.match(check?.message ?? '', /2 servers need 4 vCPUs, 8192 MB RAM, 80 GB disk/);
  });

  test('quotas of a project that already exists on the target must admit the servers', () => {
    const project = resource('project', 'demo', { id: 't-demo' });
    const quota = owned('quota', 'demo', 'compute', { id: 't-q', project: { id: 't-demo', name: 'demo' }, attributes: { service: 'compute', limits: { instances: 1, cores: 10, ram: 100_000 } } });
    const check = preflight(everything, freshTarget([node('node-4', 64_000), project, quota])).get('target-quota');
    assert.equal(check?.status, 'failed');
    assert.match(check?.message ?? '', /demo: instances 0 used \+ 2 arriving > quota 1/);
  });

  test('volume types and template nodes must exist on the target', () => {
    const unmapped = desired({ ...everything, maps: { ...everything.maps, volumeTypes: {} } });
    assert.equal(preflight(unmapped, freshTarget([node('node-4', 64_000)])).get('volume-types')?.status, 'failed');
    const upgrade = desired({ ...everything, hosts: [host('cmp-1', { fuel: { environment: 'mos-9', roles: ['compute'], template: 'node-9' } })] });
    const templates = preflight(upgrade, freshTarget([node('node-4', 64_000)])).get('host-templates');
    assert.equal(templates?.status, 'failed');
    assert.match(templates?.hint ?? '', /the target has node-4/);
  });

  test('an old target Nova is a warning about what it lacks', () => {
    assert.equal(preflight(everything, freshTarget([node('node-4', 64_000)]), '2.38').get('api-features')?.status, 'warning');
    assert.equal(preflight(everything, freshTarget([node('node-4', 64_000)]), '2.90').get('api-features')?.status, 'ok');
  });
});
