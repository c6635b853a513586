import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSelection } from '../../../src/desired/resolve.js';
import { demoSource, demoSourceResources, desired, host, inventory, owned, resource, workload } from '../../helpers/small-inventory.js';

const addresses = (sel: ReturnType<typeof resolveSelection>) => sel.resources.map((r) => r.address);

describe('resolution', () => {
  test('a server brings its whole dependency closure, each with a reason', () => {
    const sel = resolveSelection(desired({ workloads: [workload(0, { servers: { names: ['web-1'], ids: [], tags: [], hosts: [] } })] }), demoSource());
    assert.deepEqual(sel.diagnostics, []);
    const got = new Set(addresses(sel));
    for (const expected of [
      'server:demo/web-1', 'project:demo', 'flavor:m1.small', 'image:admin/cirros', 'keypair:alice/alice-key', 'user:alice',
      'role-assignment:demo/alice/member', 'role:member', 'security-group:demo/web', 'security-group:demo/db',
      'network:demo/demo-net', 'subnet:demo/demo-subnet', 'port:demo/p-web-1', 'floating-ip:demo/203.0.113.7', 'router:demo/demo-router',
      'network:admin/public', 'volume:demo/web-data', 'volume-type:lvm', 'server-group:demo/web-anti', 'quota:demo/compute', 'domain:Default',
    ]) assert.ok(got.has(expected), `${expected} is selected`);
    assert.ok(!got.has('server:demo/web-2'), 'the name selector narrows');
    assert.ok(!got.has('subnet:admin/public-subnet'), 'an external network does not bring its subnets');
    const byAddress = new Map(sel.resources.map((r) => [r.address, r]));
    assert.equal(byAddress.get('server:demo/web-1')?.role, 'migrate');
    assert.equal(byAddress.get('volume:demo/web-data')?.role, 'migrate');
    assert.equal(byAddress.get('flavor:m1.small')?.role, 'copy');
    assert.equal(byAddress.get('flavor:m1.small')?.reason, 'flavor of server:demo/web-1');
    assert.deepEqual(byAddress.get('server:demo/web-1')?.move, { strategy: 'snapshot', volumes: 'attached', source: 'delete' });
    assert.deepEqual(addresses(sel), [...addresses(sel)].sort((a, b) => (a < b ? -1 : 1)).sort((a, b) => kindRank(a) - kindRank(b)), 'sorted in inventory order');
  });

  test('selectors by host, tag and id narrow together (AND)', () => {
    const pick = (servers: { names?: string[]; ids?: string[]; tags?: string[]; hosts?: string[] }) =>
      resolveSelection(desired({ workloads: [workload(0, { servers: { names: [], ids: [], tags: [], hosts: [], ...servers } })] }), demoSource())
        .resources.filter((r) => r.kind === 'server').map((r) => r.address);
    assert.deepEqual(pick({ hosts: ['cmp-2'] }), ['server:demo/web-2']);
    assert.deepEqual(pick({ tags: ['frontend'] }), ['server:demo/web-1']);
    assert.deepEqual(pick({ ids: ['id-server-demo/web-2'] }), ['server:demo/web-2']);
    assert.deepEqual(pick({ names: ['web-*'] }), ['server:demo/web-1', 'server:demo/web-2']);
    assert.deepEqual(pick({}), ['server:demo/web-1', 'server:demo/web-2'], 'no selector: every server of the project');
  });

  test('a selector that matches nothing is a located error naming it', () => {
    const sel = resolveSelection(desired({ workloads: [workload(2, { servers: { names: ['wbe-1'], ids: [], tags: [], hosts: [] } })] }), demoSource());
    assert.equal(sel.diagnostics.length, 1);
    const [d] = sel.diagnostics;
    assert.equal(d?.code, 'PH1401');
    assert.match(d?.message ?? '', /spec\.workloads\[2\]\.servers\.names: "wbe-1" matches nothing/);
    assert.equal(d?.location?.line, 12);
    const projects = resolveSelection(desired({ identity: { projects: ['nope-*'], passwords: 'reset', passwordsFile: 'p.passwords.yaml', location: { file: 'p.yaml', line: 3, col: 5 } } }), demoSource());
    assert.equal(projects.diagnostics[0]?.code, 'PH1401');
    assert.match(projects.diagnostics[0]?.message ?? '', /"nope-\*"/);
  });

  test('a plain name matching two objects is ambiguous; a glob is not', () => {
    const twin = owned('server', 'demo', 'web-1', { id: 'other-web-1', address: 'server:demo/web-1#other-we', attributes: { host: 'cmp-2' } });
    const source = inventory('source', [...demoSourceResources(), twin]);
    const plain = resolveSelection(desired({ workloads: [workload(0, { servers: { names: ['web-1'], ids: [], tags: [], hosts: [] } })] }), source);
    assert.equal(plain.diagnostics[0]?.code, 'PH1402');
    assert.match(plain.diagnostics[0]?.message ?? '', /matches 2 objects/);
    const glob = resolveSelection(desired({ workloads: [workload(0, { servers: { names: ['web-1*'], ids: [], tags: [], hosts: [] } })] }), source);
    assert.deepEqual(glob.diagnostics, []);
  });

  test('a server selected by two workloads is an error', () => {
    const sel = resolveSelection(desired({ workloads: [workload(0), workload(1, { strategy: 'rebuild', servers: { names: ['web-2'], ids: [], tags: [], hosts: [] } })] }), demoSource());
    assert.equal(sel.diagnostics[0]?.code, 'PH1403');
    assert.match(sel.diagnostics[0]?.message ?? '', /server:demo\/web-2 is selected by workloads\[0\] and by workloads\[1\]/);
  });

  test('identity: a project brings its grants, users, roles and quotas, not its servers', () => {
    const sel = resolveSelection(desired({ identity: { projects: ['demo'], passwords: 'reset', passwordsFile: 'p.passwords.yaml', location: { file: 'p.yaml', line: 3, col: 5 } } }), demoSource());
    const got = addresses(sel);
    assert.deepEqual(got, ['domain:Default', 'project:demo', 'user:alice', 'role:member', 'role-assignment:demo/alice/member', 'quota:demo/compute']);
  });

  test('volumes: none keeps data volumes behind; hosts evacuated to the target send their servers', () => {
    const none = resolveSelection(desired({ workloads: [workload(0, { volumes: 'none' })] }), demoSource());
    assert.ok(!addresses(none).includes('volume:demo/web-data'));
    const evacuating = resolveSelection(desired({ hosts: [host('cmp-2', { evacuate: 'target' })] }), demoSource());
    const server = evacuating.resources.find((r) => r.address === 'server:demo/web-2');
    assert.equal(server?.role, 'migrate');
    assert.deepEqual(server?.move, { strategy: 'snapshot', volumes: 'attached', source: 'delete' });
    assert.match(server?.reason ?? '', /hosts cmp-2 \(evacuate: target\)/);
  });

  test('images and flavors: all, or a list that must match', () => {
    const all = resolveSelection(desired({ images: 'all', flavors: { names: ['m1.*'] } }), demoSource());
    assert.deepEqual(addresses(all).filter((a) => a.startsWith('image:') || a.startsWith('flavor:')), ['flavor:m1.small', 'image:admin/cirros']);
    const missing = resolveSelection(desired({ flavors: { names: ['m2.small'] } }), demoSource());
    assert.equal(missing.diagnostics[0]?.code, 'PH1401');
  });

  test('a workload narrowed to some servers brings only their projects\' quotas, not every matched project\'s', () => {
    const other = [
      resource('project', 'other', { refs: { domain: 'domain:Default' }, attributes: { enabled: true, description: '', tags: [] } }),
      owned('quota', 'other', 'compute', { refs: { project: 'project:other' }, attributes: { service: 'compute', limits: { instances: 5 } } }),
    ];
    const source = inventory('source', [...demoSourceResources(), ...other]);
    const one = addresses(resolveSelection(desired({ workloads: [workload(0, { projects: ['*'], servers: { names: ['web-1'], ids: [], tags: [], hosts: [] } })] }), source));
    assert.ok(one.includes('quota:demo/compute'), 'the quota of the server\'s project');
    assert.ok(!one.includes('quota:other/compute') && !one.includes('project:other'), 'no other project comes along');
    const whole = addresses(resolveSelection(desired({ workloads: [workload(0, { projects: ['*'] })] }), source));
    assert.ok(whole.includes('quota:other/compute'), 'without a server selector, every matched project moves with its quotas');
  });

  test('named volumes move with their project; one whose server stays is a warning, not a server move', () => {
    const location = { file: 'plan.yaml', line: 7, col: 3 };
    const alone = resolveSelection(desired({ volumes: { names: ['web-data'], location } }), demoSource());
    const byAddress = new Map(alone.resources.map((r) => [r.address, r]));
    assert.equal(byAddress.get('volume:demo/web-data')?.role, 'migrate');
    assert.ok(byAddress.has('project:demo') && byAddress.has('volume-type:lvm'), 'its project and type come along');
    assert.ok(!byAddress.has('server:demo/web-1'), 'the server it is attached to stays');
    assert.equal(alone.diagnostics.length, 1);
    assert.equal(alone.diagnostics[0]?.severity, 'warning');
    assert.equal(alone.diagnostics[0]?.code, 'PH1404');
    assert.match(alone.diagnostics[0]?.message ?? '', /server:demo\/web-1, which stays/);
    assert.equal(alone.diagnostics[0]?.location?.line, 7);
    const withServer = resolveSelection(desired({ workloads: [workload(0)], volumes: { names: ['web-data'], location } }), demoSource());
    assert.deepEqual(withServer.diagnostics, [], 'no warning when its server moves too');
    const missing = resolveSelection(desired({ volumes: { names: ['nope'], location } }), demoSource());
    assert.equal(missing.diagnostics[0]?.code, 'PH1401');
  });
});

const KINDS = ['domain', 'project', 'user', 'role', 'role-assignment', 'flavor', 'keypair', 'image', 'security-group', 'network', 'subnet', 'router', 'port', 'floating-ip', 'volume-type', 'volume', 'volume-snapshot', 'server-group', 'server', 'quota'];
function kindRank(address: string): number {
  return KINDS.indexOf(address.slice(0, address.indexOf(':')));
}
