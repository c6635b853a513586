import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import type { ExecutionPlan } from '../../src/execution-plan/plan.js';
import { StateStore, readState } from '../../src/state/store.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

// Identity and ownership with the real CLI on the sandbox (issue "Fidelity").
describe('identity and ownership', () => {
  test('the demo plan: each copy is its owner\'s, the admin keeps no role and no key, the next plan has no owner difference', { timeout: 240_000 }, async () => {
    const env = await privateSandbox();
    try {
      const plan = env.files.path('demo.yaml');
      copyFileSync(`${REPO_ROOT}/plans/demo.yaml`, plan);
      const state = env.files.path('state.json');
      const source = env.sandbox.clouds.source.store;
      const owners = new Map(source.servers.all().map((s) => [s.name, source.users.get(s.userId)?.name]));
      const applied = await runCli(['--config', env.config, 'apply', plan, '--exclude', 'hypervisor:cmp-3', '--auto-approve', '--state', state], { timeoutMs: 200_000, env: { PUMPHOUSE_POLL_MS: '50' } });
      assert.equal(applied.code, 0, applied.stderr.slice(-3000));

      const target = env.sandbox.clouds.target.store;
      for (const name of ['web-1', 'web-2', 'db-1', 'ops-bastion', 'ops-monitor', 'ops-bfv']) {
        const copy = target.servers.by('name', name)[0]!;
        assert.equal(target.users.get(copy.userId)?.name, owners.get(name), `${name} is owned by its source owner`);
        assert.equal(copy.keyName, `${owners.get(name)}-key`);
      }
      const admin = target.users.by('name', 'admin')[0]!;
      assert.deepEqual(target.keypairs.by('user', admin.id), [], 'nothing in the admin\'s keypairs');
      for (const project of target.projects.all().filter((p) => ['demo', 'it-ops'].includes(p.name))) {
        assert.deepEqual(target.roleIdsOn(admin.id, { projectId: project.id }), [], `no admin role left on ${project.name}`);
      }
      assert.deepEqual((await readState(state))?.temporaries, {});

      const replanned = await runCli(['--config', env.config, '--output', 'json', 'plan', plan, '--exclude', 'hypervisor:cmp-3', '--state', state]);
      assert.equal(replanned.code, 0, replanned.stderr);
      const changes = (JSON.parse(replanned.stdout) as ExecutionPlan).changes;
      assert.deepEqual(changes.flatMap((c) => c.differences.filter((d) => d.path === 'refs.owner').map(() => c.address)), []);
    } finally {
      await env.stop();
    }
  });

  test('`pumphouse cleanup` revokes the admin role a killed apply left recorded, and only that', { timeout: 60_000 }, async () => {
    const env = await privateSandbox({ hardware: false });
    try {
      const target = env.sandbox.clouds.target.store;
      const admin = target.users.by('name', 'admin')[0]!;
      const adminRole = target.roles.by('name', 'admin')[0]!;
      const service = target.projects.all().find((p) => p.name === 'services')!;
      target.roleAssignments.insert({ id: 'temporary', userId: admin.id, roleId: adminRole.id, scope: { projectId: service.id } });
      const state = env.files.path('state.json');
      const store = await StateStore.open(state, { command: 'test' });
      const id = `${service.id}/${admin.id}/${adminRole.id}`;
      await store.update((s) => {
        s.temporaries[`grant:${id}`] = { cloud: 'target', kind: 'role-assignment', id, purpose: 'admin role of Pumphouse on service', createdAt: new Date().toISOString() };
      });
      await store.close();
      const held = () => target.roleIdsOn(admin.id, { projectId: service.id });
      const rolesBefore = target.roleAssignments.all().length;

      const dry = await runCli(['--config', env.config, 'cleanup', '--dry-run', '--state', state]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /would remove target role-assignment .*admin role of Pumphouse on service/);
      assert.deepEqual(held(), [adminRole.id]);

      const cleaned = await runCli(['--config', env.config, 'cleanup', '--state', state]);
      assert.equal(cleaned.code, 0, cleaned.stderr);
      assert.deepEqual(held(), []);
      assert.equal(target.roleAssignments.all().length, rolesBefore - 1, 'no other grant was touched');
      const again = await runCli(['--config', env.config, 'cleanup', '--state', state]);
      assert.match(again.stdout, /Nothing to clean up/);
    } finally {
      await env.stop();
    }
  });
});
