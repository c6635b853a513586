import type { InventoryResource } from '../inventory/model.js';
import { ASSUMED, type Calibration, median } from './estimate.js';

/**
 * The downtime figures of a first plan, when no earlier apply measured any on these clouds: from
 * what the engine's probe read (engine/plan-probe.ts) and what the source's servers say of their
 * boots. What a move's downtime is made of, and where each part comes from:
 *   - a boot (the copy, cold; Nova's scheduling, networking, spawning): how long this cloud took
 *     to boot the servers that move, `launched_at − created`, their median (`bootSeconds`);
 *   - a stop or a start (the spawning part of a boot alone): a third of a boot; a snapshot's
 *     own work besides its bytes (queued, saving, active): two thirds;
 *   - each wait is seen at apply's next poll (20 ms, doubling up to 1 s): `polledSeconds`;
 *   - the API calls a move makes (stop, snapshot, image, boot, floating IPs, read-back): a
 *     count of Glance round trips as the probe timed them;
 *   - a snapshot's bytes cross the source's image storage twice (into the snapshot, then to the
 *     target): the cold throughput is half the rate the probe read from the source's Glance.
 * The target's Glance is only timed, never written to: a plan changes nothing.
 */

/** What the probe measured; every part optional, as a probe may fail part-way. */
export interface CloudProbe {
  /** The first bytes of the source's largest readable image, read from its Glance. */
  read?: { bytes: number; seconds: number };
  /** Median round trip of a Glance API call on each cloud. */
  roundTripSeconds?: { source: number; target: number };
  /** Why the throughput was not measured (said in the basis). */
  failure?: string;
}

/** A boot longer than this is not one (a server rebuilt, resized or unshelved later moves its launched_at). */
export const MAX_BOOT_SECONDS = 600;
/** API calls in a cold move's downtime and in a warm cutover, besides the status polls. */
export const COLD_CALLS = 15;
export const WARM_CALLS = 10;
/** The round trip assumed when the probe could not time one. */
const ASSUMED_ROUND_TRIP_SECONDS = 0.05;
const FIRST_POLL_SECONDS = 0.02;

/** Nova's times: `created` in whole seconds with a zone, `launched_at` in microseconds without one (UTC). */
function parseUtc(text: unknown): number | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** Median `launched_at − created` of these servers, in seconds; undefined when none tells. */
export function bootSeconds(servers: readonly InventoryResource[]): number | undefined {
  const boots = servers.flatMap((s) => {
    const created = parseUtc(s.attributes['created']);
    const launched = parseUtc(s.attributes['launchedAt']);
    if (created === undefined || launched === undefined) return [];
    const seconds = (launched - created) / 1000;
    return seconds >= 0 && seconds <= MAX_BOOT_SECONDS ? [seconds] : [];
  });
  return boots.length > 0 ? median(boots) : undefined;
}

/** When apply, polling at 20 ms and doubling up to `pollSeconds`, sees a change that takes `seconds`. */
export function polledSeconds(seconds: number, pollSeconds = 1): number {
  let at = 0;
  let pause = FIRST_POLL_SECONDS;
  while (at < seconds) {
    at += pause;
    pause = Math.min(pollSeconds, pause * 2);
  }
  return at;
}

const mib = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MiB`;
const ms = (seconds: number): string => `${Math.round(seconds * 1000)} ms`;
const s1 = (seconds: number): string => `${Number(seconds.toFixed(2))} s`;

/** The calibration of a probe (and of the moving servers' boot times); see the header. */
export function probedCalibration(probe: CloudProbe, boot: number | undefined): Calibration {
  const rtt = probe.roundTripSeconds ? Math.max(probe.roundTripSeconds.source, probe.roundTripSeconds.target) : ASSUMED_ROUND_TRIP_SECONDS;
  const rate = probe.read && probe.read.seconds > 0 ? probe.read.bytes / probe.read.seconds : undefined;
  const rateText = rate !== undefined
    ? `${mib(rate)}/s read from the source Glance (${mib(probe.read?.bytes ?? 0)})`
    : `${mib(ASSUMED.bytesPerSecond)}/s assumed (${probe.failure ?? 'nothing read'})`;
  const rttText = probe.roundTripSeconds ? `API ${ms(rtt)} (target Glance timed, not written to)` : 'API round trip not timed';
  const bootText = boot !== undefined ? `boot ${s1(boot)} (launched_at − created)` : 'no boot time known';
  const cold = rate !== undefined || boot !== undefined ? 'probed' : 'assumed';
  const power = boot !== undefined ? boot / 3 : undefined;
  return {
    bytesPerSecond: rate !== undefined ? rate / 2 : ASSUMED.bytesPerSecond,
    fixedSeconds: power !== undefined && boot !== undefined
      ? {
          snapshot: polledSeconds(power) + polledSeconds(2 * power) + polledSeconds(boot) + COLD_CALLS * rtt,
          rebuild: polledSeconds(power) + polledSeconds(boot) + COLD_CALLS * rtt,
        }
      : ASSUMED.fixedSeconds,
    cutoverSeconds: power !== undefined ? 2 * polledSeconds(power) + WARM_CALLS * rtt : ASSUMED.cutoverSeconds,
    cold,
    warm: power !== undefined ? 'probed' : 'assumed',
    coldBasis: cold === 'probed' ? `probed: ${rateText}; ${bootText}; ${rttText}` : `assumed: 100 MiB/s, ${probe.failure ?? 'nothing measured on these clouds yet'}`,
    warmBasis: power !== undefined ? `probed: ${bootText}; ${rttText}` : `assumed: ${probe.failure ?? 'nothing measured on these clouds yet'}`,
  };
}
