import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PumphouseError } from '../../src/errors.js';
import {
  FUEL_CODES, FuelHttpError, assignNetworksFrom, chooseReferenceCompute, connectFuel, layoutDisksFrom, networksByName, waitForDiscoveredNode,
  type FuelClient, type FuelNode,
} from '../../src/fuel/index.js';
import { HardwareWorld, type Machine } from '../../src/simulator/hardware/world.js';
import { FuelSimulator, type FuelSimulatorOptions, type NodeReadyEvent } from '../../src/simulator/fuel/index.js';

// The Fuel client against the Fuel simulator: the host-upgrade flow of fuel-api.md §5 end to end,
// then the error answers a real master gives, in both error body formats.

/**
 * A Fuel master with an operational environment "target-env" (one ready controller, one ready
 * compute on machines of a HardwareWorld), spare machines cmp-2… that are powered off, and a
 * client connected to it. Tasks tick every 2 ms, 4 ticks a phase.
 */
interface FuelFixture {
  world: HardwareWorld;
  sim: FuelSimulator;
  client: FuelClient;
  envId: number;
  close(): Promise<void>;
}

function machine(index: number, diskGb = 500): Omit<Machine, 'boots' | 'power' | 'bootOverride'> {
  const hex = index.toString(16).padStart(2, '0');
  return {
    name: index === 0 ? 'ctrl-1' : `cmp-${index}`, serial: `SN${index}`, manufacturer: 'Supermicro', product: 'X9DRW',
    nics: [{ name: 'eth0', mac: `52:54:00:aa:${hex}:10`, pxe: true }, { name: 'eth1', mac: `52:54:00:aa:${hex}:11`, pxe: false }],
    disks: [{ name: 'sda', sizeBytes: diskGb * 1024 ** 3, model: 'TOSHIBA MK1002TS' }, { name: 'sdb', sizeBytes: diskGb * 1024 ** 3, model: 'TOSHIBA MK1002TS' }],
    memoryBytes: 64 * 1024 ** 3, cpus: 8,
  };
}

async function startFuel(options: FuelSimulatorOptions = {}, spare = 3): Promise<FuelFixture> {
  const world = new HardwareWorld();
  const sim = new FuelSimulator({ tickMs: 2, tickCount: 4, ...options });
  sim.attachWorld(world, { discoverDelayMs: 5 });
  await sim.listen(0);
  try {
    const env = sim.addEnvironment('target-env');
    const envId = env.id as number;
    sim.addReadyNode(world.add(machine(0)), envId, ['controller']);
    sim.addReadyNode(world.add(machine(1)), envId, ['compute']);
    for (let i = 2; i < 2 + spare; i += 1) world.add({ ...machine(i, 600), power: 'off' });
    const client = await connectFuel({ url: sim.url, username: 'admin', password: 'admin', timeoutMs: 5000, retry: { baseDelayMs: 1, maxRetries: 1 } });
    return {
      world, sim, client, envId,
      close: async () => {
        client.close();
        await sim.close();
      },
    };
  } catch (error) {
    await sim.close();
    throw error;
  }
}

/** PXE-boots a powered-off machine, as IPMI "bootdev pxe" + "power on" would. */
function pxeBoot(world: HardwareWorld, name: string): string[] {
  world.setBootOverride(name, 'pxe');
  world.powerOn(name);
  return (world.get(name) as Machine).nics.map((n) => n.mac);
}

