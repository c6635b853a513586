import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CloudStore, Port } from '../../../src/simulator/store.js';
import { applyWorld, SANDBOX_MAPS, type ApplyWorld } from '../../helpers/apply-world.js';

// A port's copy keeps the source's fixed IPs whatever happens to its MAC (migrate/port-create.ts).
// it-ops/ops-bastion's port is copied onto it-ops-net, which a first apply already made on the
// target; then the target changes behind the plan's back.

const BASTION = `
workloads:
  - projects: [it-ops]
    servers: { names: [ops-bastion] }
    strategy: rebuild
    source: keep-stopped
${SANDBOX_MAPS}`;
const PORT_STEP = /^create:port:it-ops\//;

/** A world whose target already has it-ops-net and its subnet (from an apply of just those). */
async function withNetwork(): Promise<ApplyWorld> {
  const world = await applyWorld();
  const report = await world.apply(await world.plan(BASTION, { targets: ['subnet:it-ops/it-ops-subnet'] }));
  assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
  return world;
}

function bastionPort(world: ApplyWorld): Port {
  const source = world.sandbox.clouds.source.store;
  const server = source.servers.by('name', 'ops-bastion')[0];
  const port = source.ports.all().find((p) => p.deviceId === server?.id);
  assert.ok(port, 'ops-bastion has a port on the source');
  return port;
}

/** A port someone made on the target's it-ops-net. */
function squat(store: CloudStore, spec: { mac: string; ip?: string }): Port {
  const net = store.networks.by('name', 'it-ops-net')[0];
  const subnet = net && store.subnets.by('network', net.id)[0];
  assert.ok(net && subnet, 'it-ops-net is on the target');
  return store.ports.insert({
    id: randomUUID(), name: 'squatter', networkId: net.id, projectId: net.projectId, macAddress: spec.mac,
    fixedIps: spec.ip ? [{ subnetId: subnet.id, ipAddress: spec.ip }] : [], deviceOwner: 'compute:nova', deviceId: 'a-server-of-someone', bindingHostId: '',
    securityGroupIds: [], status: 'DOWN', adminStateUp: true, portSecurityEnabled: true, tags: [], description: '', createdAt: Date.now(),
  });
}

const copiesOf = (world: ApplyWorld, name = 'ops-bastion'): Port[] => {
  const target = world.sandbox.clouds.target.store;
  const copy = target.servers.by('name', name)[0];
  return copy ? target.ports.all().filter((p) => p.deviceId === copy.id) : [];
};

describe('a port copy keeps its fixed IPs', () => {
  test('its MAC taken since the plan: the copy gets a new MAC, the same fixed IP, and a warning says so', async () => {
    const world = await withNetwork();
    try {
      const source = bastionPort(world);
      const plan = await world.plan(BASTION);
      squat(world.sandbox.clouds.target.store, { mac: source.macAddress });
      const report = await world.apply(plan);
      assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
      const [copy] = copiesOf(world);
      assert.ok(copy, 'the server moved with its port');
      assert.notEqual(copy.macAddress, source.macAddress);
      assert.deepEqual(copy.fixedIps.map((ip) => ip.ipAddress), source.fixedIps.map((ip) => ip.ipAddress), 'the same fixed IP');
      const warning = world.events.ofType('warning').find((e) => e.data.code === 'PH1627');
      assert.ok(warning, 'a warning event, not just a progress line');
      assert.match(warning.message, new RegExp(`MAC ${source.macAddress} is taken .* same fixed IPs \\(${source.fixedIps[0]!.ipAddress.replace(/\./g, '\\.')}\\)`));
    } finally {
      await world.stop();
    }
  });

  for (const [what, macToo] of [['its fixed IP held', false], ['its fixed IP and MAC held by one port', true]] as const) {
    test(`${what} on the target: the step fails with PH1626 naming the port, the IP and the holder; no copy on other addresses`, async () => {
      const world = await withNetwork();
      try {
        const source = bastionPort(world);
        const ip = source.fixedIps[0]!.ipAddress;
        const target = world.sandbox.clouds.target.store;
        const plan = await world.plan(BASTION);
        const holder = squat(target, { mac: macToo ? source.macAddress : 'fa:16:3e:ab:cd:ef', ip });
        const report = await world.apply(plan);
        const failed = report.problems.find((p) => PORT_STEP.test(p.step));
        assert.equal(failed?.outcome, 'failed', JSON.stringify(report.problems));
        assert.equal(failed?.error.code, 'PH1626');
        assert.match(failed?.error.message ?? '', new RegExp(`^port:it-ops/\\S+: its fixed IP ${ip.replace(/\./g, '\\.')} is held on the target by port ${holder.id} "squatter" \\(project \\S+, compute:nova a-server-of-someone\\)`));
        assert.match(failed?.error.hint ?? '', /free that address on the target/);
        assert.deepEqual(target.ports.all().filter((p) => p.tags.includes(`pumphouse-source=${source.id}`)), [], 'no copy on other addresses');
        assert.deepEqual(target.ports.all().filter((p) => p.fixedIps.some((x) => x.ipAddress === ip)).map((p) => p.id), [holder.id]);
        assert.equal(target.servers.by('name', 'ops-bastion').length, 0, 'the server did not move');
      } finally {
        await world.stop();
      }
    });
  }
});
