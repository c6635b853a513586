import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesiredState } from '../../../src/desired/model.js';
import { resolveSelection } from '../../../src/desired/resolve.js';
import { diffState } from '../../../src/diff/diff.js';
import { PumphouseError } from '../../../src/errors.js';
import { buildStepGraph } from '../../../src/graph/build.js';
import type { Narrowing } from '../../../src/graph/narrow.js';
import type { Step } from '../../../src/graph/steps.js';
import { topologicalOrder } from '../../../src/graph/toposort.js';
import { demoSource, desired, freshTarget, host, workload } from '../../helpers/small-inventory.js';

function graph(plan: DesiredState, narrowing: Narrowing = { target: [], exclude: [] }): Step[] {
  const source = demoSource();
  const selection = resolveSelection(plan, source);
  const changeSet = diffState({ desired: plan, selection, source, target: freshTarget(), mappings: {} });
  return buildStepGraph(changeSet, source, narrowing).steps;
}
const everything = desired({ workloads: [workload(0)], hosts: [host('cmp-1')] });

/** Position of each step id in the order, and a check that it comes after all it depends on. */
function positions(steps: readonly Step[]): Map<string, number> {
  const at = new Map(steps.map((s, i) => [s.id, i]));
  for (const step of steps) for (const d of step.dependsOn) assert.ok((at.get(d) ?? Infinity) < (at.get(step.id) as number), `${step.id} after ${d}`);
  return at;
}

describe('step graph', () => {
  test('every step comes after what it needs; the server environment precedes its downtime', () => {
    const steps = graph(everything);
    const at = positions(steps);
    const before = (a: string, b: string) => assert.ok((at.get(a) as number) < (at.get(b) as number), `${a} before ${b}`);
    const server = 'migrate-server:server:demo/web-1';
    const volume = 'migrate-volume:volume:demo/web-data';
    for (const meta of ['create:flavor:m1.small', 'create:image:admin/cirros', 'create:keypair:alice/alice-key', 'create:port:demo/p-web-1',
      'create:floating-ip:demo/203.0.113.7', 'sync-rules:security-group:demo/web', 'create:server-group:demo/web-anti', 'create:subnet:demo/demo-subnet']) {
      before(meta, volume); // the attached volume's move starts the server's downtime
      before(meta, server);
    }
    before(volume, server);
    before('create:project:demo', 'create:network:demo/demo-net');
    before('create:router:demo/demo-router', 'create:floating-ip:demo/203.0.113.7');
    assert.equal(new Set(steps.map((s) => s.id)).size, steps.length, 'step ids are unique');
  });

  test('a server\'s move waits for its project\'s quota steps: the target admits it with the quotas the plan sets', () => {
    const steps = graph(everything);
    const at = positions(steps);
    const quota = 'create:quota:demo/compute';
    for (const id of ['migrate-server:server:demo/web-1', 'migrate-server:server:demo/web-2']) {
      const server = steps.find((s) => s.id === id);
      assert.ok(server?.dependsOn.includes(quota), `${id} depends on ${quota}`);
      assert.ok((at.get(quota) as number) < (at.get(id) as number));
    }
  });

  test('security groups that name each other do not deadlock: bare groups first, rules after', () => {
    const at = positions(graph(everything));
    for (const group of ['web', 'db']) {
      for (const other of ['web', 'db']) {
        assert.ok((at.get(`create:security-group:demo/${other}`) as number) < (at.get(`sync-rules:security-group:demo/${group}`) as number));
      }
    }
  });

  test('a host: maintenance, then the plan\'s own migrations leave it, then evacuation, then the upgrade', () => {
    const steps = graph(everything);
    const at = positions(steps);
    const chain = ['maintain-host:hypervisor:cmp-1', 'evacuate-host:hypervisor:cmp-1', 'upgrade-host:hypervisor:cmp-1'];
    assert.ok(chain.every((id) => at.has(id)));
    assert.ok((at.get(chain[0] as string) as number) < (at.get(chain[1] as string) as number) && (at.get(chain[1] as string) as number) < (at.get(chain[2] as string) as number));
    assert.ok(steps.find((s) => s.id === chain[1])?.dependsOn.includes('migrate-server:server:demo/web-1'));
  });

  test('deterministic: the same inputs give the same order', () => {
    assert.deepEqual(graph(everything), graph(everything));
  });

  test('--target keeps an object and what it needs; --exclude drops an object and what needs it', () => {
    const all = graph(everything);
    const network = graph(everything, { target: ['network:demo/demo-net'], exclude: [] }).map((s) => s.id);
    assert.deepEqual(network, ['create:domain:Default', 'create:project:demo', 'create:network:demo/demo-net'].filter((id) => all.some((s) => s.id === id)));
    const globbed = graph(everything, { target: ['server:demo/*'], exclude: [] }).map((s) => s.id);
    assert.ok(globbed.includes('migrate-server:server:demo/web-2') && globbed.includes('create:flavor:m1.small'));
    assert.ok(!globbed.includes('upgrade-host:hypervisor:cmp-1'));
    const without = graph(everything, { target: [], exclude: ['flavor:m1.small'] }).map((s) => s.id);
    assert.ok(!without.includes('create:flavor:m1.small'));
    assert.ok(!without.includes('migrate-server:server:demo/web-1'), 'the server needs the flavor');
    assert.ok(!without.includes('upgrade-host:hypervisor:cmp-1'), 'the host waits for the server to leave');
    assert.ok(without.includes('create:network:demo/demo-net'));
  });

  test('an address the plan does not have is an error with a suggestion', () => {
    assert.throws(() => graph(everything, { target: ['network:demo/demo-nt'], exclude: [] }), (error: unknown) => {
      assert.ok(error instanceof PumphouseError);
      assert.equal(error.code, 'PH1502');
      assert.match(error.message, /--target network:demo\/demo-nt: the plan has no object at that address/);
      assert.equal(error.hint, 'did you mean network:demo/demo-net?');
      return true;
    });
  });

  test('a cycle is detected and named', () => {
    const step = (id: string, dependsOn: string[]): Step => ({ id, action: 'create', kind: 'network', address: id, dependsOn });
    assert.throws(() => topologicalOrder([step('a', []), step('b', ['a', 'd']), step('c', ['b']), step('d', ['c'])]), (error: unknown) => {
      assert.ok(error instanceof PumphouseError);
      assert.equal(error.code, 'PH1501');
      assert.match(error.message, /cycle: (b → d → c → b|c → b → d → c|d → c → b → d)$/);
      return true;
    });
    assert.deepEqual(topologicalOrder([step('z', []), step('b', ['z']), step('a', [])]).map((s) => s.id), ['a', 'z', 'b'], 'ties broken by id');
  });
});
