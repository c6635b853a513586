import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingSink } from '../../../src/events/sink.js';
import { executeSteps } from '../../../src/executor/executor.js';
import { MemoryJournal } from '../../../src/executor/journal.js';
import { Limits } from '../../../src/executor/limits.js';
import type { StepRunner } from '../../../src/executor/runner.js';
import type { Step } from '../../../src/graph/steps.js';
import { HttpError } from '../../../src/openstack/index.js';

function step(id: string, dependsOn: string[] = []): Step {
  return { id, action: 'create', kind: 'network', address: `network:p/${id}`, dependsOn };
}

/** A world of "objects" the runners create, with hooks to make a step fail or stall. */
function world(options: { failing?: Record<string, unknown[]>; delayMs?: number } = {}) {
  const created = new Map<string, number>();
  const order: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const runner = (s: Step): StepRunner => ({
    async observe() {
      return created.has(s.id) ? { done: true } : { done: false };
    },
    async run() {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      try {
        await new Promise((r) => setTimeout(r, options.delayMs ?? 1));
        const errors = options.failing?.[s.id];
        if (errors && errors.length > 0) throw errors.shift();
        created.set(s.id, (created.get(s.id) ?? 0) + 1);
        order.push(s.id);
      } finally {
        running -= 1;
      }
    },
    async verify() {
      if (!created.has(s.id)) throw new Error(`${s.id} not there`);
    },
  });
  return { created, order, runner, maxRunning: () => maxRunning };
}

const serverError = (): HttpError => new HttpError(
  { cloud: 'target', service: 'network', method: 'POST', url: 'http://127.0.0.1/x', path: '/x' },
  { status: 503, statusText: 'Service Unavailable', expected: [201], requestId: 'req-1', serverMessage: 'busy' },
);