async function rejectsWith(promise: Promise<unknown>, code: string, ...texts: string[]): Promise<PumphouseError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof PumphouseError, `expected a PumphouseError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  for (const text of texts) assert.ok(error.message.includes(text), `"${error.message}" should contain "${text}"`);
  assert.ok(error.hint && error.hint.length > 0, 'every Fuel error has a hint');
  return error;
}

/** PXE-boot → discover → assign compute: the node id. */
async function discoverAndAssign(fx: FuelFixture, name: string): Promise<FuelNode> {
  const macs = pxeBoot(fx.world, name);
  const node = await waitForDiscoveredNode(fx.client, macs, { intervalMs: 5, timeoutMs: 3000 });
  await fx.client.assign(fx.envId, [{ id: node.id, roles: ['compute'] }]);
  return node;
}

describe('fuel client ↔ simulator: adding a host as a compute node (§5)', () => {
  let fx: FuelFixture;
  const ready: NodeReadyEvent[] = [];
  before(async () => {
    fx = await startFuel();
    fx.sim.onNodeReady((event) => ready.push(event));
  });
  after(async () => {
    await fx.close();
  });

  test('PXE boot → discover by MAC → assign → copy layout → provision and deploy that node only → ready', async () => {
    const { client, world, sim } = fx;
    assert.equal(client.authRequired, true);
    const env = await client.clusterByName('target-env');
    assert.equal(env.net_provider, 'neutron');
    assert.equal(env.status, 'operational');

    const reference = chooseReferenceCompute(await client.nodes({ clusterId: env.id }));
    assert.ok(reference, 'the environment has a ready compute node');
    assert.deepEqual(reference.roles, ['compute']);
    // Give the reference a non-default layout, so that copying it is visible on the new node.
    const refDisks = await client.disks(reference.id);
    const refSda = refDisks.find((d) => d.name === 'sda');
    assert.ok(refSda);
    refSda.volumes = [{ name: 'os', size: 61440 }, { name: 'vm', size: refSda.size - 61440 }];
    await client.setDisks(reference.id, refDisks.map((d) => ({ id: d.id, size: d.size, volumes: d.volumes })));
    const refNics = await client.interfaces(reference.id);
    const eth0 = refNics.find((n) => n.name === 'eth0');
    const eth1 = refNics.find((n) => n.name === 'eth1');
    assert.ok(eth0 && eth1);
    const storage = eth0.assigned_networks.find((n) => n.name === 'storage');
    assert.ok(storage, 'the default assignment puts the tagged networks on the admin NIC');
    eth0.assigned_networks = eth0.assigned_networks.filter((n) => n !== storage);
    eth1.assigned_networks.push(storage);
    await client.setInterfaces(reference.id, refNics.map((n) => ({ id: n.id as number, type: n.type, assigned_networks: n.assigned_networks })));

    // Another host is pending in the environment: deploying ours must leave it alone.
    const bystander = await discoverAndAssign(fx, 'cmp-3');

    const macs = pxeBoot(world, 'cmp-2');
    const discovered = await waitForDiscoveredNode(client, macs, { intervalMs: 5, timeoutMs: 3000 });
    assert.equal(discovered.status, 'discover');
    assert.equal(discovered.cluster, null);
    assert.equal(discovered.online, true);
    assert.equal(discovered.mac, macs[0]);
    assert.equal(discovered.name, `Untitled (${macs[0]?.slice(-5)})`);
    assert.equal(discovered.meta.disks.length, 2);
    assert.equal(discovered.meta.memory?.total, 64 * 1024 ** 3);
    assert.deepEqual((await client.nodes({ clusterId: null })).map((n) => n.id), [discovered.id], 'only the new host is unassigned');

    await client.assign(env.id, [{ id: discovered.id, roles: ['compute'] }]);
    const assigned = await client.node(discovered.id);
    assert.equal(assigned.cluster, env.id);
    assert.deepEqual(assigned.pending_roles, ['compute']);
    assert.equal(assigned.pending_addition, true);

    const targetDisks = await client.disks(discovered.id);
    assert.deepEqual(targetDisks.map((d) => d.volumes.map((v) => v.name)), [['os', 'vm'], ['os', 'vm']], 'compute defaults after assignment');
    const laidOut = await client.setDisks(discovered.id, layoutDisksFrom(await client.disks(reference.id), targetDisks));
    assert.deepEqual(laidOut.find((d) => d.name === 'sda')?.volumes, [{ name: 'os', size: 61440 }, { name: 'vm', size: refSda.size - 61440 }]);
    assert.ok((laidOut.find((d) => d.name === 'sda')?.size ?? 0) > refSda.size, 'the target keeps its own (larger) disk size');

    const config = await client.networkConfiguration(env.id, env.net_provider);
    const nics = await client.setInterfaces(discovered.id, assignNetworksFrom(await client.interfaces(reference.id), await client.interfaces(discovered.id), networksByName(config)));
    const networksOf = (name: string): string[] => (nics.find((n) => n.name === name)?.assigned_networks ?? []).map((n) => n.name).sort();
    assert.deepEqual(networksOf('eth1'), ['public', 'storage']);
    assert.deepEqual(networksOf('eth0'), ['fuelweb_admin', 'management', 'private']);
    const pending = (await client.cluster(env.id)).changes;
    assert.ok(pending.some((c) => c.name === 'disks' && c.node_id === discovered.id));

    const provision = await client.provision(env.id, [discovered.id]);
    assert.equal(provision.name, 'provision');
    assert.equal(provision.status, 'running');
    assert.equal((await client.node(discovered.id)).status, 'provisioning');
    const provisioned = await client.waitForTask(provision.id, { intervalMs: 3, timeoutMs: 3000 });
    assert.equal(provisioned.progress, 100);
    assert.equal((await client.node(discovered.id)).status, 'provisioned');

    const deployment = await client.deploy(env.id, [discovered.id]);
    assert.equal(deployment.name, 'deployment');
    const progress: number[] = [];
    const done = await client.waitForTask(deployment.id, { intervalMs: 1, timeoutMs: 3000, onProgress: (t) => progress.push(t.progress) });
    assert.match(done.message ?? '', /^Deployment of environment 'target-env' is done/);
    assert.ok(progress.length >= 2 && progress.every((p, i) => i === 0 || p >= (progress[i - 1] ?? 0)), `progress never goes back: ${progress.join(',')}`);

    const node = await client.node(discovered.id);
    assert.equal(node.status, 'ready');
    assert.equal(node.progress, 100);
    assert.equal(node.fqdn, `node-${discovered.id}.domain.tld`);
    assert.deepEqual(node.roles, ['compute']);
    assert.deepEqual(node.pending_roles, []);
    assert.equal(node.pending_addition, false);
    assert.ok((node.network_data as { name: string }[]).some((n) => n.name === 'management'));

    const other = await client.node(bystander.id);
    assert.equal(other.status, 'discover', 'the other pending node was neither provisioned nor deployed');
    assert.equal(other.pending_addition, true);
    assert.deepEqual(ready.map((e) => e.machine), ['cmp-2'], 'onNodeReady fired once, for the deployed machine');
    assert.equal(ready[0]?.node.fqdn, node.fqdn);
    assert.equal((await client.cluster(env.id)).status, 'operational');
    assert.ok(!(await client.cluster(env.id)).changes.some((c) => c.node_id === discovered.id), 'the node\'s pending changes are cleared');
    assert.ok(sim.agentEvents.every((e) => e.outcome === 'registered'));
  });

  test('PUT /changes deploys every pending node under a deploy supertask', async () => {
    const { client, envId } = fx;
    const pendingIds = (await client.nodes({ clusterId: envId })).filter((n) => n.pending_addition).map((n) => n.id);
    assert.equal(pendingIds.length, 1, 'cmp-3 is still pending from the previous test');
    const supertask = await client.deployChanges(envId);
    assert.equal(supertask.name, 'deploy');
    await client.waitForTask(supertask.id, { intervalMs: 2, timeoutMs: 3000 });
    const subtasks = (await client.tasks(envId)).filter((t) => t.id > supertask.id);
    assert.deepEqual(subtasks.map((t) => [t.name, t.status]), [['provision', 'ready'], ['deployment', 'ready']]);
    assert.equal((await client.node(pendingIds[0] as number)).status, 'ready');
    await rejectsWith(client.deployChanges(envId), FUEL_CODES.invalid, 'PUT /api/v1/clusters/', 'No changes to deploy');
  });
});

describe('fuel client ↔ simulator: error answers', () => {
  let fx: FuelFixture;
  before(async () => {
    fx = await startFuel({}, 4);
  });
  after(async () => {
    await fx.close();
  });

  test('unknown ids are 404s that name the call and Fuel\'s text', async () => {
    const { client } = fx;
    const error = await rejectsWith(client.node(999), FUEL_CODES.notFound, 'GET /api/v1/nodes/999/', 'Node not found');
    assert.ok(error instanceof FuelHttpError);
    assert.equal(error.status, 404);
    assert.equal(error.fuelMessage, 'Node not found');
    await rejectsWith(client.task(4242), FUEL_CODES.notFound, 'Task not found');
    await rejectsWith(client.cluster(77), FUEL_CODES.notFound, 'Cluster not found');
    await rejectsWith(client.disks(999), FUEL_CODES.notFound, 'GET /api/v1/nodes/999/disks/');
    await rejectsWith(client.clusterByName('source-env'), FUEL_CODES.environmentNotFound, '"source-env"', '"target-env"');
    await rejectsWith(client.provision(fx.envId, [999]), FUEL_CODES.notFound, 'NodeCollection not found');
  });

  test('a bad disk layout is a 400 with Fuel\'s text; the layout is unchanged', async () => {
    const { client } = fx;
    const node = await discoverAndAssign(fx, 'cmp-2');
    const disks = await client.disks(node.id);
    const [sda, sdb] = disks;
    assert.ok(sda && sdb);
    const tooBig = disks.map((d) => ({ id: d.id, size: d.size, volumes: [{ name: 'os', size: 0 }, { name: 'vm', size: d.size + 1 }] }));
    await rejectsWith(client.setDisks(node.id, tooBig), FUEL_CODES.invalid, 'PUT /api/v1/nodes/', 'Not enough free space on disk');
    const osTwice = disks.map((d) => ({ id: d.id, size: d.size, volumes: [{ name: 'os', size: 1024 }, { name: 'vm', size: 0 }] }));
    await rejectsWith(client.setDisks(node.id, osTwice), FUEL_CODES.invalid, 'Base system should be allocated on one disk only');
    await rejectsWith(client.setDisks(node.id, []), FUEL_CODES.invalid, 'Node seems not to have disks');
    assert.deepEqual(await client.disks(node.id), disks);
  });

  test('assigning an assigned node, unknown roles and role conflicts are 400s', async () => {
    const { client, envId } = fx;
    const node = (await client.nodes({ clusterId: envId })).find((n) => n.status === 'discover');
    assert.ok(node);
    await rejectsWith(client.assign(envId, [{ id: node.id, roles: ['compute'] }]), FUEL_CODES.invalid,
      `Nodes with ids ${node.id} already assigned to environments. Nodes must be unassigned before they can be assigned again.`);
    const macs = pxeBoot(fx.world, 'cmp-3');
    const fresh = await waitForDiscoveredNode(client, macs, { intervalMs: 5, timeoutMs: 3000 });
    await rejectsWith(client.assign(envId, [{ id: fresh.id, roles: ['hypervisor'] }]), FUEL_CODES.invalid, 'hypervisor are not valid roles for node in');
    await rejectsWith(client.assign(envId, [{ id: fresh.id, roles: ['compute', 'controller'] }]), FUEL_CODES.invalid, 'Role "compute" in conflict with role controller');
    assert.equal((await client.node(fresh.id)).cluster, null, 'a refused assignment changes nothing');
    await client.unassign(envId, [node.id]);
    assert.equal((await client.node(node.id)).cluster, null, 'a discover node leaves at once');
    await rejectsWith(client.unassign(envId, [node.id]), FUEL_CODES.invalid, `Can't unassign nodes with ids ${node.id} if they not assigned.`);
  });

  test('interfaces that leave a network unassigned, or name unknown ones, are 400s', async () => {
    const { client, envId } = fx;
    const fresh = (await client.nodes({ clusterId: null }))[0];
    assert.ok(fresh);
    await client.assign(envId, [{ id: fresh.id, roles: ['compute'] }]);
    const nics = await client.interfaces(fresh.id);
    const eth1 = nics.find((n) => n.name === 'eth1');
    assert.ok(eth1);
    const publicNet = eth1.assigned_networks[0];
    assert.equal(publicNet?.name, 'public');
    const dropped = nics.map((n) => ({ id: n.id as number, type: n.type, assigned_networks: n === eth1 ? [] : n.assigned_networks }));
    await rejectsWith(client.setInterfaces(fresh.id, dropped), FUEL_CODES.invalid, `Node '${fresh.id}': '${publicNet.id}' network(s) are left unassigned`);
    const unknown = nics.map((n) => ({ id: n.id as number, type: n.type, assigned_networks: n === eth1 ? [...n.assigned_networks, { id: 9999, name: 'x' }] : n.assigned_networks }));
    await rejectsWith(client.setInterfaces(fresh.id, unknown), FUEL_CODES.invalid, `Network '9999' doesn't exist for node ${fresh.id}`);
    const noNic = nics.map((n) => ({ id: (n.id as number) + 1000, type: n.type, assigned_networks: n.assigned_networks }));
    await rejectsWith(client.setInterfaces(fresh.id, noNic), FUEL_CODES.invalid, 'there is no interface with ID');
    // Reference NICs of another layout cannot be copied by name.
    assert.throws(() => assignNetworksFrom([{ name: 'eno1', type: 'ether', assigned_networks: [] }], nics), (e: unknown) => e instanceof PumphouseError && e.code === FUEL_CODES.layoutMismatch);
  });

  test('an expired token is renewed once (401 → re-auth); refused credentials are PH1901 without the password', async () => {
    const { client, sim } = fx;
    const before = client.authentications;
    sim.expireTokens();
    assert.equal((await client.clusters()).length, 1);
    assert.equal(client.authentications, before + 1, 'exactly one new login');
    const error = await rejectsWith(connectFuel({ url: sim.url, username: 'admin', password: 'not-the-S3cret', retry: { maxRetries: 0 } }), FUEL_CODES.authFailed, 'POST /keystone/v2.0/tokens', '401');
    assert.ok(!error.message.includes('not-the-S3cret') && !(error.hint ?? '').includes('not-the-S3cret'));
    const raw = await fetch(`${sim.url}/api/clusters`);
    assert.equal(raw.status, 401, 'no token, no answer');
    assert.match(raw.headers.get('www-authenticate') ?? '', /^Keystone uri=/);
  });

  test('6.0 plain-text error bodies are read like 6.1 JSON ones', async () => {
    const { client, sim } = fx;
    sim.errorFormat = '6.0';
    try {
      const token = await (await fetch(`${sim.url}/keystone/v2.0/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ auth: { passwordCredentials: { username: 'admin', password: 'admin' } } }) })).json() as { access: { token: { id: string } } };
      const raw = await fetch(`${sim.url}/api/v1/nodes/999`, { headers: { 'X-Auth-Token': token.access.token.id } });
      assert.equal(raw.status, 404);
      assert.equal(await raw.text(), 'Node not found', 'the 6.0 body is the bare text');
      const error = await rejectsWith(client.node(999), FUEL_CODES.notFound, 'Node not found');
      assert.equal((error as FuelHttpError).fuelMessage, 'Node not found');
      await rejectsWith(client.assign(fx.envId, [{ id: 1, roles: ['compute'] }]), FUEL_CODES.invalid, 'Nodes with ids 1 already assigned to environments.');
    } finally {
      sim.errorFormat = '6.1';
    }
  });

  test('a 500 on a route surfaces as PH1906 with Fuel\'s message; GETs are retried first', async () => {
    const { client, sim } = fx;
    sim.faults.update({ failCalls: [{ route: 'GET /api/v1/tasks', nth: 1, status: 500, message: 'DeploymentAlreadyStarted', times: 5 }] });
    await rejectsWith(client.tasks(), FUEL_CODES.serverError, 'GET /api/v1/tasks/', '500', 'DeploymentAlreadyStarted');
    sim.clearFaults();
    assert.ok(Array.isArray(await client.tasks()));
  });

  test('a node that fails its deployment fails the task, which names it', async () => {
    const { client, sim, envId } = fx;
    sim.failNode('deploy', { machine: 'cmp-4' });
    const node = await discoverAndAssign(fx, 'cmp-4');
    await client.waitForTask((await client.provision(envId, [node.id])).id, { intervalMs: 2, timeoutMs: 3000 });
    const task = await client.deploy(envId, [node.id]);
    const error = await rejectsWith(client.waitForTask(task.id, { intervalMs: 2, timeoutMs: 3000 }), FUEL_CODES.taskFailed,
      `deployment #${task.id} failed`, `Deployment has failed. Check these nodes:\n'${node.name}'`);
    assert.ok(error.message.includes(node.name));
    const failed = await client.node(node.id);
    assert.equal(failed.status, 'error');
    assert.equal(failed.error_type, 'deploy');
    assert.equal((await client.cluster(envId)).status, 'error');
  });
});

describe('fuel simulator: HTTP conventions and agent faults', () => {
  let fx: FuelFixture;
  before(async () => {
    fx = await startFuel({ authRequired: false, errorFormat: '6.0' }, 3);
  });
  after(async () => {
    await fx.close();
  });

  test('auth_required false: no login; /api and /api/v1 with or without a trailing slash; 415 for non-JSON', async () => {
    const { client, sim } = fx;
    assert.equal(client.authRequired, false);
    assert.equal(client.authentications, 0);
    assert.equal((await client.version()).auth_required, false);
    for (const path of ['/api/clusters', '/api/clusters/', '/api/v1/clusters', '/api/v1/clusters/']) {
      const res = await fetch(`${sim.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(((await res.json()) as unknown[]).length, 1, path);
    }
    const form = await fetch(`${sim.url}/api/v1/clusters/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=x' });
    assert.equal(form.status, 415);
  });

  test('registration: 201, then 409 for the same MAC; 403 for a non-bootstrap node; duplicate agent runs make one node', async () => {
    const { sim, world, client } = fx;
    const body = { mac: '52:54:00:ff:00:01', status: 'discover', meta: { interfaces: [{ name: 'eth0', mac: '52:54:00:ff:00:01' }], disks: [], memory: { total: 1 } } };
    const post = (b: unknown): Promise<Response> => fetch(`${sim.url}/api/nodes/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    const created = await post(body);
    assert.equal(created.status, 201);
    assert.equal(((await created.json()) as { name: string }).name, 'Untitled (00:01)');
    const again = await post(body);
    assert.equal(again.status, 409);
    assert.equal(await again.text(), 'Node with mac 52:54:00:ff:00:01 already exists - doing nothing');
    assert.equal((await post({ ...body, mac: '52:54:00:ff:00:02', status: 'ready' })).status, 403);

    sim.duplicateRegistrations();
    const macs = pxeBoot(world, 'cmp-2');
    const node = await waitForDiscoveredNode(client, macs, { intervalMs: 5, timeoutMs: 3000 });
    assert.deepEqual(sim.agentEvents.filter((e) => e.machine === 'cmp-2').map((e) => e.outcome), ['registered', 'conflict']);
    assert.equal((await client.nodes()).filter((n) => n.mac === node.mac).length, 1);
  });

  test('an agent that never registers makes the wait time out (PH1912); a powered-off machine reads offline', async () => {
    const { sim, world, client } = fx;
    sim.silenceAgent('cmp-3');
    const macs = pxeBoot(world, 'cmp-3');
    await rejectsWith(waitForDiscoveredNode(client, macs, { intervalMs: 5, timeoutMs: 60 }), FUEL_CODES.waitTimeout, macs[0] as string);
    const cmp2 = (await client.nodes()).find((n) => n.meta.system?.serial === 'SN2');
    assert.ok(cmp2?.online);
    world.powerOff('cmp-2');
    assert.equal((await client.node(cmp2.id)).online, false);
  });
});
