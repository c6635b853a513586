import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { validatorFor } from '../../src/diagnostics/schema-check.js';
import type { HostReport } from '../../src/hosts/report.js';
import type { Sandbox } from '../../src/simulator/sandbox.js';
import { runCli } from '../helpers/cli.js';
import { planText } from '../helpers/plan-text.js';
import { privateSandbox } from '../helpers/sandbox.js';

// The host paths beyond a compute upgrade, through the real CLI on the sandbox: a source controller
// added to the target last with the plan's roles (and refused while it is the last one and the
// source keeps workloads), a host released into Fuel's unassigned nodes, a fixed layout applied and
// a mismatched one refused before any change, and an evacuation that would break an anti-affinity
// rule refused at plan time.

const FAST_HARDWARE = { hardware: { discoverDelayMs: 200, tickMs: 40, tickCount: 5 } };
const FUEL_WORLD = { hardware: { ...FAST_HARDWARE.hardware, sourceFuel: true } };
const ENV = { PUMPHOUSE_POLL_MS: '20' };

async function apply(env: Awaited<ReturnType<typeof privateSandbox>>, spec: string, extra: string[] = []) {
  const plan = env.files.path('hosts.yaml');
  writeFileSync(plan, planText('wave-hosts', spec));
  const state = env.files.path('state.json');
  const result = await runCli(['--config', env.config, ...extra, 'apply', plan, '--auto-approve', '--state', state], { env: ENV, timeoutMs: 100_000 });
  return { ...result, plan, state };
}

async function check(env: Awaited<ReturnType<typeof privateSandbox>>): Promise<HostReport> {
  const report = JSON.parse((await runCli(['--config', env.config, '--output', 'json', 'hosts', '--check'])).stdout) as HostReport;
  assert.ok(validatorFor('hosts')(report));
  return report;
}

/** Everything a refused plan must leave as it was: services, servers' hosts, Fuel's nodes and tasks, the machines' boots. */
function snapshot(sandbox: Sandbox): string {
  const source = sandbox.clouds.source.store;
  const fuel = sandbox.hardware!.fuel.store;
  return JSON.stringify({
    services: source.computeServices.all().map((s) => [s.host, s.binary, s.status, s.state, s.forcedDown]),
    servers: source.servers.all().map((s) => [s.name, s.host, s.status]),
    nodes: [...fuel.nodes.values()].map((n) => [n.id, n.name, n.cluster, n.status, n.pending_deletion]),
    tasks: fuel.tasks.size,
    boots: sandbox.hardware!.world.all().map((m) => [m.name, m.boots, m.power]),
  });
}

