import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesiredState } from '../../../src/desired/model.js';
import { resolveSelection } from '../../../src/desired/resolve.js';
import type { Change } from '../../../src/diff/changes.js';
import { diffState, type StateMappings } from '../../../src/diff/diff.js';
import { compareAttributes, sameNames } from '../../../src/diff/attributes.js';
import { markTags } from '../../../src/diff/marks.js';
import type { Inventory, InventoryResource } from '../../../src/inventory/model.js';
import { demoSource, desired, freshTarget, host, owned, resource, workload } from '../../helpers/small-inventory.js';

function diff(plan: DesiredState, target: Inventory, mappings: StateMappings = {}, source = demoSource()) {
  const selection = resolveSelection(plan, source);
  assert.deepEqual(selection.diagnostics, []);
  return diffState({ desired: plan, selection, source, target, mappings });
}
const byAddress = (changes: readonly Change[]) => new Map(changes.map((c) => [c.address, c]));
const webOnly = desired({ workloads: [workload(0, { servers: { names: ['web-1'], ids: [], tags: [], hosts: [] } })] });

/** A target that already holds demo as an earlier apply left it. */
function targetWith(...extra: InventoryResource[]): Inventory {
  return freshTarget([
    resource('project', 'demo', { id: 't-demo', refs: { domain: 'domain:Default' }, attributes: { enabled: true, description: 'demo', tags: [] } }),
    ...extra,
  ]);
}

