import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesiredState } from '../../../src/desired/model.js';
import { resolveSelection } from '../../../src/desired/resolve.js';
import { diffState } from '../../../src/diff/diff.js';
import type { Change } from '../../../src/diff/changes.js';
import type { Inventory } from '../../../src/inventory/model.js';
import { runPreflight } from '../../../src/preflight/checks.js';
import { demoSource, demoSourceResources, desired, freshTarget, host, inventory, owned, resource, workload } from '../../helpers/small-inventory.js';

function preflight(plan: DesiredState, target: Inventory, maxMicroversion?: string, options: { source?: Inventory; keep?: (c: Change) => boolean } = {}) {
  const source = options.source ?? demoSource();
  const { changes } = diffState({ desired: plan, selection: resolveSelection(plan, source), source, target, mappings: {} });
  const kept = changes.filter(options.keep ?? (() => true));
  return new Map(runPreflight({ desired: plan, source, target, changes: kept, ...(maxMicroversion ? { targetComputeMaxMicroversion: maxMicroversion } : {}) }).map((c) => [c.check, c]));
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

  // The source's demo quota allows 10 instances and 20 cores; the plan copies it onto the target's.
  const targetDemo = (limits: Record<string, number>) => [
    resource('project', 'demo', { id: 't-demo' }),
    owned('quota', 'demo', 'compute', { id: 't-q', project: { id: 't-demo', name: 'demo' }, attributes: { service: 'compute', limits } }),
  ];
  const isQuota = (c: Change) => c.kind === 'quota';

  test('a target quota too low that the plan raises itself passes: the servers boot after the quota step', () => {
    const target = freshTarget([node('node-4', 64_000), ...targetDemo({ instances: 1, cores: 10, ram: 100_000 })]);
    const check = preflight(everything, target).get('target-quota');
    assert.equal(check?.status, 'ok', check?.message);
    assert.match(check?.message ?? '', /with the quotas this plan sets/);
  });

  test('without the plan\'s quota step, the target\'s current quota must admit the servers', () => {
    const target = freshTarget([node('node-4', 64_000), ...targetDemo({ instances: 1, cores: 10, ram: 100_000 })]);
    const check = preflight(everything, target, undefined, { keep: (c) => !isQuota(c) }).get('target-quota');
    assert.equal(check?.status, 'failed');
    assert.match(check?.message ?? '', /demo: instances 0 used \+ 2 arriving > quota 1$/);
  });

  test('the quota the plan sets must admit the servers, whatever the target has now', () => {
    const lowered = inventory('source', demoSourceResources().map((r) => (r.address === 'quota:demo/compute' ? { ...r, attributes: { service: 'compute', limits: { instances: 1, cores: 20 } } } : r)));
    const target = freshTarget([node('node-4', 64_000), ...targetDemo({ instances: 10, cores: 10, ram: 100_000 })]);
    const check = preflight(everything, target, undefined, { source: lowered }).get('target-quota');
    assert.equal(check?.status, 'failed');
    assert.match(check?.message ?? '', /demo: instances 0 used \+ 2 arriving > quota 1 \(as this plan sets it\)/);
    const fresh = preflight(everything, freshTarget([node('node-4', 64_000)]), undefined, { source: lowered }).get('target-quota');
    assert.equal(fresh?.status, 'failed', 'a project the plan creates gets the quota the plan sets');
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

  test('a check that warns or fails is a problem with its registered code', () => {
    const unmapped = desired({ ...everything, maps: { ...everything.maps, volumeTypes: {} } });
    const volumeTypes = preflight(unmapped, freshTarget([node('node-4', 64_000)])).get('volume-types');
    assert.deepEqual([volumeTypes?.status, volumeTypes?.status === 'ok' ? undefined : volumeTypes?.code], ['failed', 'PH1764']);
    const features = preflight(everything, freshTarget([node('node-4', 64_000)]), '2.38').get('api-features');
    assert.deepEqual([features?.status, features?.status === 'ok' ? undefined : features?.code], ['warning', 'PH1765']);
  });
});
