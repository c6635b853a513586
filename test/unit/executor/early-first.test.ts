import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingSink } from '../../../src/events/sink.js';
import { executeSteps } from '../../../src/executor/executor.js';
import { MemoryJournal } from '../../../src/executor/journal.js';
import type { StepRunner } from '../../../src/executor/runner.js';
import type { Step } from '../../../src/graph/steps.js';
import { ASSUMED, calibrate } from '../../../src/diff/estimate.js';

// What can leave before any downtime does: the executor holds downtime steps until the early
// ones are over (those that wait on a downtime step excepted, or nothing would ever start).

function step(id: string, dependsOn: string[] = []): Step {
  return { id, action: 'create', kind: 'network', address: `network:p/${id}`, dependsOn };
}

async function run(steps: Step[], phases: Record<string, 'early' | 'downtime'>, delays: Record<string, number> = {}): Promise<Array<[string, string]>> {
  const log: Array<[string, string]> = [];
  const runnerFor = (s: Step): StepRunner => ({
    observe: async () => ({ done: false }),
    run: async () => {
      log.push(['start', s.id]);
      await new Promise((r) => setTimeout(r, delays[s.id] ?? 5));
      log.push(['end', s.id]);
    },
    verify: async () => undefined,
  });
  const result = await executeSteps({ steps, runnerFor, journal: new MemoryJournal(), events: new RecordingSink(), parallelism: 8, phaseOf: (s) => phases[s.id] });
  assert.equal(result.interrupted, false);
  return log;
}

const at = (log: Array<[string, string]>, what: string, id: string): number => log.findIndex(([w, i]) => w === what && i === id);

describe('early steps before downtime', () => {
  test('a downtime step that is ready waits for a slow early copy to finish', async () => {
    const log = await run([step('image'), step('cold-server'), step('precopy'), step('cutover', ['precopy'])], { image: 'early', precopy: 'early', 'cold-server': 'downtime', cutover: 'downtime' }, { image: 60 });
    assert.ok(at(log, 'start', 'cold-server') > at(log, 'end', 'image'), 'the cold server stops only after the image copy');
    assert.ok(at(log, 'start', 'cutover') > at(log, 'end', 'image'));
  });

  test('an early step that needs a downtime step does not hold the downtimes back (no deadlock)', async () => {
    const log = await run([step('cold-server'), step('after', ['cold-server'])], { 'cold-server': 'downtime', after: 'early' });
    assert.ok(at(log, 'end', 'after') > at(log, 'end', 'cold-server'));
  });
});

describe('downtime estimates calibrated on earlier moves', () => {
  test('nothing measured: the assumed figures, said so', () => {
    assert.deepEqual(calibrate([]), ASSUMED);
  });

  test('warm cutovers and cold throughput come from the verified records', () => {
    const GiB = 1024 ** 3;
    const c = calibrate([
      { cutover: 'warm', bytes: 0, seconds: 2, verifiedAt: 't' }, { cutover: 'warm', bytes: 0, seconds: 4, verifiedAt: 't' },
      { cutover: 'cold', bytes: 0, seconds: 5, verifiedAt: 't' },
      { cutover: 'cold', bytes: 10 * GiB, seconds: 5 + 100, verifiedAt: 't' },
      { cutover: 'warm', bytes: 0, seconds: 99 }, // restarted on the source, never verified: not a measurement
    ]);
    assert.equal(c.cutoverSeconds, 3);
    assert.deepEqual(c.fixedSeconds, { snapshot: 5, rebuild: 5 });
    assert.deepEqual([c.cold, c.warm], ['measured', 'measured']);
    assert.equal(Math.round(c.bytesPerSecond / (1024 * 1024)), 102);
    assert.match(c.coldBasis, /^measured: 102 MiB\/s over 1 earlier cold move/);
    assert.match(c.warmBasis, /^measured: 2 earlier warm cutovers/);
  });
});
