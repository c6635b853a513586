import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyWorld, changeLines, type ApplyWorld } from '../../helpers/apply-world.js';

// Issue "Fidelity": a domain-scoped role grant was not copied. acme-admin administers domain
// `partners` on the source; moving project partners/acme moves her with that role.
describe('domain-scoped grants on the sandbox', () => {
  let world: ApplyWorld;
  before(async () => {
    world = await applyWorld();
  });
  after(async () => world.stop());

  test('a moving user keeps her role on the domain of a moving project; the next plan has no changes', async () => {
    const PLAN = 'identity: { projects: ["partners/acme"], passwords: reset }\n';
    const plan = await world.plan(PLAN);
    assert.ok(changeLines(plan).includes('create role-assignment:domain:partners/partners/acme-admin/admin'), changeLines(plan).join('\n'));
    const report = await world.apply(plan);
    assert.equal(report.counts.failed, 0, JSON.stringify(report.problems));
    const target = world.sandbox.clouds.target.store;
    const partners = target.domainByName('partners')!;
    const acmeAdmin = target.users.all().find((u) => u.name === 'acme-admin')!;
    const admin = target.roles.by('name', 'admin')[0]!;
    assert.deepEqual(target.roleIdsOn(acmeAdmin.id, { domainId: partners.id }), [admin.id]);
    assert.deepEqual(changeLines(await world.plan(PLAN)), []);
  });
});
