import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PumphouseError } from '../../src/errors.js';
import { StepAbortedError } from '../../src/executor/executor.js';
import { waitForStatus } from '../../src/migrate/wait.js';
import { type Clock, done, pending, type Poll, sleep, waitFor } from '../../src/wait.js';

/** A clock whose pauses pass at once: it records them and moves its time on by them. */
function fakeClock(start = 1_000_000): Clock & { pauses: number[]; elapsed(): number } {
  let now = start;
  const pauses: number[] = [];
  return {
    pauses,
    now: () => now,
    elapsed: () => now - start,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      pauses.push(ms);
      now += ms;
    },
  };
}

/** A probe that answers each of `answers` in turn, recording the clock's time of every call. */
function scripted<T, S>(clock: Clock, answers: Poll<T, S>[]): { probe: () => Promise<Poll<T, S>>; calls: number[] } {
  const calls: number[] = [];
  let i = 0;
  return {
    calls,
    probe: async () => {
      calls.push(clock.now());
      const answer = answers[Math.min(i, answers.length - 1)];
      i += 1;
      return answer as Poll<T, S>;
    },
  };
}

const timeoutError = (state: unknown, elapsedMs: number) => new PumphouseError('PH1631', `still ${String(state)} after ${elapsedMs} ms`);

describe('waitFor', () => {
  test('returns the value the probe is done with; the pause starts short and doubles up to the interval', async () => {
    const clock = fakeClock();
    const { probe, calls } = scripted(clock, [...Array.from({ length: 5 }, () => pending('BUILD')), done('ACTIVE')]);
    const value = await waitFor(probe, { intervalMs: 100, firstIntervalMs: 20, timeoutMs: 10_000, clock, timeoutError });
    assert.equal(value, 'ACTIVE');
    assert.deepEqual(clock.pauses, [20, 40, 80, 100, 100]);
    assert.equal(calls.length, 6);
  });

  test('without a first interval, every pause is the interval; done at once means no pause', async () => {
    const clock = fakeClock();
    const slow = scripted(clock, [pending(1), pending(2), done('x')]);
    await waitFor(slow.probe, { intervalMs: 250, clock, timeoutError });
    assert.deepEqual(clock.pauses, [250, 250]);
    const quick = fakeClock();
    assert.equal(await waitFor(scripted(quick, [done(7)]).probe, { intervalMs: 250, clock: quick, timeoutError }), 7);
    assert.deepEqual(quick.pauses, []);
  });

  test('a timeout: no pause passes the deadline, the last probe runs at it, and the error has the last state', async () => {
    const clock = fakeClock();
    let n = 0;
    const probe = async () => pending(`step ${++n}`);
    const error = await waitFor(probe, { intervalMs: 300, timeoutMs: 1000, clock, timeoutError }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e as PumphouseError,
    );
    assert.equal(error.code, 'PH1631');
    assert.deepEqual(clock.pauses, [300, 300, 300, 100]);
    assert.equal(clock.elapsed(), 1000);
    assert.equal(error.message, 'still step 5 after 1000 ms');
  });

  test('a probe done on the last call before the deadline is not a timeout', async () => {
    const clock = fakeClock();
    const { probe, calls } = scripted(clock, [pending('a'), pending('b'), done('c')]);
    assert.equal(await waitFor(probe, { intervalMs: 500, timeoutMs: 1000, clock, timeoutError }), 'c');
    assert.deepEqual(calls.map((t) => t - (calls[0] ?? 0)), [0, 500, 1000]);
  });

  test('without a timeout it waits as long as it takes', async () => {
    const clock = fakeClock();
    const { probe } = scripted(clock, [...Array.from({ length: 500 }, () => pending('queued')), done('active')]);
    assert.equal(await waitFor(probe, { intervalMs: 60_000, clock, timeoutError }), 'active');
    assert.equal(clock.elapsed(), 500 * 60_000);
  });

  test('an error from the probe ends the wait at once, without another pause', async () => {
    const clock = fakeClock();
    let calls = 0;
    const probe = async (): Promise<Poll<string, string>> => {
      calls += 1;
      if (calls === 3) throw new PumphouseError('PH1630', 'went to status ERROR');
      return pending('BUILD');
    };
    await assert.rejects(waitFor(probe, { intervalMs: 10, timeoutMs: 1000, clock, timeoutError }), /went to status ERROR/);
    assert.equal(calls, 3);
    assert.deepEqual(clock.pauses, [10, 10]);
  });

  test('onPending sees every pending state with the time taken so far, and not the done one', async () => {
    const clock = fakeClock();
    const seen: Array<[unknown, number]> = [];
    const { probe } = scripted(clock, [pending(10), pending(55), pending(90), done(100)]);
    await waitFor(probe, { intervalMs: 1000, clock, timeoutError, onPending: (progress, elapsed) => seen.push([progress, elapsed]) });
    assert.deepEqual(seen, [[10, 0], [55, 1000], [90, 2000]]);
  });

  test('an abort seen after a probe ends the wait before the pause, with the abort error', async () => {
    const clock = fakeClock();
    const controller = new AbortController();
    let calls = 0;
    const probe = async () => {
      calls += 1;
      if (calls === 2) controller.abort();
      return pending('BUILD');
    };
    const wait = waitFor(probe, { intervalMs: 10, signal: controller.signal, clock, timeoutError, abortError: () => new StepAbortedError() });
    await assert.rejects(wait, StepAbortedError);
    assert.equal(calls, 2);
    assert.deepEqual(clock.pauses, [10]);
  });

  test('an abort during a pause cuts it short; without abortError the signal reason is thrown', async () => {
    const controller = new AbortController();
    const reason = new Error('Ctrl-C');
    const clock: Clock = {
      now: () => 0,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
          controller.abort(reason);
        }),
    };
    let calls = 0;
    const probe = async () => {
      calls += 1;
      return pending('x');
    };
    await assert.rejects(waitFor(probe, { intervalMs: 3_600_000, signal: controller.signal, clock, timeoutError }), (e) => e === reason);
    assert.equal(calls, 1);
  });

  test('an already aborted signal still lets the first probe answer, then stops', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    const clock = fakeClock();
    assert.equal(await waitFor(scripted(clock, [done('now')]).probe, { intervalMs: 5, signal: controller.signal, clock, timeoutError }), 'now');
    await assert.rejects(waitFor(scripted(clock, [pending('later')]).probe, { intervalMs: 5, signal: controller.signal, clock, timeoutError }), /gone/);
    assert.deepEqual(clock.pauses, []);
  });
});

