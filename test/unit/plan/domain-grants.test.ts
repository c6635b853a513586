import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSelection } from '../../../src/desired/resolve.js';
import { demoSourceResources, desired, inventory, resource, workload } from '../../helpers/small-inventory.js';

// Issue "Fidelity": a domain-scoped role grant was not copied. A user who moves keeps their roles
// on domains (bringing a domain nothing else moves); inherited ones are not copied as plain ones.
const grant = (path: string, user: string, domain: string, role: string, inherited = false) =>
  resource('role-assignment', path, { refs: { user, domain, role }, attributes: { scope: 'domain', inherited } });

function source() {
  return inventory('source', [
    ...demoSourceResources(),
    resource('domain', 'partners', { id: 'partners' }),
    resource('role', 'reader'),
    resource('role', 'admin'),
    resource('user', 'bob', { refs: { domain: 'domain:Default' }, attributes: { enabled: true, email: null, description: '' } }),
    grant('domain:Default/alice/reader', 'user:alice', 'domain:Default', 'role:reader'),
    grant('domain:Default/alice/admin', 'user:alice', 'domain:Default', 'role:admin', true),
    grant('domain:partners/alice/admin', 'user:alice', 'domain:partners', 'role:admin'),
    grant('domain:Default/bob/reader', 'user:bob', 'domain:Default', 'role:reader'),
  ]);
}

describe('resolution: domain-scoped grants', () => {
  test('identity: a moving user brings their role on the domain of a moving project, with the role', () => {
    const sel = resolveSelection(desired({ identity: { projects: ['demo'], passwords: 'reset', passwordsFile: 'p.passwords.yaml', location: { file: 'p.yaml', line: 3, col: 5 } } }), source());
    const byAddress = new Map(sel.resources.map((r) => [r.address, r]));
    assert.equal(byAddress.get('role-assignment:domain:Default/alice/reader')?.reason, 'domain role of user:alice');
    assert.ok(byAddress.has('role:reader'), 'the grant brings its role');
    assert.ok(byAddress.has('role-assignment:domain:partners/alice/admin'), 'a role on a domain nothing else moves comes too');
    assert.ok(byAddress.has('domain:partners'), '… with its domain');
    assert.ok(!byAddress.has('role-assignment:domain:Default/alice/admin'), 'an inherited grant is not copied as a plain one');
    assert.ok(!byAddress.has('role-assignment:domain:Default/bob/reader'), 'a user who does not move brings nothing');
  });

  test('a workload: the owner of a moving server brings their domain role too', () => {
    const sel = resolveSelection(desired({ workloads: [workload(0, { servers: { names: ['web-1'], ids: [], tags: [], hosts: [] } })] }), source());
    assert.ok(sel.resources.some((r) => r.address === 'role-assignment:domain:Default/alice/reader'));
  });
});
