import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UnsupportedStepError } from '../../../src/executor/runner.js';
import type { InventoryResource } from '../../../src/inventory/model.js';
import type { QuotaOps, SecurityGroupRuleOps } from '../../../src/migrate/adapters.js';
import { quotaRunner } from '../../../src/migrate/quotas.js';
import { syncRulesRunner } from '../../../src/migrate/security-group-rules.js';
import { type Updater, updateRunner } from '../../../src/migrate/updates.js';
import { FakeStepContext, fakeContext, httpError, mappedExcept } from '../../helpers/fake-migrate.js';
import { demoSourceResources } from '../../helpers/small-inventory.js';

// The update, quota and sync-rules runners over fakes: what they write, and when they fail.

const code = (error: unknown): string | undefined => (error as { code?: string }).code;

describe('update step', () => {
  const ALICE = 'user:alice';
  function setUp(kind: 'user' | 'flavor' = 'user') {
    const address = kind === 'user' ? ALICE : 'flavor:m1.small';
    const resources = demoSourceResources().map((r) => (r.address === ALICE ? { ...r, attributes: { ...r.attributes, description: 'the operator' } } : r));
    const { m } = fakeContext({
      resources, mappings: mappedExcept(resources, 'user'),
      change: {
        address, kind, action: 'update', target: { address, id: 't-alice', matchedBy: 'mark' },
        differences: [{ path: 'attributes.description', before: 'someone', after: 'the operator' }, { path: 'refs.defaultProject', before: null, after: 'project:demo' }],
      },
    });
    // The target's copy of alice, as it is before the update.
    const copy: Record<string, unknown> = { ...(m.sourceObject(ALICE).attributes), description: 'someone' };
    const writes: Array<{ id: string; after: Record<string, unknown>; refs: readonly string[] }> = [];
    const user: Updater = async (_m, id, after, _sourceId, details) => {
      writes.push({ id, after, refs: details.refs });
      Object.assign(copy, after);
    };
    const read = async (source: InventoryResource, id: string): Promise<InventoryResource> => ({ ...source, id, attributes: { ...copy } });
    const ctx = FakeStepContext.of('update', kind, address);
    return { m, copy, writes, ctx, runner: updateRunner(m, { user }, read) };
  }

  test('writes exactly the attributes and references the diff found different, to the matched copy, then reads it back', async () => {
    const { writes, ctx, runner } = setUp();
    assert.deepEqual(await runner.observe(ctx), { done: false }, 'an update has nothing to observe');
    assert.deepEqual(await runner.run(ctx), { targetId: 't-alice' });
    assert.deepEqual(writes, [{ id: 't-alice', after: { description: 'the operator' }, refs: ['defaultProject'] }]);
    await runner.verify(ctx);
  });

  test('an update the target did not keep fails verify with PH1632', async () => {
    const { copy, ctx, runner } = setUp();
    await runner.run(ctx);
    copy['description'] = 'someone';
    await assert.rejects(runner.verify(ctx), (error) => code(error) === 'PH1632' && /attributes\.description/.test((error as Error).message));
  });

  test('a kind without an updater is not supported, and says how to go on', async () => {
    const { ctx, runner } = setUp('flavor');
    await assert.rejects(runner.run(ctx), (error) => error instanceof UnsupportedStepError && /--exclude flavor:m1.small/.test(error.hint));
  });
});

describe('quota step', () => {
  const QUOTA = 'quota:demo/compute';
  function setUp(limits: Record<string, unknown>, options: { clamp?: number } = {}) {
    const resources = demoSourceResources().map((r) => (r.address === QUOTA ? { ...r, attributes: { service: 'compute', limits } } : r));
    const { m } = fakeContext({ resources, mappings: mappedExcept(resources, 'quota'), change: { address: QUOTA, kind: 'quota', action: 'update' } });
    const target: Record<string, Record<string, unknown>> = { 't-project:demo': { instances: 10, cores: 20, ram: 51200, fixed_ips: -1 } };
    const sets: Array<Record<string, number>> = [];
    const quotas: QuotaOps = {
      limits: async (_service, projectId) => ({ ...target[projectId] }),
      setLimits: async (_service, projectId, wanted) => {
        sets.push(wanted);
        // A target that keeps at most `clamp` cores.
        const kept = options.clamp === undefined ? wanted : { ...wanted, cores: Math.min(wanted['cores'] ?? 0, options.clamp) };
        Object.assign(target[projectId] as object, kept);
      },
    };
    return { target, sets, ctx: FakeStepContext.of('update', 'quota', QUOTA), runner: quotaRunner(m, quotas) };
  }

  test('equal limits are observed done; different ones are set, only the keys the API accepts', async () => {
    assert.deepEqual(await setUp({ instances: 10, cores: 20 }).runner.observe(FakeStepContext.of('update', 'quota', QUOTA)), { done: true });
    const { target, sets, ctx, runner } = setUp({ instances: 25, cores: 20, fixed_ips: 5 });
    assert.deepEqual(await runner.observe(ctx), { done: false });
    await runner.run(ctx);
    assert.deepEqual(sets, [{ instances: 25, cores: 20 }], 'fixed_ips is no longer settable: never sent');
    assert.equal(target['t-project:demo']?.['instances'], 25);
    await runner.verify(ctx);
  });

  test('limits the target did not keep fail verify', async () => {
    const { ctx, runner } = setUp({ instances: 10, cores: 64 }, { clamp: 32 });
    await runner.run(ctx);
    await assert.rejects(runner.verify(ctx), /limits still differ/);
  });
});

