import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesiredState } from '../../../src/desired/model.js';
import { resolveSelection } from '../../../src/desired/resolve.js';
import { applyUserAddress } from '../../../src/diff/losses.js';
import { diffState } from '../../../src/diff/diff.js';
import type { Inventory, InventoryResource } from '../../../src/inventory/model.js';
import { demoSourceResources, desired, freshTarget, inventory, resource, workload } from '../../helpers/small-inventory.js';

// Issue "Fidelity": a server's owner is whoever boots it. Apply boots the copy as its owner when it
// set the owner's password (passwords: reset, a user this plan creates, with a role on the
// project); where it cannot, the plan's "Will not survive" list says who will own the copy.
const IDENTITY = (passwords: 'reset' | 'skip') => ({ projects: ['demo'], passwords, passwordsFile: 'p.passwords.yaml', location: { file: 'p.yaml', line: 3, col: 5 } });

/** demo's web-1, owned by `owner` (alice unless said otherwise). */
function source(owner = 'alice', extra: InventoryResource[] = []): Inventory {
  const resources = demoSourceResources().map((r) => (r.address === 'server:demo/web-1' ? { ...r, refs: { ...r.refs, owner: `user:${owner}` }, attributes: { ...r.attributes, userId: `id-user-${owner}` } } : r));
  return inventory('source', [...resources, ...extra]);
}

function ownerLosses(plan: DesiredState, src: Inventory, target: Inventory = freshTarget(), applyUser: string | null = 'user:admin'): string[] {
  const selection = resolveSelection(plan, src);
  const changes = diffState({ desired: plan, selection, source: src, target, mappings: {}, ...(applyUser !== null ? { applyUser } : {}) }).changes;
  return (changes.find((c) => c.address === 'server:demo/web-1')?.willNotSurvive ?? []).filter((l) => l.startsWith('owner:'));
}

const web1 = (fields: Partial<DesiredState>) => desired({ ...fields, workloads: [workload(0, { servers: { names: ['web-1'], ids: [], tags: [], hosts: [] } })] });

describe('plan: who owns a server\'s copy', () => {
  test('passwords: reset and an owner this plan creates, with a role on the project: the owner survives', () => {
    assert.deepEqual(ownerLosses(web1({ identity: IDENTITY('reset') }), source()), []);
  });

  test('passwords: skip, or no identity section: the copy is owned by the user apply runs as', () => {
    assert.deepEqual(ownerLosses(web1({ identity: IDENTITY('skip') }), source()), [
      'owner: the copy is owned by admin, not user:alice: Pumphouse sets no password for user:alice (passwords: skip), so it cannot boot the copy as them',
    ]);
    assert.match(ownerLosses(web1({}), source())[0] ?? '', /^owner: the copy is owned by admin, not user:alice: .*\(no spec\.identity\)/);
    assert.match(ownerLosses(web1({}), source(), freshTarget(), null)[0] ?? '', /^owner: the copy is owned by the user apply runs as, not user:alice/);
  });

  test('an owner already on the target, or without a role on the project, cannot boot it', () => {
    const aliceThere = freshTarget([resource('user', 'alice', { id: 't-alice', refs: { domain: 'domain:Default' }, attributes: { enabled: true, email: null, description: '' } })]);
    assert.deepEqual(ownerLosses(web1({ identity: IDENTITY('reset') }), source(), aliceThere), [
      'owner: the copy is owned by admin, not user:alice: user:alice is already on the target and Pumphouse does not know its password',
    ]);
    const dan = resource('user', 'dan', { refs: { domain: 'domain:Default' }, attributes: { enabled: true, email: null, description: '' } });
    assert.deepEqual(ownerLosses(web1({ identity: IDENTITY('reset') }), source('dan', [dan])), [
      'owner: the copy is owned by admin, not user:dan: user:dan has no role on project:demo to boot the copy with',
    ]);
  });

  test('a server the admin booted stays the admin\'s', () => {
    const admin = resource('user', 'admin', { refs: { domain: 'domain:Default' }, attributes: { enabled: true, email: null, description: '' } });
    const target = freshTarget([resource('user', 'admin', { id: 't-admin-user', refs: { domain: 'domain:Default' }, attributes: { enabled: true, email: null, description: '' } })]);
    assert.deepEqual(ownerLosses(web1({ identity: IDENTITY('skip') }), source('admin', [admin]), target), []);
  });

  test('a volume or server group made by someone else: the plan says its copy is made by the user apply runs as', () => {
    // Found by the openstack CLI comparison of the kitchen-sink (test/compare/kitchen-sink-compare): the
    // copies' user_id was apply's user, and the plan did not say so.
    const made = (by: string) => inventory('source', demoSourceResources().map((r) => (r.kind === 'volume' || r.kind === 'server-group' ? { ...r, refs: { ...r.refs, creator: `user:${by}` } } : r)));
    const creatorLosses = (src: Inventory, target = freshTarget()) => {
      const plan = web1({ identity: IDENTITY('reset') });
      const changes = diffState({ desired: plan, selection: resolveSelection(plan, src), source: src, target, mappings: {}, applyUser: 'user:admin' }).changes;
      return changes.flatMap((c) => (c.willNotSurvive ?? []).filter((l) => l.startsWith('creator:')).map((l) => `${c.address}: ${l}`));
    };
    assert.deepEqual(creatorLosses(made('alice')), [
      'volume:demo/web-data: creator: the copy is created by admin, not user:alice: the cloud records whoever creates it, and apply creates it as itself',
      'server-group:demo/web-anti: creator: the copy is created by admin, not user:alice: the cloud records whoever creates it, and apply creates it as itself',
    ]);
    const admin = resource('user', 'admin', { refs: { domain: 'domain:Default' }, attributes: { enabled: true, email: null, description: '' } });
    const target = freshTarget([resource('user', 'admin', { id: 't-admin-user', refs: { domain: 'domain:Default' }, attributes: { enabled: true, email: null, description: '' } })]);
    const byAdmin = inventory('source', [...made('admin').resources, admin]);
    assert.deepEqual(creatorLosses(byAdmin, target), [], 'what the admin made stays the admin\'s');
  });

  test('the apply user\'s address from the target\'s auth', () => {
    assert.equal(applyUserAddress({ username: 'admin', user_domain_name: 'Default' }), 'user:admin');
    assert.equal(applyUserAddress({ username: 'ops', user_domain_id: 'default' }), 'user:ops');
    assert.equal(applyUserAddress({ username: 'ops', user_domain_name: 'partners' }), 'user:partners/ops');
    assert.equal(applyUserAddress({}), undefined);
  });
});