describe('executor', () => {
  test('runs every step once, each after what it depends on', async () => {
    const steps = [step('a'), step('b', ['a']), step('c', ['a']), step('d', ['b', 'c'])];
    const w = world();
    const result = await executeSteps({ steps, runnerFor: w.runner, journal: new MemoryJournal(), events: new RecordingSink(), parallelism: 4 });
    assert.deepEqual([...w.created.values()], [1, 1, 1, 1]);
    assert.equal(w.order[0], 'a');
    assert.equal(w.order[3], 'd');
    assert.deepEqual([...result.outcomes.values()], ['done', 'done', 'done', 'done']);
    assert.equal(result.interrupted, false);
  });

  test('a failed step skips what needs it, and independent steps go on', async () => {
    const steps = [step('a'), step('b', ['a']), step('c', ['b']), step('x')];
    const w = world({ failing: { a: [new Error('boom')] } });
    const events = new RecordingSink();
    const journal = new MemoryJournal();
    const result = await executeSteps({ steps, runnerFor: w.runner, journal, events, parallelism: 2 });
    assert.equal(result.outcomes.get('a'), 'failed');
    assert.equal(result.outcomes.get('b'), 'skipped');
    assert.equal(result.outcomes.get('c'), 'skipped');
    assert.equal(result.outcomes.get('x'), 'done');
    assert.match(result.errors.get('c')?.message ?? '', /upstream failed: a/);
    assert.equal(journal.get('a')?.status, 'failed');
    assert.equal(journal.get('a')?.error?.message, 'boom');
    assert.equal(events.ofType('step_finished').filter((e) => e.data.outcome === 'skipped').length, 2);
  });

  test('retryable errors are retried with observe first; others fail at once', async () => {
    const steps = [step('a'), step('b')];
    const w = world({ failing: { a: [serverError(), serverError()], b: [new Error('bad input')] } });
    const events = new RecordingSink();
    const result = await executeSteps({ steps, runnerFor: w.runner, journal: new MemoryJournal(), events, parallelism: 2, retryBaseMs: 1 });
    assert.equal(result.outcomes.get('a'), 'done');
    assert.equal(result.outcomes.get('b'), 'failed');
    assert.equal(events.ofType('step_retry').length, 2);
    assert.ok(events.ofType('step_retry').every((e) => e.data.step === 'a'));
    assert.deepEqual(events.ofType('step_retry').map((e) => e.data.code), ['PH2100', 'PH2100'], 'a retry names the code of what failed');
  });

  test('parallelism bounds the steps running at once', async () => {
    const steps = Array.from({ length: 20 }, (_, i) => step(`s${i}`));
    const w = world({ delayMs: 5 });
    await executeSteps({ steps, runnerFor: w.runner, journal: new MemoryJournal(), events: new RecordingSink(), parallelism: 3 });
    assert.equal(w.maxRunning(), 3);
    assert.equal(w.created.size, 20);
  });

  test('named limits hold steps of one host to its capacity', async () => {
    const steps = Array.from({ length: 8 }, (_, i) => step(`s${i}`));
    const w = world({ delayMs: 5 });
    let onHost = 0;
    let maxOnHost = 0;
    const runnerFor = (s: Step): StepRunner => {
      const inner = w.runner(s);
      return { ...inner, run: async (ctx) => {
        onHost += 1;
        maxOnHost = Math.max(maxOnHost, onHost);
        try {
          await inner.run(ctx);
        } finally {
          onHost -= 1;
        }
      } };
    };
    await executeSteps({ steps, runnerFor, journal: new MemoryJournal(), events: new RecordingSink(), parallelism: 8, limitsOf: () => ['host:cmp-1'], capacities: new Map([['host:*', 2]]) });
    assert.equal(maxOnHost, 2);
  });

  test('--fail-fast starts nothing after the first failure', async () => {
    const steps = [step('a'), step('b', ['a']), step('z')];
    const w = world({ failing: { a: [new Error('boom')] } });
    const result = await executeSteps({ steps, runnerFor: w.runner, journal: new MemoryJournal(), events: new RecordingSink(), parallelism: 1, failFast: true });
    assert.equal(result.outcomes.get('a'), 'failed');
    assert.equal(result.outcomes.get('z'), 'pending');
    assert.equal(result.interrupted, true);
  });

  test('a stop lets running steps finish and leaves the rest pending; a resume does only the rest', async () => {
    const steps = Array.from({ length: 6 }, (_, i) => step(`s${i}`, i > 0 ? [`s${i - 1}`] : []));
    const w = world({ delayMs: 2 });
    const journal = new MemoryJournal();
    const stop = new AbortController();
    const events = new RecordingSink();
    const runnerFor = (s: Step): StepRunner => {
      const inner = w.runner(s);
      return { ...inner, run: async (ctx) => {
        await inner.run(ctx);
        if (s.id === 's2') stop.abort();
      } };
    };
    const first = await executeSteps({ steps, runnerFor, journal, events, parallelism: 2, stop: stop.signal });
    assert.equal(first.interrupted, true);
    assert.deepEqual(w.order, ['s0', 's1', 's2']);
    const second = await executeSteps({ steps, runnerFor: w.runner, journal, events: new RecordingSink(), parallelism: 2 });
    assert.equal(second.interrupted, false);
    assert.equal(second.outcomes.get('s0'), 'already-done');
    assert.deepEqual([...w.created.values()], [1, 1, 1, 1, 1, 1]);
  });

  test('a step found done by observe is not run again (a crash after the create)', async () => {
    const steps = [step('a')];
    const w = world();
    w.created.set('a', 1); // made by an attempt the journal never heard the end of
    const journal = new MemoryJournal();
    await journal.record('a', { status: 'running', attempts: 1 });
    const result = await executeSteps({ steps, runnerFor: w.runner, journal, events: new RecordingSink(), parallelism: 1 });
    assert.equal(result.outcomes.get('a'), 'already-done');
    assert.equal(w.created.get('a'), 1);
    assert.equal(journal.get('a')?.attempts, 2);
  });

  test('checkpoints survive between attempts and onFailed runs once when the step gives up', async () => {
    const steps = [step('a')];
    const journal = new MemoryJournal();
    let failedCalls = 0;
    const seen: unknown[] = [];
    const runner: StepRunner = {
      observe: async () => ({ done: false }),
      run: async (ctx) => {
        seen.push(ctx.checkpoint?.['phase']);
        await ctx.saveCheckpoint({ phase: `after attempt ${ctx.attempt}` });
        throw serverError();
      },
      verify: async () => undefined,
      onFailed: async () => {
        failedCalls += 1;
      },
    };
    const result = await executeSteps({ steps, runnerFor: () => runner, journal, events: new RecordingSink(), parallelism: 1, retryBaseMs: 1, maxAttempts: 3 });
    assert.equal(result.outcomes.get('a'), 'failed');
    assert.deepEqual(seen, [undefined, 'after attempt 1', 'after attempt 2']);
    assert.equal(failedCalls, 1);
  });
});

describe('limits', () => {
  test('takes all names or none, and host:* caps every host', () => {
    const limits = new Limits(new Map([['host:*', 1], ['image', 2]]));
    assert.equal(limits.tryAcquire(['host:a', 'image']), true);
    assert.equal(limits.tryAcquire(['host:a']), false);
    assert.equal(limits.tryAcquire(['host:b', 'image']), true);
    assert.equal(limits.tryAcquire(['host:c', 'image']), false, 'image is full');
    assert.equal(limits.tryAcquire(['host:c']), true, 'nothing was held by the refused call');
    limits.release(['host:a', 'image']);
    assert.equal(limits.tryAcquire(['host:a', 'image']), true);
    assert.equal(limits.tryAcquire(['unlimited']), true);
  });
});