describe('sleep', () => {
  test('rejects at once with the reason of an aborted signal, and when the signal aborts during it', async () => {
    const before = new AbortController();
    before.abort(new Error('before'));
    await assert.rejects(sleep(3_600_000, before.signal), /before/);
    const during = new AbortController();
    const pause = sleep(3_600_000, during.signal);
    during.abort(new Error('during'));
    await assert.rejects(pause, /during/);
  });
});

describe('waitForStatus (migrate/wait.ts, on waitFor)', () => {
  const options = { what: 'server demo/web-1 on the target', want: ['ACTIVE'], pollMs: 1, timeoutMs: 5_000, signal: new AbortController().signal };

  test('returns the object once its status is wanted, and fails fast on an error status (PH1630)', async () => {
    const statuses = ['BUILD', 'BUILD', 'ACTIVE'];
    assert.deepEqual(await waitForStatus(async () => ({ status: statuses.shift() ?? 'gone' }), options), { status: 'ACTIVE' });
    const failed = ['BUILD', 'ERROR'];
    await assert.rejects(waitForStatus(async () => ({ status: failed.shift() ?? 'gone' }), options), (e: PumphouseError) => e.code === 'PH1630' && /went to status ERROR \(waiting for ACTIVE\)/.test(e.message));
  });

  test('says how far it got once its time is up (PH1631), and stops with StepAbortedError on abort', async () => {
    const clock = fakeClock();
    const slow = waitForStatus(async () => ({ status: 'BUILD' }), { ...options, pollMs: 60_000, timeoutMs: 30 * 60_000, clock });
    await assert.rejects(slow, (e: PumphouseError) => e.code === 'PH1631' && /is still BUILD after 1800 s \(waiting for ACTIVE\)/.test(e.message));
    assert.deepEqual(clock.pauses.slice(0, 4), [20, 40, 80, 160]);
    assert.equal(clock.elapsed(), 30 * 60_000);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(waitForStatus(async () => ({ status: 'BUILD' }), { ...options, signal: controller.signal }), StepAbortedError);
  });
});
