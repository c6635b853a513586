import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MovePolicy } from '../../../src/desired/selection.js';
import { ASSUMED, calibrate, estimateServerMove, preferMeasured } from '../../../src/diff/estimate.js';
import { bootSeconds, COLD_CALLS, polledSeconds, probedCalibration, WARM_CALLS } from '../../../src/diff/estimate-probe.js';
import { owned, resource } from '../../helpers/small-inventory.js';

// The arithmetic of a first plan's downtime figures: boot times from launched_at − created,
// waits rounded to apply's polls, the probe's read turned into a cold throughput, and where
// each figure comes from; and what a move's estimate counts.

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const booted = (name: string, created: string, launchedAt: string | null) => owned('server', 'demo', name, { attributes: { created, launchedAt } });
const policy = (over: Partial<MovePolicy> = {}): MovePolicy => ({ strategy: 'snapshot', cutover: 'cold', volumes: 'attached', source: 'keep-stopped', ...over } as MovePolicy);

describe('boot times and polls', () => {
  test("median launched_at − created in Nova's formats; unbooted servers and rebuilt ones (beyond 10 min) left out", () => {
    const servers = [
      booted('a', '2026-01-05T09:00:00Z', '2026-01-05T09:00:04.500000'),
      booted('b', '2026-01-05T09:00:00Z', '2026-01-05T09:00:06.000000'),
      booted('c', '2026-01-05T09:00:00Z', '2026-01-05T09:00:05.250000'),
      booted('building', '2026-01-05T09:00:00Z', null),
      booted('rebuilt', '2026-01-05T09:00:00Z', '2026-03-01T10:00:00.000000'),
    ];
    assert.equal(bootSeconds(servers), 5.25);
    assert.equal(bootSeconds([booted('x', '', null)]), undefined);
    assert.equal(bootSeconds([booted('zoned', '2026-01-05T10:00:00+01:00', '2026-01-05T09:00:02.000000')]), 2, 'a zone on created is honoured');
  });

  test('a wait is seen at the first poll after it ends: 20 ms doubling up to the poll interval', () => {
    assert.equal(polledSeconds(0), 0);
    assert.equal(Number(polledSeconds(0.05).toFixed(3)), 0.06);
    assert.equal(Number(polledSeconds(0.15).toFixed(3)), 0.3);
    assert.equal(Number(polledSeconds(3).toFixed(3)), 3.26, 'past the doubling: one-second polls');
  });
});

describe('probed figures', () => {
  const probe = { read: { bytes: 32 * MiB, seconds: 0.32 }, roundTripSeconds: { source: 0.004, target: 0.01 } };

  test('throughput halved (a snapshot crosses the source storage twice), fixed parts from the boot, round trips counted', () => {
    const c = probedCalibration(probe, 3);
    assert.equal(c.bytesPerSecond, 50 * MiB);
    const [power, boot] = [polledSeconds(1), polledSeconds(3)];
    assert.equal(c.fixedSeconds.snapshot, power + polledSeconds(2) + boot + COLD_CALLS * 0.01);
    assert.equal(c.fixedSeconds.rebuild, power + boot + COLD_CALLS * 0.01);
    assert.equal(c.cutoverSeconds, 2 * power + WARM_CALLS * 0.01);
    assert.deepEqual([c.cold, c.warm], ['probed', 'probed']);
    assert.match(c.coldBasis, /^probed: 100 MiB\/s read from the source Glance \(32 MiB\); boot 3 s \(launched_at − created\); API 10 ms \(target Glance timed, not written to\)$/);
  });

  test('a failed read keeps the assumed throughput and says why; no boot time keeps the assumed fixed parts', () => {
    const failed = probedCalibration({ roundTripSeconds: probe.roundTripSeconds, failure: 'no answer within 5 s' }, 3);
    assert.equal(failed.bytesPerSecond, ASSUMED.bytesPerSecond);
    assert.equal(failed.cold, 'probed', 'the fixed parts are still measured');
    assert.match(failed.coldBasis, /100 MiB\/s assumed \(no answer within 5 s\)/);
    const noBoot = probedCalibration(probe, undefined);
    assert.deepEqual(noBoot.fixedSeconds, ASSUMED.fixedSeconds);
    assert.equal(noBoot.cutoverSeconds, ASSUMED.cutoverSeconds);
    assert.equal(noBoot.warm, 'assumed');
    const nothing = probedCalibration({ failure: 'connection refused' }, undefined);
    assert.deepEqual([nothing.cold, nothing.warm], ['assumed', 'assumed']);
    assert.equal(nothing.coldBasis, 'assumed: 100 MiB/s, connection refused');
  });

  test("the state's measurements are preferred, per cutover, over the probe's", () => {
    const measuredWarm = calibrate([{ cutover: 'warm', bytes: 0, seconds: 4, verifiedAt: 't' }]);
    const merged = preferMeasured(measuredWarm, probedCalibration(probe, 3));
    assert.equal(merged.cutoverSeconds, 4);
    assert.match(merged.warmBasis, /^measured: /);
    assert.equal(merged.cold, 'probed');
    assert.equal(merged.bytesPerSecond, 50 * MiB);
  });
});

describe("a move's estimate", () => {
  const calibration = probedCalibration({ read: { bytes: 100 * MiB, seconds: 1 } }, 0.15);
  const ubuntu = resource('image', 'admin/ubuntu', { attributes: { size: 630 * MiB } });
  const server = (status = 'ACTIVE') => owned('server', 'demo', 'db-1', { attributes: { status, flavor: { diskGb: 40 } } });

  test("a snapshot counts its boot image's size, at most the flavor disk; the flavor disk when the image is unknown", () => {
    assert.equal(estimateServerMove(server(), policy(), [], calibration, ubuntu).bytes, 630 * MiB);
    const huge = resource('image', 'admin/huge', { attributes: { size: 100 * GiB } });
    assert.equal(estimateServerMove(server(), policy(), [], calibration, huge).bytes, 40 * GiB);
    assert.equal(estimateServerMove(server(), policy(), [], calibration).bytes, 40 * GiB);
    assert.equal(estimateServerMove(server(), policy({ strategy: 'rebuild' }), [], calibration, ubuntu).bytes, 0);
  });

  test('in tenths of a second: fixed part plus bytes at the cold throughput; a warm move its cutover; a stopped server none', () => {
    const cold = estimateServerMove(server(), policy(), [], calibration, ubuntu);
    const expected = calibration.fixedSeconds.snapshot + (630 * MiB) / calibration.bytesPerSecond;
    assert.equal(cold.downtimeSeconds, Math.ceil(expected * 10) / 10);
    assert.equal(estimateServerMove(server(), policy({ cutover: 'warm' }), [], calibration, ubuntu).downtimeSeconds, Math.ceil(calibration.cutoverSeconds * 10) / 10);
    const stopped = estimateServerMove(server('SHUTOFF'), policy(), [], calibration, ubuntu);
    assert.equal(stopped.downtimeSeconds, 0);
    assert.equal(stopped.basis, 'the source server is stopped already');
  });
});