describe('diff', () => {
  test('against a fresh target: meta-resources are created, the server and its volume migrate', () => {
    const changes = byAddress(diff(webOnly, freshTarget()).changes);
    assert.equal(changes.get('flavor:m1.small')?.action, 'create');
    assert.equal(changes.get('project:demo')?.action, 'create');
    assert.equal(changes.get('project:admin')?.action, 'noop', 'the image owner exists on the target');
    assert.equal(changes.get('role:member')?.action, 'noop');
    assert.equal(changes.get('volume:demo/web-data')?.action, 'migrate');
    const server = changes.get('server:demo/web-1');
    assert.equal(server?.action, 'migrate');
    assert.equal(server?.impact, 'downtime');
    assert.equal(server?.project, 'demo');
    // The snapshot carries its image (cirros: 1 KiB) + the 10 GB volume, at the assumed 100 MiB/s, plus the fixed 60 s;
    // a volume's bytes cross three times where a snapshot's cross twice, so they weigh 3/2.
    const bytes = 1024 + 10 * 1024 ** 3;
    assert.equal(server?.move?.bytes, bytes);
    assert.equal(server?.move?.downtimeSeconds, 213.6, '60 s + 1.5 × 102.4 s (the 1 KiB adds under a millisecond)');
  });

  test('renames through maps: the external network and volume type match their mapped names', () => {
    const changes = byAddress(diff(webOnly, freshTarget()).changes);
    const network = changes.get('network:admin/public');
    assert.equal(network?.action, 'noop');
    assert.equal(network?.target?.address, 'network:admin/admin_floating_net');
    assert.equal(changes.get('volume-type:lvm')?.target?.address, 'volume-type:volumes_lvm');
    assert.deepEqual(changes.get('floating-ip:demo/203.0.113.7')?.willNotSurvive, ['address 203.0.113.7 changes: it is outside network:admin/admin_floating_net on the target (no subnet), so the target allocates another']);
  });

  test('a floating IP keeps its address where the target\'s external network has its range free, whatever the network is called', () => {
    const floatingSubnet = (cidr: string) => owned('subnet', 'admin', 'floating-subnet', { refs: { network: 'network:admin/admin_floating_net' }, attributes: { cidr, tags: [] } });
    const FIP = 'floating-ip:demo/203.0.113.7';
    assert.deepEqual(byAddress(diff(webOnly, freshTarget([floatingSubnet('203.0.113.0/24')])).changes).get(FIP)?.willNotSurvive, [], 'same range: apply takes the same address');
    assert.deepEqual(byAddress(diff(webOnly, freshTarget([floatingSubnet('198.51.100.0/24')])).changes).get(FIP)?.willNotSurvive, [
      'address 203.0.113.7 changes: it is outside network:admin/admin_floating_net on the target (198.51.100.0/24), so the target allocates another',
    ]);
    const router = owned('port', 'admin', 'gw-port', { attributes: { fixedIps: [{ subnetId: 't-sub', ipAddress: '203.0.113.7' }], tags: [] } });
    assert.deepEqual(byAddress(diff(webOnly, freshTarget([floatingSubnet('203.0.113.0/24'), router])).changes).get(FIP)?.willNotSurvive, [
      'address 203.0.113.7 changes: port:admin/gw-port holds it on the target, so the target allocates another',
    ]);
  });

  test('a name no map resolves is a conflict saying what to add', () => {
    const unmapped = desired({ ...webOnly, maps: { networks: {}, availabilityZones: {}, volumeTypes: {}, flavors: { 'm1.small': 'm2.small' } } });
    const changes = byAddress(diff(unmapped, freshTarget()).changes);
    assert.equal(changes.get('network:admin/public')?.action, 'conflict');
    assert.match(changes.get('network:admin/public')?.reason ?? '', /external network public has no counterpart on the target: map it in spec\.maps\.networks/);
    assert.match(changes.get('volume-type:lvm')?.reason ?? '', /no volume type lvm: map it in spec\.maps\.volumeTypes/);
    assert.match(changes.get('flavor:m1.small')?.reason ?? '', /maps m1\.small to m2\.small, which the target does not have/);
  });

  test('maps.flavors to a flavor of another size: no conflict, the target flavor used as it is, a warning with both sizes', () => {
    const resize = desired({ ...webOnly, maps: { ...webOnly.maps, flavors: { 'm1.small': 'm1.medium' } } });
    const medium = resource('flavor', 'm1.medium', { id: '3', attributes: { vcpus: 2, ramMb: 4096, diskGb: 40, ephemeralGb: 0, swapMb: 0, isPublic: true, extraSpecs: { 'hw:cpu_policy': 'shared' }, description: null } });
    const result = diff(resize, freshTarget([medium]));
    const flavor = byAddress(result.changes).get('flavor:m1.small');
    assert.equal(flavor?.action, 'noop', 'neither a conflict nor an update of the target’s own flavor');
    assert.deepEqual(flavor?.target, { address: 'flavor:m1.medium', id: '3', matchedBy: 'natural-key' });
    assert.deepEqual(result.diagnostics.map((d) => [d.severity, d.code]), [['warning', 'PH1420']]);
    assert.equal(result.diagnostics[0]?.message,
      'spec.maps.flavors: servers of flavor m1.small (1 vCPU, 2048 MB RAM, 20 GB disk) are resized to m1.medium (2 vCPUs, 4096 MB RAM, 40 GB disk) on the target; m1.medium has its own extraSpecs');

    // Once moved, a server compares by the mapped name: its copy runs m1.medium, as desired.
    const moved = owned('server', 'demo', 'web-1', { id: 't-web', attributes: { tags: ['frontend'], metadata: { pumphouse_verified: 'then' }, flavor: { name: 'm1.medium', vcpus: 2, ramMb: 4096, diskGb: 40 }, bootFromVolume: false } });
    assert.equal(byAddress(diff(resize, freshTarget([medium, moved])).changes).get('server:demo/web-1')?.action, 'noop');
    const same = resource('flavor', 'm1.medium', { id: '3', attributes: { vcpus: 1, ramMb: 2048, diskGb: 20, ephemeralGb: 0, swapMb: 0, isPublic: true, extraSpecs: {}, description: null } });
    assert.deepEqual(diff(resize, freshTarget([same])).diagnostics, [], 'a map to a flavor alike says nothing');
  });

  test('same key, different essentials: a conflict showing both values', () => {
    const subnet = owned('subnet', 'demo', 'demo-subnet', { id: 't-sub', refs: { network: 'network:demo/demo-net' }, attributes: { cidr: '10.9.0.0/24', ipVersion: 4, gatewayIp: '10.1.0.1', tags: [] } });
    const change = byAddress(diff(webOnly, targetWith(subnet)).changes).get('subnet:demo/demo-subnet');
    assert.equal(change?.action, 'conflict');
    assert.deepEqual(change?.differences, [{ path: 'attributes.cidr', before: '10.9.0.0/24', after: '10.1.0.0/24' }]);
    const keypair = owned('keypair', 'alice', 'alice-key', { project: undefined, id: 't-kp', attributes: { fingerprint: 'ff:ff' } });
    assert.equal(byAddress(diff(webOnly, targetWith(keypair)).changes).get('keypair:alice/alice-key')?.action, 'conflict');
  });

  test('settable differences are an update; ids, timestamps and marks are ignored', () => {
    const project = resource('project', 'demo', { id: 't-demo', attributes: { enabled: true, description: 'old words', tags: markTags('id-project-demo', 'test'), createdAt: '2020-01-01' } });
    const network = owned('network', 'demo', 'demo-net', { id: 't-net', attributes: { external: false, mtu: 1500, description: '', tags: markTags('x', 'test'), createdAt: 'then', status: 'DOWN' } });
    const changes = byAddress(diff(webOnly, freshTarget([project, network])).changes);
    const update = changes.get('project:demo');
    assert.equal(update?.action, 'update');
    assert.deepEqual(update?.differences, [{ path: 'attributes.description', before: 'old words', after: 'demo' }]);
    assert.equal(update?.target?.matchedBy, 'mark');
    assert.equal(changes.get('network:demo/demo-net')?.action, 'noop');
  });

  test('matching prefers the state file, then the mark, then the natural key', () => {
    const renamed = owned('server', 'demo', 'web-1-copy', { id: 't-web', attributes: { tags: ['frontend', ...markTags('id-server-demo/web-1', 'test')], flavor: { name: 'm1.small' }, bootFromVolume: false, metadata: { pumphouse_verified: '2026-11-25T07:00:00Z' } } });
    const sameName = owned('server', 'demo', 'web-1', { id: 't-impostor', attributes: { tags: ['frontend'], flavor: { name: 'm1.small' }, bootFromVolume: false, metadata: {} } });
    const target = targetWith(renamed, sameName);
    const byMark = byAddress(diff(webOnly, target).changes).get('server:demo/web-1');
    assert.deepEqual(byMark?.target, { address: 'server:demo/web-1-copy', id: 't-web', matchedBy: 'mark' });
    assert.equal(byMark?.action, 'noop', 'a moved (verified) server is not moved again');
    const unfinished = { ...renamed, attributes: { ...renamed.attributes, metadata: {} } };
    const resumed = byAddress(diff(webOnly, targetWith(unfinished)).changes).get('server:demo/web-1');
    assert.equal(resumed?.action, 'migrate', 'a copy an interrupted apply left unverified is finished, not ignored');
    assert.equal(resumed?.target?.id, 't-web');
    // Two marked copies (a duplicate an old bug left): the state says which one is the copy.
    const older = { ...renamed, address: 'server:demo/web-1-old', id: 't-web-old', name: 'web-1-old' };
    const byState = byAddress(diff(webOnly, targetWith(renamed, older), { 'server:demo/web-1': 't-web-old' }).changes).get('server:demo/web-1');
    assert.deepEqual(byState?.target, { address: 'server:demo/web-1-old', id: 't-web-old', matchedBy: 'state' });
    const byKey = byAddress(diff(webOnly, targetWith(sameName)).changes).get('server:demo/web-1');
    assert.equal(byKey?.target?.matchedBy, 'natural-key');
  });

  test('a state mapping to an object that is not the copy of its source object is ignored, with a warning', () => {
    const web2Copy = owned('server', 'demo', 'web-2', { id: 't-web-2', attributes: { tags: markTags('id-server-demo/web-2', 'test'), flavor: { name: 'm1.small' }, bootFromVolume: false, metadata: { pumphouse_verified: 'then' } } });
    const both = desired({ workloads: [workload(0, { servers: { names: ['web-*'], ids: [], tags: [], hosts: [] } })] });
    const result = diff(both, targetWith(web2Copy), { 'server:demo/web-1': 't-web-2' });
    const changes = byAddress(result.changes);
    assert.equal(changes.get('server:demo/web-1')?.action, 'migrate', 'web-1 is not taken for moved');
    assert.equal(changes.get('server:demo/web-1')?.target, undefined);
    assert.equal(changes.get('server:demo/web-2')?.action, 'noop', 'web-2 is still matched, by its mark');
    assert.deepEqual(result.diagnostics.map((d) => [d.severity, d.code]), [['warning', 'PH1413']]);
    assert.match(result.diagnostics[0]?.message ?? '', /maps server:demo\/web-1 to server:demo\/web-2 \(t-web-2\) on the target, which is the copy of server:demo\/web-2: that mapping is ignored/);

    // A copy is always created with its mark: an unmarked object of the same name is not web-1's copy.
    const impostor = owned('server', 'demo', 'web-1', { id: 't-impostor', attributes: { tags: [], flavor: { name: 'm1.small' }, bootFromVolume: false, metadata: {} } });
    const byKey = diff(webOnly, targetWith(impostor), { 'server:demo/web-1': 't-impostor' });
    assert.equal(byAddress(byKey.changes).get('server:demo/web-1')?.target?.matchedBy, 'natural-key');
    assert.match(byKey.diagnostics[0]?.message ?? '', /carries no Pumphouse mark/);

    // A project adopted by its name carries no mark: its mapping is kept, silently.
    const adopted = diff(webOnly, targetWith(), { 'project:demo': 't-demo' });
    assert.equal(byAddress(adopted.changes).get('project:demo')?.target?.matchedBy, 'state');
    assert.deepEqual(adopted.diagnostics, []);
  });

  test('what will not survive: rebuilt root disks, volumes left behind, reset passwords', () => {
    const rebuild = desired({ ...webOnly, workloads: [workload(0, { strategy: 'rebuild', volumes: 'none', servers: { names: ['web-1'], ids: [], tags: [], hosts: [] } })] });
    const server = byAddress(diff(rebuild, freshTarget()).changes).get('server:demo/web-1');
    assert.equal(server?.impact, 'data-loss');
    assert.deepEqual(server?.willNotSurvive, [
      'root disk data: rebuilt from image:admin/cirros (strategy: rebuild)',
      'volume:demo/web-data stays on the source, detached from the copy (volumes: none)',
    ]);
    assert.equal(server?.move?.bytes, 0);
    const user = byAddress(diff(webOnly, freshTarget()).changes).get('user:alice');
    assert.match(user?.willNotSurvive[0] ?? '', /password: not copied \(no spec\.identity\)/, 'a plan without identity sets no password');
    const identity = desired({ ...webOnly, identity: { projects: ['demo'], passwords: 'reset', passwordsFile: 'p.passwords.yaml', location: { file: 'p.yaml', line: 3, col: 5 } } });
    assert.match(byAddress(diff(identity, freshTarget()).changes).get('user:alice')?.willNotSurvive[0] ?? '', /password: reset/);
  });

  test('hosts: where they stand and what remains on them', () => {
    const plan = desired({ ...webOnly, hosts: [host('cmp-1'), host('cmp-2', { state: 'maintenance' }), host('cmp-9')] });
    const evacuated = desired({ ...webOnly, hosts: [host('cmp-2', { state: 'evacuated' })] });
    const stays = diffState({ desired: evacuated, selection: resolveSelection(evacuated, demoSource()), source: demoSource(), target: freshTarget(), mappings: {} });
    assert.deepEqual(stays.changes.find((c) => c.address === 'hypervisor:cmp-2')?.host?.servers, ['server:demo/web-2'], 'what remains is evacuated');
    const selection = resolveSelection(plan, demoSource());
    const result = diffState({ desired: plan, selection, source: demoSource(), target: freshTarget(), mappings: {} });
    const changes = byAddress(result.changes);
    assert.deepEqual(changes.get('hypervisor:cmp-1')?.host, {
      current: 'active', desired: 'upgraded', evacuate: 'live', servers: [], to: [], fuel: { environment: 'mos-9', roles: ['compute'], template: 'node-4' },
    }, 'web-1 migrates, so nothing is left to evacuate; the Fuel placement goes with the change');
    assert.deepEqual(changes.get('hypervisor:cmp-2')?.host?.servers, [], 'maintenance moves no server');
    assert.equal(changes.get('hypervisor:cmp-2')?.impact, 'metadata');
    assert.equal(result.diagnostics[0]?.code, 'PH1410');
    assert.match(result.diagnostics[0]?.message ?? '', /cmp-9 is not a host of the source cloud/);
    // Once upgraded, the host is gone from the source and the state file names its node.
    const gone = demoSource();
    gone.resources = gone.resources.filter((r) => r.address !== 'hypervisor:cmp-1');
    const upgraded = diffState({ desired: plan, selection, source: gone, target: freshTarget([resource('hypervisor', 'node-7', { id: 'n7' })]), mappings: { 'hypervisor:cmp-1': 'n7' } });
    assert.equal(byAddress(upgraded.changes).get('hypervisor:cmp-1')?.action, 'noop');
  });

  test('pure: the same inputs give the same changes, and the inputs are not touched', () => {
    const source = demoSource();
    const target = freshTarget();
    const frozen = JSON.stringify([source, target]);
    const first = diff(webOnly, target, {}, source);
    const second = diff(webOnly, target, {}, source);
    assert.deepEqual(first, second);
    assert.equal(JSON.stringify([source, target]), frozen);
  });
});

describe('diff: unordered lists', () => {
  test('a subnet whose pools and host routes the target lists in another order is the same subnet (real Zed does)', () => {
    const pools = [{ start: '10.1.0.150', end: '10.1.0.199' }, { start: '10.1.0.10', end: '10.1.0.99' }];
    const routes = [{ destination: '10.9.0.0/24', nexthop: '10.1.0.1' }, { destination: '10.8.0.0/24', nexthop: '10.1.0.1' }];
    const source = owned('subnet', 'demo', 'demo-subnet', { refs: { network: 'network:demo/demo-net' }, attributes: { cidr: '10.1.0.0/24', ipVersion: 4, allocationPools: pools, hostRoutes: routes, tags: [] } });
    const target = { ...source, id: 't-sub', attributes: { ...source.attributes, allocationPools: [...pools].reverse(), hostRoutes: [...routes].reverse() } };
    const same = compareAttributes(source, target, sameNames);
    assert.deepEqual([same.essentials, same.settable], [[], []]);
    const changed = { ...target, attributes: { ...target.attributes, allocationPools: [pools[0]] } };
    assert.deepEqual(compareAttributes(source, changed, sameNames).settable.map((d) => d.path), ['attributes.allocationPools']);
  });
});
