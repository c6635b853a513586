import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { validatorFor } from '../../src/diagnostics/schema-check.js';
import { connectFuel } from '../../src/fuel/index.js';
import type { HostReport } from '../../src/hosts/report.js';
import { SANDBOX_FUEL_CREDENTIALS } from '../../src/simulator/hardware/sandbox-hardware.js';
import type { Sandbox } from '../../src/simulator/sandbox.js';
import { applyUntil as applyUntilEvent, } from '../helpers/apply-until.js';
import { runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

// The Hosts wave on the sandbox, through the real CLI: `hosts --check` reads the BMCs and Fuel;
// a plan that only names cmp-3 and `state: upgraded` empties it by live migration, PXE-boots it
// through its Redfish BMC, has Fuel deploy it as a compute node of the target, and removes it
// from the source; SIGKILLed at every phase and resumed, it ends the same, with one Fuel
// provisioning and one deployment.

const PLAN = `apiVersion: pumphouse/v1
kind: MigrationPlan
metadata: { name: wave-hosts }
spec:
  hosts:
    - { name: cmp-3, state: upgraded, evacuate: live }
`;
const FAST_HARDWARE = { hardware: { discoverDelayMs: 200, tickMs: 40, tickCount: 5 } };
const ENV = { PUMPHOUSE_POLL_MS: '20' };


/** What the test checks at the end: where cmp-3's hardware serves, and how Fuel got it there. */
async function hostOutcome(sandbox: Sandbox): Promise<{ sourceHosts: string[]; targetCompute: string[]; tasks: string[]; cmp3Servers: number; pxeBoots: number }> {
  const source = sandbox.clouds.source.store;
  const target = sandbox.clouds.target.store;
  const fuel = await connectFuel({ url: sandbox.hardware!.fuelConfig.url, ...SANDBOX_FUEL_CREDENTIALS });
  try {
    const tasks = (await fuel.tasks()).filter((t) => t.name === 'provision' || t.name === 'deployment').map((t) => `${t.name}:${t.status}`).sort();
    return {
      sourceHosts: source.computeServices.all().filter((s) => s.binary === 'nova-compute').map((s) => s.host).sort(),
      targetCompute: target.computeServices.all().filter((s) => s.binary === 'nova-compute').map((s) => `${s.host}:${s.status}:${s.state}`).sort(),
      tasks,
      cmp3Servers: source.servers.all().filter((s) => s.host === 'cmp-3').length,
      pxeBoots: sandbox.hardware!.world.get('cmp-3')!.boots,
    };
  } finally {
    fuel.close();
  }
}

const EXPECTED = {
  sourceHosts: ['cmp-1', 'cmp-2'],
  targetCompute: ['node-4.domain.tld:enabled:up', 'node-5.domain.tld:enabled:up', 'node-6.domain.tld:enabled:up'],
  tasks: ['deployment:ready', 'provision:ready'],
  cmp3Servers: 0,
};

describe('pumphouse hosts and host upgrades', () => {
  test('hosts --check reads every BMC\'s power state and looks each host up in Fuel', { timeout: 60_000 }, async () => {
    const env = await privateSandbox(FAST_HARDWARE);
    try {
      env.sandbox.hardware!.world.powerOff('cmp-2');
      const checked = await runCli(['--config', env.config, '--output', 'json', 'hosts', '--check']);
      assert.equal(checked.code, 0, checked.stderr);
      const report = JSON.parse(checked.stdout) as HostReport;
      const validate = validatorFor('hosts');
      assert.ok(validate(report), JSON.stringify(validate.errors?.slice(0, 3)));
      assert.deepEqual(report.hosts.map((h) => [h.name, h.controller, h.management, h.service?.status, h.bmc?.driver, h.check?.power, h.check?.fuelNode]), [
        ['cmp-1', false, 'bmc', 'enabled', 'redfish', 'on', null], ['cmp-2', false, 'bmc', 'enabled', 'redfish', 'off', null], ['cmp-3', false, 'bmc', 'enabled', 'redfish', 'on', null],
        ['ctl-1', true, 'bmc', undefined, 'redfish', 'on', null],
      ], 'the source controller is a host too, with its BMC');
      assert.equal(report.hosts.find((h) => h.name === 'cmp-3')?.servers.count, 4);
      const human = await runCli(['--config', env.config, 'hosts', '--check']);
      assert.match(human.stdout, /cmp-2\s+enabled, up .* redfish 127\.0\.0\.1:\d+\s+off\s+not in Fuel/);
      assert.doesNotMatch(`${checked.stdout}${human.stdout}`, /sandbox-bmc-root|sandbox-fuel-admin/, 'no password in the output');
    } finally {
      await env.stop();
    }
  });

  test('a plan naming a host as upgraded: emptied, PXE-booted through its BMC, deployed by Fuel, serving the target', { timeout: 120_000 }, async () => {
    const env = await privateSandbox(FAST_HARDWARE);
    try {
      const plan = env.files.path('hosts.yaml');
      writeFileSync(plan, PLAN);
      const state = env.files.path('state.json');
      const applied = await runCli(['--config', env.config, 'apply', plan, '--auto-approve', '--state', state], { env: ENV, timeoutMs: 100_000 });
      assert.equal(applied.code, 0, applied.stderr.slice(-3000));
      for (const phase of [/live-migrating/, /setting PXE as the next boot/, /register/, /assigning Fuel node #6 to environment mos-9 as compute/, /copying the disk and interface layout of node-4\.domain\.tld/, /provisioning node #6/, /deploying node #6/, /nova-compute on node-6\.domain\.tld to serve the target/, /removing cmp-3's nova-compute from the source/]) {
        assert.match(applied.stderr, phase);
      }
      assert.deepEqual(await hostOutcome(env.sandbox), { ...EXPECTED, pxeBoots: 1 });
      for (const server of env.sandbox.clouds.source.store.servers.all()) assert.notEqual(server.host, 'cmp-3', `${server.name} left cmp-3`);
      const after = JSON.parse((await runCli(['--config', env.config, '--output', 'json', 'hosts', '--check'])).stdout) as HostReport;
      assert.ok(validatorFor('hosts')(after));
      assert.deepEqual(after.hosts.find((h) => h.name === 'cmp-3')?.check?.fuelNode, { id: 6, name: after.hosts.find((h) => h.name === 'cmp-3')?.check?.fuelNode?.name, fqdn: 'node-6.domain.tld', status: 'ready', cluster: 1, environment: 'mos-9', roles: ['compute'] }, 'cmp-3 is now a ready compute node in Fuel');
      const again = await runCli(['--config', env.config, 'plan', plan, '--state', state]);
      assert.match(again.stdout, /No changes\./, again.stdout + again.stderr);
    } finally {
      await env.stop();
    }
  });

  test('a deployment that fails in Fuel is a clear error; fixed and applied again, a new deployment finishes the job', { timeout: 120_000 }, async () => {
    const env = await privateSandbox(FAST_HARDWARE);
    try {
      const plan = env.files.path('hosts.yaml');
      writeFileSync(plan, PLAN);
      const state = env.files.path('state.json');
      env.sandbox.hardware!.fuel.failNode('deploy', { machine: 'cmp-3' });
      const failed = await runCli(['--config', env.config, 'apply', plan, '--auto-approve', '--state', state], { env: ENV, timeoutMs: 100_000 });
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /PH1666 deploying node #6 as compute failed in Fuel \(task \d+\): Deployment has failed/);
      assert.match(failed.stderr, /it starts a new task for this node/);
      env.sandbox.hardware!.fuel.clearFaults();
      const fixed = await runCli(['--config', env.config, 'apply', plan, '--auto-approve', '--state', state], { env: ENV, timeoutMs: 100_000 });
      assert.equal(fixed.code, 0, fixed.stderr.slice(-3000));
      const outcome = await hostOutcome(env.sandbox);
      assert.deepEqual(outcome.tasks, ['deployment:error', 'deployment:ready', 'provision:ready'], 'provisioned once; deployed again after the failure');
      assert.deepEqual(outcome.targetCompute, EXPECTED.targetCompute);
      assert.equal(outcome.pxeBoots, 1);
    } finally {
      await env.stop();
    }
  });

  test('evacuate HOST --method cold: disabled with a reason, every server moved off by cold migration, resize confirmed', { timeout: 60_000 }, async () => {
    const env = await privateSandbox(FAST_HARDWARE);
    try {
      const source = env.sandbox.clouds.source.store;
      const before = source.servers.all().filter((s) => s.host === 'cmp-2').map((s) => [s.id, s.status] as const);
      assert.ok(before.length > 0);
      const moved = await runCli(['--config', env.config, 'evacuate', 'cmp-2', '--method', 'cold', '--auto-approve', '--state', env.files.path('state.json')], { env: ENV, timeoutMs: 50_000 });
      assert.equal(moved.code, 0, moved.stderr.slice(-3000));
      assert.match(moved.stderr, /migrate\/evacuate-cmp-2\.yaml/, 'it says where the plan it applied is');
      const service = source.computeServices.all().find((s) => s.host === 'cmp-2' && s.binary === 'nova-compute');
      assert.equal(service?.status, 'disabled');
      assert.match(service?.disabledReason ?? '', /pumphouse/);
      for (const [id, status] of before) {
        const server = source.servers.get(id);
        assert.notEqual(server?.host, 'cmp-2');
        assert.equal(server?.status, status, 'the cold migration was confirmed: the server is as it was, elsewhere');
      }
    } finally {
      await env.stop();
    }
  });

  test('killed at every phase of the upgrade and resumed, it ends with one provisioning, one deployment, the host serving', { timeout: 300_000 }, async () => {
    const env = await privateSandbox(FAST_HARDWARE);
    try {
      const plan = env.files.path('hosts.yaml');
      writeFileSync(plan, PLAN);
      const state = env.files.path('state.json');
      const phases = [
        /migrating/, /setting PXE/, /waiting for the host to boot/, /naming Fuel node/, /assigning/, /copying the disk/, /provisioning node #\d+: task running/,
        /deploying node #\d+ as compute: task running/, /waiting for nova-compute/, /removing/, /^upgrade-host:.* finished$/,
      ];
      const hit: string[] = [];
      for (let round = 0; round < 20; round++) {
        const run = await applyUntil(env.config, plan, state, phases.filter((p) => !hit.includes(p.source)));
        if (!run.killedAt) {
          assert.equal(run.code, 0, `${run.failures.join('\n')}\n${run.stderr.slice(-3000)}`);
          break;
        }
        hit.push(run.killedAt);
      }
      // A kill lands a moment after its event: on a loaded machine a short phase (assigning) or the
      // last one (finished, then the process exits by itself) can be over by then, and a resumed
      // run finds it done and never announces it again. Nine of eleven still kills every long phase.
      assert.ok(hit.length >= 9, `killed at ${hit.length} phases: ${hit.join(', ')}`);
      const outcome = await hostOutcome(env.sandbox);
      assert.deepEqual({ ...outcome, pxeBoots: undefined }, { ...EXPECTED, pxeBoots: undefined });
      assert.ok(outcome.pxeBoots >= 1 && outcome.pxeBoots <= 2, `cmp-3 PXE-booted ${outcome.pxeBoots} time(s): once, or twice when killed between the BMC call and its record`);
    } finally {
      await env.stop();
    }
  });
});

// The Fuel mode on a source Fuel built: cmp-1 is a node of environment old-cloud and pumphouse.yaml
// says only `management: fuel` for it (no BMC, no PXE MAC).
const FUEL_WORLD = { hardware: { ...FAST_HARDWARE.hardware, sourceFuel: true } };
const FUEL_PLAN = PLAN.replace('cmp-3', 'cmp-1');

/** What a Fuel-mode upgrade of cmp-1 leaves: the tasks of both environments, the machine's boots, its BMC's requests. */
async function fuelOutcome(sandbox: Sandbox): Promise<{ sourceHosts: string[]; targetCompute: string[]; tasks: string[]; cmp1Servers: number; boots: number; bmcRequests: number; node: unknown }> {
  const hardware = sandbox.hardware!;
  const clusters = new Map([...hardware.fuel.store.clusters.values()].map((c) => [c.id, c.name]));
  const tasks = [...hardware.fuel.store.tasks.values()].map((t) => `${clusters.get(t.cluster)}:${t.name}:${t.status}`).sort();
  const node = [...hardware.fuel.store.nodes.values()].find((n) => n.machine === 'cmp-1');
  return {
    sourceHosts: sandbox.clouds.source.store.computeServices.all().filter((s) => s.binary === 'nova-compute').map((s) => s.host).sort(),
    targetCompute: sandbox.clouds.target.store.computeServices.all().filter((s) => s.binary === 'nova-compute').map((s) => `${s.host}:${s.status}:${s.state}`).sort(),
    tasks,
    cmp1Servers: sandbox.clouds.source.store.servers.all().filter((s) => s.host === 'cmp-1').length,
    boots: hardware.world.get('cmp-1')!.boots,
    bmcRequests: hardware.bmcs.bmc('cmp-1')!.requests.length,
    node: node && { name: node.name, cluster: clusters.get(node.cluster ?? -1) ?? null, status: node.status, roles: node.roles, fqdn: node.fqdn },
  };
}

function expectedFuelOutcome(nodeId: number) {
  return {
    sourceHosts: ['cmp-2', 'cmp-3'],
    targetCompute: ['node-4.domain.tld:enabled:up', 'node-5.domain.tld:enabled:up', `node-${nodeId}.domain.tld:enabled:up`],
    tasks: ['mos-9:deployment:ready', 'mos-9:provision:ready', 'old-cloud:deploy:ready', 'old-cloud:node_deletion:ready'],
    cmp1Servers: 0,
    boots: 1,
    bmcRequests: 0,
    node: { name: 'cmp-1', cluster: 'mos-9', status: 'ready', roles: ['compute'], fqdn: `node-${nodeId}.domain.tld` },
  };
}

describe('a host of a Fuel-managed source (management: fuel)', () => {
  test('upgraded end to end without its BMC: unassigned from old-cloud, wiped by that deployment, back with the same MACs under a new id, deployed into mos-9', { timeout: 120_000 }, async () => {
    const env = await privateSandbox(FUEL_WORLD);
    try {
      const before = JSON.parse((await runCli(['--config', env.config, '--output', 'json', 'hosts', '--check'])).stdout) as HostReport;
      const row = before.hosts.find((h) => h.name === 'cmp-1');
      assert.deepEqual([row?.management, row?.bmc, row?.check?.power], ['fuel', null, undefined], 'no BMC in pumphouse.yaml, none asked');
      assert.deepEqual(row?.check?.fuelNode, { id: 6, name: 'cmp-1', fqdn: 'node-6.domain.tld', status: 'ready', cluster: 2, environment: 'old-cloud', roles: ['compute'] }, 'its source Fuel node');
      assert.ok(validatorFor('hosts')(before));
      const plan = env.files.path('hosts.yaml');
      writeFileSync(plan, FUEL_PLAN);
      const state = env.files.path('state.json');
      const applied = await runCli(['--config', env.config, 'apply', plan, '--auto-approve', '--state', state], { env: ENV, timeoutMs: 100_000 });
      assert.equal(applied.code, 0, applied.stderr.slice(-3000));
      for (const phase of [/live-migrating/, /unassigning Fuel node #6 \(cmp-1\) from environment old-cloud/, /removing node #6 from environment old-cloud \(Fuel wipes it; it reboots into the bootstrap\): task ready/,
        /register again \(MACs 52:54:00:a0:00:10, 52:54:00:b0:00:10\)/, /naming Fuel node #9 cmp-1/, /assigning Fuel node #9 to environment mos-9 as compute/, /copying the disk and interface layout of node-4\.domain\.tld/,
        /provisioning node #9/, /deploying node #9/, /nova-compute on node-9\.domain\.tld to serve the target/, /removing cmp-1's nova-compute from the source/]) {
        assert.match(applied.stderr, phase);
      }
      assert.doesNotMatch(applied.stderr, /setting PXE|BMC/);
      assert.deepEqual(await fuelOutcome(env.sandbox), expectedFuelOutcome(9));
      const after = JSON.parse((await runCli(['--config', env.config, '--output', 'json', 'hosts', '--check'])).stdout) as HostReport;
      assert.deepEqual(after.hosts.find((h) => h.name === 'cmp-1')?.check?.fuelNode, { id: 9, name: 'cmp-1', fqdn: 'node-9.domain.tld', status: 'ready', cluster: 1, environment: 'mos-9', roles: ['compute'] });
      const again = await runCli(['--config', env.config, 'plan', plan, '--state', state]);
      assert.match(again.stdout, /No changes\./, again.stdout + again.stderr);
    } finally {
      await env.stop();
    }
  });

  test('killed at every phase and resumed: one removal deployment, one provisioning, one deployment, one reboot, its BMC never touched', { timeout: 300_000 }, async () => {
    // Phases of a second each: a kill sent at a phase lands in it even on a loaded machine.
    const env = await privateSandbox({ hardware: { ...FUEL_WORLD.hardware, discoverDelayMs: 1000, tickCount: 25 } });
    try {
      const plan = env.files.path('hosts.yaml');
      writeFileSync(plan, FUEL_PLAN);
      const state = env.files.path('state.json');
      const phases = [
        /migrating/, /^unassigning/, /removing node #\d+ from environment old-cloud.*task running/, /register again/, /naming Fuel node/, /^assigning/, /copying the disk/,
        /provisioning node #\d+: task running/, /deploying node #\d+ as compute: task running/, /waiting for nova-compute/, /removing cmp-1/, /^upgrade-host:.* finished$/,
      ];
      const hit: string[] = [];
      for (let round = 0; round < 24; round++) {
        const run = await applyUntil(env.config, plan, state, phases.filter((p) => !hit.includes(p.source)));
        if (!run.killedAt) {
          assert.equal(run.code, 0, `${run.failures.join('\n')}\n${run.stderr.slice(-3000)}`);
          break;
        }
        hit.push(run.killedAt);
      }
      // The last kill may land after the step is recorded done: then no run reports it finished.
      assert.deepEqual(phases.slice(0, -1).map((p) => p.source).filter((p) => !hit.includes(p)), [], `killed at every phase (at ${hit.join(', ')})`);
      const outcome = await fuelOutcome(env.sandbox);
      const nodeId = Number(/node-(\d+)/.exec(String((outcome.node as { fqdn: string }).fqdn))?.[1]);
      assert.deepEqual(outcome, expectedFuelOutcome(nodeId));
    } finally {
      await env.stop();
    }
  });
});

/** Runs apply (NDJSON events) until a step's phase (or "<step> finished") matches one of `phases`, SIGKILLs it there. */
async function applyUntil(config: string, plan: string, state: string, phases: RegExp[]): Promise<{ killedAt?: string; code: number | null; stderr: string; failures: string[] }> {
  let killedAt: string | undefined;
  const failures: string[] = [];
  const args = ['--config', config, '--output', 'json', 'apply', plan, '--auto-approve', '--state', state];
  const { code, stderr } = await applyUntilEvent(args, ENV, (event) => {
    if (event.type === 'step_finished' && event.data['outcome'] === 'failed') failures.push(`${String(event.data['step'])}: ${String(event.data['error'])}`);
    // A phase as the step reports it, or "<step> finished" once it is done.
    const phase = event.type === 'step_progress' ? String(event.data['phase'] ?? '') : event.type === 'step_finished' ? `${String(event.data['step'])} finished` : '';
    killedAt = phases.find((p) => p.test(phase))?.source;
    return killedAt !== undefined;
  });
  return { ...(killedAt ? { killedAt } : {}), code, stderr, failures };
}