describe('sync-rules step', () => {
  const WEB = 'security-group:demo/web';
  const RULES = [
    { direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portRangeMin: 80, portRangeMax: 80, remoteIpPrefix: '0.0.0.0/0', remoteGroup: null, description: 'http' },
    { direction: 'ingress', ethertype: 'IPv4', protocol: null, portRangeMin: null, portRangeMax: null, remoteIpPrefix: null, remoteGroup: 'security-group:demo/db', description: '' },
  ];
  const egress = (id: string, ethertype: 'IPv4' | 'IPv6') => ({ id, direction: 'egress' as const, ethertype, protocol: null, port_range_min: null, port_range_max: null, remote_ip_prefix: null, remote_group_id: null, description: '' });

  function setUp() {
    const resources = demoSourceResources().map((r) => (r.address === WEB ? { ...r, attributes: { ...r.attributes, rules: RULES } } : r));
    const { m } = fakeContext({ resources, mappings: { ...mappedExcept(resources, 'security-group'), [WEB]: 't-web', 'security-group:demo/db': 't-db' }, change: { address: WEB, kind: 'security-group', action: 'create' } });
    const log: string[] = [];
    // What Neutron gives a new group (two egress rules), and the http rule with an older description.
    const rules = [egress('e4', 'IPv4'), egress('e6', 'IPv6'), { ...egress('old-http', 'IPv4'), direction: 'ingress' as const, protocol: 'tcp', port_range_min: 80, port_range_max: 80, remote_ip_prefix: '0.0.0.0/0', description: 'web' }];
    let next = 0;
    let failCreate: Error | undefined;
    const ops: SecurityGroupRuleOps = {
      group: async (id) => ({ id, project_id: 't-project:demo', security_group_rules: structuredClone(rules) }),
      createRule: async (rule) => {
        log.push(`create ${rule.protocol ?? 'any'} ${rule.remote_group_id ?? rule.remote_ip_prefix} in ${rule.security_group_id} of ${rule.project_id}`);
        if (failCreate) throw failCreate;
        const { security_group_id: _g, project_id: _p, ...fields } = rule;
        rules.push({ ...egress(`new-${++next}`, 'IPv4'), ...fields } as (typeof rules)[number]);
      },
      removeRule: async (id) => {
        log.push(`remove ${id}`);
        rules.splice(rules.findIndex((r) => r.id === id), 1);
      },
    };
    const read = async (source: InventoryResource, id: string): Promise<InventoryResource> => ({ ...source, id });
    return { log, rules, ops, ctx: FakeStepContext.of('sync-rules', 'security-group', WEB), runner: syncRulesRunner(m, ops, read), fail: (e: Error) => (failCreate = e) };
  }

  test("makes the rules exactly the source's: a changed description replaced (removed first), the extras removed last", async () => {
    const { log, rules, ctx, runner } = setUp();
    assert.deepEqual(await runner.observe(ctx), { done: false });
    await runner.run(ctx);
    assert.deepEqual(log, [
      'remove old-http',
      'create tcp 0.0.0.0/0 in t-web of t-project:demo',
      'create any t-db in t-web of t-project:demo',
      'remove e4',
      'remove e6',
    ]);
    assert.deepEqual(rules.map((r) => r.description).sort(), ['', 'http']);
    assert.deepEqual(await runner.observe(ctx.next()), { done: true });
    await runner.verify(ctx);
  });

  test('a rule that exists already (409: an earlier attempt lost its answer) is no error; another failure is', async () => {
    const first = setUp();
    first.fail(httpError(409, '/security-group-rules'));
    await first.runner.run(first.ctx);
    const second = setUp();
    second.fail(httpError(404, '/security-group-rules'));
    await assert.rejects(second.runner.run(second.ctx), (error) => (error as { status?: number }).status === 404);
  });
});
