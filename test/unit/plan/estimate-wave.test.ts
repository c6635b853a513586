import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Change } from '../../../src/diff/changes.js';
import { ASSUMED, type Calibration } from '../../../src/diff/estimate.js';
import { shareTheLink } from '../../../src/diff/estimate-wave.js';

// A wave's cold moves share the link (estimate-wave.ts): the plan replays the downtime phase,
// shortest first, `copies` streams at once, each of n at 1/n of the rate.

const CALIBRATION: Calibration = { ...ASSUMED, fixedSeconds: { snapshot: 1, rebuild: 1 } };

function cold(name: string, aloneSeconds: number, extra: Partial<NonNullable<Change['move']>> = {}): Change {
  return {
    address: `server:demo/${name}`, kind: 'server', action: 'migrate', differences: [], reason: 'selected', impact: 'downtime', willNotSurvive: [],
    move: { strategy: 'snapshot', volumes: 'attached', source: 'delete', bytes: 1, downtimeSeconds: 1 + aloneSeconds, basis: 'probed', ...extra },
  };
}

const downtimes = (changes: Change[]) => Object.fromEntries(changes.map((c) => [c.address.replace('server:demo/', ''), c.move?.downtimeSeconds]));

describe('estimates: the wave shares the link', () => {
  test('copies at once share it: the short ones end first, the long one carries the rest alone', () => {
    // Four streams of 1, 1, 30 and 72 s alone: all four run at 1/4 until the short ones end (4 s),
    // then two at 1/2 until the 30 s one ends (4 + 2 × 29 = 62 s), then the last alone (+ 42 s).
    const changes = shareTheLink([cold('db', 72), cold('bfv', 30), cold('web-1', 1), cold('web-2', 1)], CALIBRATION, 4);
    assert.deepEqual(downtimes(changes), { db: 1 + 104, bfv: 1 + 62, 'web-1': 1 + 4, 'web-2': 1 + 4 });
    assert.match(changes[0]?.move?.basis ?? '', /^probed; its copy shares the link with the wave's others \(up to 4 at once, parallelism\.copies\)$/);
  });

  test('one copy at a time: each server has the link to itself, so nothing changes', () => {
    const changes = [cold('a', 10), cold('b', 5)];
    assert.deepEqual(shareTheLink(changes, CALIBRATION, 1), changes);
  });

  test('warm cutovers, pre-copied servers, servers already stopped and rebuilds without volumes copy nothing while down', () => {
    const changes = [cold('a', 10), cold('w', 10, { cutover: 'warm' }), cold('p', 10, { precopied: 'x' }), cold('s', 0, { downtimeSeconds: 0 }), cold('r', 0.05, { strategy: 'rebuild', bytes: 0 })];
    assert.deepEqual(shareTheLink(changes, CALIBRATION, 4), changes, 'a alone on the link');
  });
});
