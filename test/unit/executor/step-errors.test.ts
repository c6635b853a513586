import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateLedger } from '../../../src/apply/ledger.js';
import { isPhCode, PumphouseError } from '../../../src/errors.js';
import { RecordingSink } from '../../../src/events/sink.js';
import { executeSteps } from '../../../src/executor/executor.js';
import { MemoryJournal } from '../../../src/executor/journal.js';
import { isRetryableStepError } from '../../../src/executor/retryable.js';
import type { StepRunner } from '../../../src/executor/runner.js';
import { FuelHttpError } from '../../../src/fuel/errors.js';
import type { Step } from '../../../src/graph/steps.js';
import { HttpConnectionError, HttpError } from '../../../src/http/errors.js';
import { readState, StateStore } from '../../../src/state/store.js';

const REQUEST = { cloud: 'target', service: 'network', method: 'POST', url: 'http://127.0.0.1/x', path: '/x' };

function step(id: string, dependsOn: string[] = []): Step {
  return { id, action: 'create', kind: 'network', address: `network:p/${id}`, dependsOn };
}

/** Runners that fail in run with the given error; steps without one succeed. */
function failingWith(errors: Record<string, unknown>): (s: Step) => StepRunner {
  return (s) => ({
    observe: async () => ({ done: false }),
    async run() {
      if (s.id in errors) throw errors[s.id];
    },
    verify: async () => undefined,
  });
}

function httpError(status: number): HttpError {
  return new HttpError(REQUEST, { status, statusText: 'x', expected: [201] });
}

describe('step errors', () => {
  test('every failure a runner throws reaches the state file with a registered code, and skipped steps say why with one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ph-step-errors-'));
    try {
      const path = join(dir, 'state.json');
      const store = await StateStore.open(path, { command: 'test' });
      const steps = [step('bug'), step('coded'), step('client'), step('after', ['coded'])];
      await executeSteps({
        steps, journal: new StateLedger(store), events: new RecordingSink(), parallelism: 2, maxAttempts: 1,
        runnerFor: failingWith({
          bug: new TypeError('cannot read properties of undefined'),
          coded: new PumphouseError('PH1684', 'network:p/coded: its copy does not carry its mark', { hint: 'tag it' }),
          client: httpError(400),
        }),
      });
      await store.close();
      const written = (await readState(path))!.steps;
      assert.deepEqual(written['bug']?.error, { code: 'PH0001', message: 'cannot read properties of undefined', hint: 'this is a bug in pumphouse: run again with --debug and report the output' });
      assert.deepEqual(written['coded']?.error, { code: 'PH1684', message: 'network:p/coded: its copy does not carry its mark', hint: 'tag it' });
      assert.equal(written['client']?.error?.code, 'PH2100');
      assert.equal(written['after']?.status, 'skipped');
      assert.equal(written['after']?.error?.code, 'PH1682');
      for (const record of Object.values(written)) assert.ok(isPhCode(record.error?.code), JSON.stringify(record));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the failed and skipped events carry the code too', async () => {
    const events = new RecordingSink();
    await executeSteps({
      steps: [step('a'), step('b', ['a'])], journal: new MemoryJournal(), events, parallelism: 1, maxAttempts: 1,
      runnerFor: failingWith({ a: new Error('boom') }),
    });
    assert.deepEqual(events.ofType('step_finished').map((e) => [e.data.step, e.data.outcome, e.data.code]), [['a', 'failed', 'PH0001'], ['b', 'skipped', 'PH1682']]);
  });
});

describe('retryable errors', () => {
  test('the OpenStack client marks 5xx, 429 and 409 retryable, and not 400, 403 or 404', () => {
    for (const status of [500, 503, 429, 409]) assert.equal(isRetryableStepError(httpError(status)), true, String(status));
    for (const status of [400, 403, 404]) assert.equal(isRetryableStepError(httpError(status)), false, String(status));
  });

  test('a refused, reset or timed-out connection is retryable; a wrong host name or certificate is not', () => {
    const connection = (failure: 'refused' | 'reset' | 'timeout' | 'dns' | 'tls' | 'other') => new HttpConnectionError(REQUEST, failure, 'E', 'detail', 1000);
    for (const failure of ['refused', 'reset', 'timeout', 'other'] as const) assert.equal(isRetryableStepError(connection(failure)), true, failure);
    for (const failure of ['dns', 'tls'] as const) assert.equal(isRetryableStepError(connection(failure)), false, failure);
  });

  test('the Fuel client marks its errors by status the same way', () => {
    const fuel = (status: number) => new FuelHttpError({ ...REQUEST, service: 'fuel' }, { status, statusText: 'x', expected: [200] });
    assert.equal(isRetryableStepError(fuel(500)), true);
    assert.equal(isRetryableStepError(fuel(404)), false);
  });

  test('an error is retryable when its code is registered so or when it says so, never otherwise', () => {
    assert.equal(isRetryableStepError(new PumphouseError('PH1652', 'copy went to ERROR')), true, 'registered retryable');
    assert.equal(isRetryableStepError(new PumphouseError('PH1681', 'source server in ERROR', { retryable: false })), false, 'the error knows better');
    assert.equal(isRetryableStepError(new PumphouseError('PH1630', 'went to ERROR')), false);
    assert.equal(isRetryableStepError(Object.assign(new Error('foreign'), { retryable: true })), false, 'only coded errors are retried');
  });
});
