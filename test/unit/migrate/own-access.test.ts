import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryDocument, type LedgerDocument } from '../../../src/apply/ledger.js';
import type { CloudStore } from '../../../src/simulator/store.js';
import { applyWorld, SANDBOX_MAPS, type ApplyWorld } from '../../helpers/apply-world.js';

// Issue "Fidelity": every project Pumphouse created kept an extra `admin` grant for Pumphouse's
// own user. The grant it needs to create servers inside a project is a temporary: recorded in the
// state before it exists, revoked when apply ends, unless pumphouse.yaml says to keep it.
const WORKLOAD = `workloads:\n  - { projects: [it-ops], servers: { names: [ops-bastion] }, strategy: rebuild, source: keep }\n${SANDBOX_MAPS}`;
const WITH_IDENTITY = `identity: { projects: [it-ops], passwords: skip }\nworkloads:\n  - { projects: [it-ops], servers: { names: [ops-bastion] }, strategy: rebuild, source: keep }\n${SANDBOX_MAPS}`;

/** The roles the sandbox admin holds on the target's it-ops, by name. */
function adminRolesOnItOps(store: CloudStore): string[] {
  const admin = store.users.by('name', 'admin')[0]!;
  const itOps = store.projects.all().find((p) => p.name === 'it-ops');
  if (!itOps) return [];
  return store.roleIdsOn(admin.id, { projectId: itOps.id }).map((id) => store.roles.get(id)!.name).sort();
}

/** A state that checks, on every write adding a temporary grant, that the grant does not exist yet. */
class CheckingDocument extends MemoryDocument {
  readonly seenBeforeGrant: string[] = [];
  readonly grantedBeforeRecord: string[] = [];
  readonly purposes: string[] = [];
  constructor(private readonly target: () => CloudStore) {
    super();
  }
  override async update(mutate: (doc: LedgerDocument) => void): Promise<void> {
    const before = new Set(Object.keys(this.state.temporaries));
    mutate(this.state);
    for (const [key, record] of Object.entries(this.state.temporaries)) {
      if (before.has(key) || record.kind !== 'role-assignment') continue;
      const [projectId, userId, roleId] = (record.id ?? '').split('/') as [string, string, string];
      this.purposes.push(record.purpose);
      (this.target().roleIdsOn(userId, { projectId }).includes(roleId) ? this.grantedBeforeRecord : this.seenBeforeGrant).push(key);
    }
  }
}

async function withWorld(body: (world: ApplyWorld) => Promise<void>, state?: MemoryDocument): Promise<void> {
  const world = await applyWorld(state ? { state } : {});
  try {
    await body(world);
  } finally {
    await world.stop();
  }
}

describe("Pumphouse's own admin role on target projects", () => {
  const checking = new CheckingDocument(() => targetStore);
  let targetStore: CloudStore;
  test('is recorded before it is granted and revoked when apply ends; a leftover of a killed apply goes too', { timeout: 60_000 }, () => withWorld(async (world) => {
    const target = (targetStore = world.sandbox.clouds.target.store);
    const report = await world.apply(await world.plan(WORKLOAD));
    assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
    assert.equal(target.servers.by('name', 'ops-bastion').length, 1, 'the server was created inside it-ops');
    assert.equal(checking.seenBeforeGrant.length, 1, 'one temporary grant, recorded before it existed');
    assert.deepEqual(checking.grantedBeforeRecord, []);
    assert.deepEqual(checking.purposes, ["admin role of Pumphouse's user on project:it-ops, to work inside it"]);
    assert.deepEqual(adminRolesOnItOps(target), [], 'no admin grant is left on it-ops');
    assert.deepEqual(checking.state.temporaries, {});

    // A killed apply leaves its grant recorded: the next apply's end revokes it.
    const admin = target.users.by('name', 'admin')[0]!;
    const adminRole = target.roles.by('name', 'admin')[0]!;
    const itOps = target.projects.all().find((p) => p.name === 'it-ops')!;
    target.roleAssignments.insert({ id: 'leftover', userId: admin.id, roleId: adminRole.id, scope: { projectId: itOps.id } });
    const id = `${itOps.id}/${admin.id}/${adminRole.id}`;
    checking.state.temporaries[`grant:${id}`] = { cloud: 'target', kind: 'role-assignment', id, purpose: 'left by a killed apply', createdAt: new Date().toISOString() };
    const again = await world.apply(await world.plan(WORKLOAD));
    assert.equal(again.counts.failed, 0);
    assert.deepEqual(adminRolesOnItOps(target), []);
    assert.deepEqual(checking.state.temporaries, {});
  }, checking));

  test('settings.apply.keep_admin_grants keeps it, unrecorded', { timeout: 60_000 }, () => withWorld(async (world) => {
    const report = await world.apply(await world.plan(WORKLOAD), { keepAdminGrants: true });
    assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
    assert.deepEqual(adminRolesOnItOps(world.sandbox.clouds.target.store), ['admin']);
    assert.deepEqual(world.state.state.temporaries, {});
  }));

  test('a grant the admin held on the source project is copied and stays', { timeout: 60_000 }, () => withWorld(async (world) => {
    const source = world.sandbox.clouds.source.store;
    const sourceItOps = source.projects.all().find((p) => p.name === 'it-ops')!;
    source.roleAssignments.insert({ id: 'admin-on-it-ops', userId: source.users.by('name', 'admin')[0]!.id, roleId: source.roles.by('name', 'admin')[0]!.id, scope: { projectId: sourceItOps.id } });
    const plan = await world.plan(WITH_IDENTITY);
    assert.ok(plan.changes.some((c) => c.address === 'role-assignment:it-ops/admin/admin' && c.action === 'create'));
    const report = await world.apply(plan);
    assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
    assert.deepEqual(adminRolesOnItOps(world.sandbox.clouds.target.store), ['admin']);
    assert.deepEqual(world.state.state.temporaries, {});
  }));
});
