import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StateStore } from '../../src/state/store.js';
import { runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';

// Identity and ownership with the real CLI on the sandbox (issue "Fidelity").
describe('identity and ownership', () => {
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
