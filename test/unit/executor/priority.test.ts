import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingSink } from '../../../src/events/sink.js';
import { type ExecuteOptions, executeSteps } from '../../../src/executor/executor.js';
import { MemoryJournal } from '../../../src/executor/journal.js';
import type { StepRunner } from '../../../src/executor/runner.js';
import type { Step } from '../../../src/graph/steps.js';

// Which downtime step goes first: among the ready ones that fit their limits, the one with the
// smallest priority (apply gives each its estimated downtime), so that with streams sharing one
// link the sum of the downtimes is smallest. Other steps keep the order they became ready in.

function step(id: string, dependsOn: string[] = []): Step {
  return { id, action: 'migrate-server', kind: 'server', address: `server:p/${id}`, dependsOn };
}

type Options = Pick<ExecuteOptions, 'limitsOf' | 'capacities' | 'phaseOf' | 'priorityOf'> & { parallelism?: number };

/** Runs `steps`, each taking `ms[id]` (default 5), and returns the order they started in. */
async function startOrder(steps: Step[], options: Options, ms: Record<string, number> = {}): Promise<string[]> {
  const started: string[] = [];
  const runnerFor = (s: Step): StepRunner => ({
    observe: async () => ({ done: false }),
    run: async () => {
      started.push(s.id);
      await new Promise((r) => setTimeout(r, ms[s.id] ?? 5));
    },
    verify: async () => undefined,
  });
  const result = await executeSteps({ steps, runnerFor, journal: new MemoryJournal(), events: new RecordingSink(), ...options, parallelism: options.parallelism ?? 8 });
  assert.equal(result.interrupted, false);
  return started;
}

const SIZES: Record<string, number> = { big: 4, mid: 2, small: 1 };
const byName = (table: Record<string, number>) => (s: Step) => table[s.id] ?? 0;
const oneCopy = { limitsOf: () => ['copies'], capacities: new Map([['copies', 1]]) };

describe('downtime steps by priority', () => {
  test('listed largest first, they start smallest first when they wait for one copy slot', async () => {
    const order = await startOrder([step('big'), step('mid'), step('small')], { ...oneCopy, phaseOf: () => 'downtime', priorityOf: byName(SIZES) });
    assert.deepEqual(order, ['small', 'mid', 'big']);
  });

  test('without priorities they start in the order they are listed', async () => {
    const order = await startOrder([step('big'), step('mid'), step('small')], { ...oneCopy, phaseOf: () => 'downtime' });
    assert.deepEqual(order, ['big', 'mid', 'small']);
  });

  test('equal priorities keep the listed order', async () => {
    const order = await startOrder([step('b'), step('a'), step('c')], { ...oneCopy, phaseOf: () => 'downtime', priorityOf: () => 7 });
    assert.deepEqual(order, ['b', 'a', 'c']);
  });

  test('steps that are not downtime steps are not reordered', async () => {
    const order = await startOrder([step('big'), step('mid'), step('small')], { ...oneCopy, priorityOf: byName(SIZES) });
    assert.deepEqual(order, ['big', 'mid', 'small']);
  });

  test('a step whose limits are full does not hold back a longer one that fits', async () => {
    // small's host is busy with `hog` (not a downtime step); big, on another host, goes meanwhile.
    const hosts: Record<string, string[]> = { hog: ['host:a'], small: ['host:a'], big: ['host:b'] };
    const order = await startOrder([step('hog'), step('big'), step('small')], {
      limitsOf: (s) => hosts[s.id] ?? [], capacities: new Map([['host:*', 1]]),
      phaseOf: (s) => (s.id === 'hog' ? undefined : 'downtime'), priorityOf: byName(SIZES),
    }, { hog: 40 });
    assert.deepEqual(order, ['hog', 'big', 'small']);
  });

  test('the priority does not let a downtime step start before the early steps are over', async () => {
    const order = await startOrder([step('image'), step('big'), step('small')], {
      phaseOf: (s) => (s.id === 'image' ? 'early' : 'downtime'), priorityOf: byName({ ...SIZES, image: 99 }),
    }, { image: 30 });
    assert.deepEqual(order, ['image', 'small', 'big']);
  });

  test('a step becoming ready later still goes before longer ones waiting for the slot', async () => {
    // `first` holds the slot; `late` becomes ready once `gate` is done, before the slot frees.
    const order = await startOrder([step('first'), step('gate'), step('big'), step('late', ['gate'])], {
      limitsOf: (s) => (s.id === 'gate' ? [] : ['copies']), capacities: new Map([['copies', 1]]),
      phaseOf: (s) => (s.id === 'gate' ? undefined : 'downtime'), priorityOf: byName({ first: 0, big: 4, late: 1 }),
    }, { first: 40 });
    assert.deepEqual(order, ['first', 'gate', 'late', 'big']);
  });
});

/**
 * A link of rate 1 shared equally by the transfers on it (as the sandbox's and a real storage
 * network's), in virtual time: it advances to the next transfer's end once the event loop is
 * idle, i.e. once the executor has started whatever it would start at this instant.
 */
class SharedLink {
  now = 0;
  private readonly active: Array<{ left: number; done: () => void }> = [];
  private scheduled = false;

  transfer(amount: number): Promise<void> {
    return new Promise((done) => {
      this.active.push({ left: amount, done });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.advance();
    });
  }

  private advance(): void {
    if (this.active.length === 0) return;
    const next = Math.min(...this.active.map((t) => t.left));
    this.now += next * this.active.length;
    for (const t of this.active) t.left -= next;
    for (const t of this.active.filter((x) => x.left <= 1e-9)) {
      this.active.splice(this.active.indexOf(t), 1);
      t.done();
    }
    if (this.active.length > 0) this.schedule();
  }
}

/** Each step streams its size over one shared link, two at once; the sum of the steps' durations. */
async function sumOfDowntimes(priorityOf?: (s: Step) => number): Promise<{ sum: number; each: Record<string, number> }> {
  const link = new SharedLink();
  const each: Record<string, number> = {};
  const runnerFor = (s: Step): StepRunner => ({
    observe: async () => ({ done: false }),
    run: async () => {
      const start = link.now;
      await link.transfer(SIZES[s.id] ?? 0);
      each[s.id] = link.now - start;
    },
    verify: async () => undefined,
  });
  await executeSteps({
    steps: [step('big'), step('mid'), step('small')], runnerFor, journal: new MemoryJournal(), events: new RecordingSink(), parallelism: 8,
    limitsOf: () => ['copies'], capacities: new Map([['copies', 2]]), phaseOf: () => 'downtime', ...(priorityOf ? { priorityOf } : {}),
  });
  return { sum: Object.values(each).reduce((a, b) => a + b, 0), each };
}

describe('shortest first on a shared link', () => {
  test('the sum of the downtimes is smaller shortest-first than in the listed (largest-first) order', async () => {
    const listed = await sumOfDowntimes();
    const shortest = await sumOfDowntimes(byName(SIZES));
    // Listed: big and mid share the link (mid ends at 4), then small with big (ends at 6), big alone to 7.
    assert.deepEqual(listed.each, { big: 7, mid: 4, small: 2 });
    // Shortest first: small and mid share (small ends at 2), mid with big (ends at 4), big alone to 7.
    assert.deepEqual(shortest.each, { small: 2, mid: 4, big: 5 });
    assert.ok(shortest.sum < listed.sum, `${shortest.sum} < ${listed.sum}`);
  });
});
