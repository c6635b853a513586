import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InventoryResource } from '../../../src/inventory/model.js';
import { type CopyKind, copyRunner } from '../../../src/migrate/copy.js';
import { FakeStepContext, fakeContext, mappedExcept } from '../../helpers/fake-migrate.js';
import { demoSourceResources } from '../../helpers/small-inventory.js';

// The create steps' runner (src/migrate/copy.ts) with a kind over an in-memory target: find,
// create once, complete every time, and verify by reading the copy back.

const FLAVOR = 'flavor:m1.small';
const GROUP = 'security-group:demo/web';

/** A target of one kind's copies, by id; `keeps: false` drops what the create asked for some attribute. */
class FakeKind implements CopyKind {
  readonly copies = new Map<string, { name: string; attributes: Record<string, unknown>; parts: number }>();
  readonly calls: string[] = [];
  dropOnCreate: string[] = [];
  complete?: CopyKind['complete'];
  constructor(withParts: boolean) {
    if (withParts) this.complete = async (_m, _source, targetId) => this.completeCopy(targetId);
  }
  async find(_m: unknown, source: InventoryResource): Promise<string | undefined> {
    this.calls.push('find');
    return [...this.copies.entries()].find(([, copy]) => copy.name === source.name)?.[0];
  }
  async create(_m: unknown, source: InventoryResource): Promise<string> {
    this.calls.push('create');
    const id = `copy-${this.copies.size + 1}`;
    const attributes = { ...source.attributes };
    for (const key of this.dropOnCreate) delete attributes[key];
    this.copies.set(id, { name: source.name, attributes, parts: 0 });
    return id;
  }
  private completeCopy(targetId: string): void {
    this.calls.push(`complete ${targetId}`);
    (this.copies.get(targetId) as { parts: number }).parts++;
  }
  /** The copy as the kind's collector would describe it, in the source's terms. */
  readonly read = async (source: InventoryResource, id: string): Promise<InventoryResource | undefined> => {
    const copy = this.copies.get(id);
    return copy ? { ...source, id, name: copy.name, attributes: copy.attributes } : undefined;
  };
  get verify(): CopyKind['verify'] {
    return this.refuse ? () => {
      throw new Error('the copy carries no mark');
    } : undefined;
  }
  refuse = false;
}

function setUp(address: string, options: { parts?: boolean; action?: 'create' | 'sync-rules' } = {}) {
  const resources = demoSourceResources();
  const { m } = fakeContext({ resources, mappings: mappedExcept(resources, 'flavor', 'security-group'), change: { address, kind: address.startsWith('flavor') ? 'flavor' : 'security-group', action: 'create' } });
  const kind = new FakeKind(options.parts ?? false);
  const ctx = new FakeStepContext({ id: `create:${address}`, action: options.action ?? 'create', kind: address.startsWith('flavor') ? 'flavor' : 'security-group', address, dependsOn: [] });
  return { m, kind, ctx, runner: copyRunner(m, kind, kind.read) };
}

const code = (error: unknown): string | undefined => (error as { code?: string }).code;

describe('create step (copyRunner)', () => {
  test('creates the copy once and records its id; the next observe finds it done', async () => {
    const { m, kind, ctx, runner } = setUp(FLAVOR);
    assert.deepEqual(await runner.observe(ctx), { done: false });
    assert.deepEqual(await runner.run(ctx), { targetId: 'copy-1' });
    await runner.verify(ctx);
    assert.equal(m.ledger.mapping(FLAVOR), 'copy-1');
    assert.deepEqual(await runner.observe(ctx.next()), { done: true, targetId: 'copy-1' });
    await runner.run(ctx.next());
    assert.equal(kind.calls.filter((c) => c === 'create').length, 1, 'a repeated run finds the copy instead of making another');
  });

  test('a copy found with the state lost is adopted and its mapping recorded', async () => {
    const { m, kind, ctx, runner } = setUp(FLAVOR);
    kind.copies.set('made-earlier', { name: 'm1.small', attributes: { ...m.sourceObject(FLAVOR).attributes }, parts: 0 });
    assert.deepEqual(await runner.observe(ctx), { done: true, targetId: 'made-earlier' });
    assert.equal(m.ledger.mapping(FLAVOR), 'made-earlier');
  });

  test('a kind with parts is never observed done: each run completes the copy, found or new', async () => {
    const { kind, ctx, runner } = setUp(FLAVOR, { parts: true });
    await runner.run(ctx);
    assert.deepEqual(await runner.observe(ctx.next()), { done: false }, 'a kill between create and parts must not leave it half made');
    await runner.run(ctx.next());
    assert.deepEqual(kind.calls.filter((c) => c !== 'find'), ['create', 'complete copy-1', 'complete copy-1']);
    assert.equal(kind.copies.get('copy-1')?.parts, 2);
  });

  test('a copy the target did not keep as asked fails verify with PH1632, naming the field', async () => {
    const { kind, ctx, runner } = setUp(FLAVOR);
    kind.dropOnCreate = ['ramMb'];
    await runner.run(ctx);
    await assert.rejects(runner.verify(ctx), (error) => code(error) === 'PH1632' && /attributes\.ramMb: the target has null, the source 2048/.test((error as Error).message));
  });

  test('a copy gone after the step fails verify with PH1633; none at all fails too', async () => {
    const { kind, ctx, runner } = setUp(FLAVOR);
    await runner.run(ctx);
    kind.copies.clear();
    await assert.rejects(runner.verify(ctx), (error) => code(error) === 'PH1633', 'mapped but gone');
    const fresh = setUp(FLAVOR);
    await assert.rejects(fresh.runner.verify(fresh.ctx), /not on the target after the step/);
  });

  test("the kind's own check runs on the read-back copy", async () => {
    const { kind, ctx, runner } = setUp(FLAVOR);
    await runner.run(ctx);
    kind.refuse = true;
    await assert.rejects(runner.verify(ctx), /carries no mark/);
  });

  test("a security group's create leaves its rules to sync-rules; sync-rules' verify does not", async () => {
    const created = setUp(GROUP);
    created.kind.dropOnCreate = ['rules'];
    await created.runner.run(created.ctx);
    await created.runner.verify(created.ctx);
    const synced = setUp(GROUP, { action: 'sync-rules' });
    synced.kind.dropOnCreate = ['rules'];
    await synced.runner.run(synced.ctx);
    await assert.rejects(synced.runner.verify(synced.ctx), (error) => code(error) === 'PH1632' && /attributes\.rules/.test((error as Error).message));
  });
});