describe('host paths', () => {
  test('a source controller joins the target last, with the plan\'s roles; taking it while the source keeps workloads is refused first', { timeout: 120_000 }, async () => {
    const env = await privateSandbox(FAST_HARDWARE);
    try {
      const before = snapshot(env.sandbox);
      const refused = await apply(env, '  hosts:\n    - { name: ctl-1, state: upgraded, fuel: { roles: [controller] } }\n');
      assert.equal(refused.code, 1);
      assert.match(refused.stdout + refused.stderr, /PH1411[\s\S]*ctl-1, the source's last controller, would strand \d+ workload\(s\) the plan neither moves nor abandons: server /);
      assert.equal(snapshot(env.sandbox), before, 'nothing changed');

      const spec = '  hosts:\n    - { name: cmp-3, state: upgraded, evacuate: live }\n    - { name: ctl-1, state: upgraded, abandon: ["*"], fuel: { roles: [controller] } }\n';
      const applied = await apply(env, spec, ['--output', 'json']);
      assert.equal(applied.code, 0, applied.stderr.slice(-3000));
      const events = applied.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
      const at = (type: string, step: string) => events.findIndex((e) => e.type === type && e.data['step'] === step);
      assert.ok(at('step_finished', 'upgrade-host:hypervisor:cmp-3') >= 0 && at('step_finished', 'upgrade-host:hypervisor:cmp-3') < at('step_started', 'upgrade-host:hypervisor:ctl-1'), 'the controller starts after the compute host is done');
      const phases = events.filter((e) => e.type === 'step_progress' && e.data['step'] === 'upgrade-host:hypervisor:ctl-1').map((e) => String(e.data['phase']));
      for (const phase of [/setting PXE as the next boot/, /assigning Fuel node #\d+ to environment mos-9 as controller/, /copying the disk and interface layout of node-1\.domain\.tld/,
        /deploying node #\d+ as controller/, /waiting for the Nova control services on node-\d+\.domain\.tld to serve the target/, /removing ctl-1's nova-scheduler, nova-conductor from the source/]) {
        assert.ok(phases.some((p) => phase.test(p)), `${phase} in ${phases.join(' | ')}`);
      }
      const fuel = env.sandbox.hardware!.fuel.store;
      const node = [...fuel.nodes.values()].find((n) => n.machine === 'ctl-1');
      assert.deepEqual([node?.name, node?.cluster, node?.status, node?.roles], ['ctl-1', 1, 'ready', ['controller']]);
      const target = env.sandbox.clouds.target.store.computeServices.all().filter((s) => s.host === node?.fqdn).map((s) => `${s.binary}:${s.state}`).sort();
      assert.deepEqual(target, ['nova-conductor:up', 'nova-scheduler:up'], 'its Nova control services serve the target');
      assert.deepEqual(env.sandbox.clouds.source.store.computeServices.all().filter((s) => s.host === 'ctl-1'), [], 'and no longer the source');
      const again = await runCli(['--config', env.config, 'plan', applied.plan, '--state', applied.state]);
      assert.match(again.stdout, /No changes\./, again.stdout + again.stderr);
    } finally {
      await env.stop();
    }
  });

  test('released: evacuated, removed from the source, PXE-booted into Fuel and left there unassigned, named after the host', { timeout: 120_000 }, async () => {
    const env = await privateSandbox(FAST_HARDWARE);
    try {
      const applied = await apply(env, '  hosts:\n    - { name: cmp-3, state: released, evacuate: live }\n');
      assert.equal(applied.code, 0, applied.stderr.slice(-3000));
      for (const phase of [/live-migrating/, /removing cmp-3's nova-compute from the source/, /setting PXE as the next boot/, /register/, /naming Fuel node #6 cmp-3/]) assert.match(applied.stderr, phase);
      assert.doesNotMatch(applied.stderr, /assigning|provisioning|deploying/);
      const source = env.sandbox.clouds.source.store;
      assert.deepEqual(source.servers.all().filter((s) => s.host === 'cmp-3'), []);
      assert.deepEqual(source.computeServices.all().filter((s) => s.host === 'cmp-3'), []);
      const report = await check(env);
      const row = report.hosts.find((h) => h.name === 'cmp-3');
      assert.equal(row?.onSource, false);
      assert.deepEqual(row?.check?.fuelNode, { id: 6, name: 'cmp-3', fqdn: null, status: 'discover', cluster: null, environment: null, roles: [] }, 'an unassigned bootstrap node');
      const human = await runCli(['--config', env.config, 'hosts', '--check']);
      assert.match(human.stdout, /cmp-3\s+not in the source .* cmp-3 \(#6\) discover, unassigned/);
      assert.equal(env.sandbox.hardware!.fuel.store.tasks.size, 0, 'no Fuel environment was needed, no task run');
      const again = await runCli(['--config', env.config, 'plan', applied.plan, '--state', applied.state]);
      assert.match(again.stdout, /No changes\./, again.stdout + again.stderr);
    } finally {
      await env.stop();
    }
  });

  test('released from a Fuel-managed source: unassigned and wiped by old-cloud\'s deployment, back as an unassigned node', { timeout: 120_000 }, async () => {
    const env = await privateSandbox(FUEL_WORLD);
    try {
      const applied = await apply(env, '  hosts:\n    - { name: cmp-1, state: released, evacuate: live }\n');
      assert.equal(applied.code, 0, applied.stderr.slice(-3000));
      assert.match(applied.stderr, /unassigning Fuel node #6 \(cmp-1\) from environment old-cloud/);
      const row = (await check(env)).hosts.find((h) => h.name === 'cmp-1');
      assert.deepEqual(row?.check?.fuelNode, { id: 9, name: 'cmp-1', fqdn: null, status: 'discover', cluster: null, environment: null, roles: [] });
      assert.equal(env.sandbox.hardware!.bmcs.bmc('cmp-1')?.requests.length, 0, 'its BMC was not touched');
    } finally {
      await env.stop();
    }
  });

  const LAYOUT = `        layout:
          disks:
            - { name: sda, volumes: [{ name: os, size: 61440 }, { name: vm, size: rest }] }
            - { name: sdb, volumes: [{ name: vm, size: rest }] }
          interfaces:
            - { name: eth0, networks: [fuelweb_admin, management, storage, private] }
            - { name: eth1, networks: [public] }
`;

  test('a fixed layout: the node\'s disks and interfaces are as the plan says', { timeout: 120_000 }, async () => {
    const env = await privateSandbox(FAST_HARDWARE);
    try {
      const applied = await apply(env, `  hosts:\n    - name: cmp-3\n      state: upgraded\n      fuel:\n${LAYOUT}`);
      assert.equal(applied.code, 0, applied.stderr.slice(-3000));
      assert.match(applied.stderr, /cmp-3 is not in Fuel yet: its fixed layout is checked when it registers, before it is assigned/);
      assert.match(applied.stderr, /laying out the disks and interfaces of node #6 as the plan says/);
      const node = env.sandbox.hardware!.fuel.store.node(6);
      assert.equal(node.status, 'ready');
      assert.deepEqual(node.disks.map((d) => [d.name, d.volumes.map((v) => `${v.name}:${v.size}`)]), [
        ['sda', ['os:61440', `vm:${(node.disks[0]?.size ?? 0) - 61440}`]], ['sdb', [`vm:${node.disks[1]?.size}`]],
      ]);
      const cluster = env.sandbox.hardware!.fuel.store.cluster(1);
      const names = new Map([...cluster.networks, { id: 1, name: 'fuelweb_admin' }].map((n) => [n.id, n.name]));
      assert.deepEqual(node.nics.map((nic) => [nic.name, nic.assigned.map((id) => names.get(id))]), [['eth0', ['fuelweb_admin', 'management', 'storage', 'private']], ['eth1', ['public']]]);
    } finally {
      await env.stop();
    }
  });

  test('a fixed layout that does not fit the node is refused before any change, naming every mismatch', { timeout: 120_000 }, async () => {
    const env = await privateSandbox(FUEL_WORLD);
    try {
      const before = snapshot(env.sandbox);
      const wrong = LAYOUT.replace('name: sdb', 'name: sdc').replace('[public]', '[publik]');
      const applied = await apply(env, `  hosts:\n    - name: cmp-1\n      state: upgraded\n      fuel:\n${wrong}`);
      assert.equal(applied.code, 1);
      assert.match(applied.stderr, /PH1913 the plan's fixed layout does not fit the node: disk\(s\) sdc are not on the node \(it has sda, sdb\); the node's disk\(s\) sdb are not in the layout; network\(s\) publik do not exist in the environment/);
      assert.match(applied.stderr, /check-host:hypervisor:cmp-1/);
      assert.equal(snapshot(env.sandbox), before, 'cmp-1 still enabled, its servers where they were, its node in old-cloud, no task');
    } finally {
      await env.stop();
    }
  });

  test('an evacuation that would break an anti-affinity rule is refused at plan time, naming the server, its group and why; nothing changes', { timeout: 120_000 }, async () => {
    const env = await privateSandbox(FAST_HARDWARE);
    try {
      const before = snapshot(env.sandbox);
      const spec = '  hosts:\n    - { name: cmp-1, state: evacuated, evacuate: evacuate }\n    - { name: cmp-3, state: maintenance }\n';
      const plan = env.files.path('hosts.yaml');
      writeFileSync(plan, planText('wave-hosts', spec));
      const planned = await runCli(['--config', env.config, 'plan', plan]);
      const text = planned.stdout + planned.stderr;
      assert.match(text, /PH1412/);
      assert.match(text, /server web-1 \(server group web-anti, anti-affinity\) has nowhere to go from cmp-1: cmp-2 runs web-2 of its anti-affinity group web-anti; cmp-3 is taken out by this plan \(maintenance\)/);
      assert.match(text, /cannot be applied/);
      const applied = await apply(env, spec);
      assert.equal(applied.code, 1);
      assert.equal(snapshot(env.sandbox), before, 'no service disabled or forced down, no server moved');
    } finally {
      await env.stop();
    }
  });

  test('evacuate never forces a host down while a server on it has nowhere to go: the world changed after the plan, the step refuses', { timeout: 120_000 }, async () => {
    const env = await privateSandbox(FAST_HARDWARE);
    try {
      const plan = env.files.path('hosts.yaml');
      writeFileSync(plan, planText('wave-hosts', '  hosts:\n    - { name: cmp-1, state: evacuated, evacuate: evacuate }\n'));
      const saved = env.files.path('plan.json');
      const planned = await runCli(['--config', env.config, 'plan', plan, '--out', saved]);
      assert.equal(planned.code, 0, planned.stdout + planned.stderr);
      // Since the plan, an operator disabled cmp-3: web-1 may not join web-2 on cmp-2, and cmp-3 takes nothing.
      const source = env.sandbox.clouds.source.store;
      const cmp3 = source.computeServices.all().find((s) => s.host === 'cmp-3' && s.binary === 'nova-compute')!;
      source.computeServices.update(cmp3, (s) => { s.status = 'disabled'; s.disabledReason = 'hardware check'; });
      const servers = JSON.stringify(source.servers.all().map((s) => [s.name, s.host, s.status]));
      const applied = await runCli(['--config', env.config, 'apply', saved, '--auto-approve', '--state', env.files.path('state.json')], { env: ENV, timeoutMs: 100_000 });
      assert.equal(applied.code, 1);
      assert.match(applied.stderr, /PH1672 hypervisor:cmp-1: not forcing cmp-1 down: 1 server\(s\) would have nowhere to go — web-1 \(server group web-anti, anti-affinity\): cmp-2 runs web-2 of its anti-affinity group web-anti; cmp-3 is disabled/);
      const cmp1 = source.computeServices.all().find((s) => s.host === 'cmp-1' && s.binary === 'nova-compute');
      assert.equal(cmp1?.forcedDown, false, 'not forced down');
      assert.equal(JSON.stringify(source.servers.all().map((s) => [s.name, s.host, s.status])), servers, 'no server moved, none in ERROR');
    } finally {
      await env.stop();
    }
  });
});
