import { PumphouseError } from '../../errors.js';
import { OPENSTACK_CODES } from './codes.js';

/**
 * Microversions ("2.87"): parse, compare, negotiate. A microversion is MAJOR.MINOR compared
 * numerically (2.10 > 2.9), never as a string or a float.
 */

export interface MicroversionRange {
  min: string;
  max: string;
}

function parts(version: string): [number, number] {
  const m = /^v?(\d+)\.(\d+)$/.exec(version.trim());
  if (!m) throw new PumphouseError(OPENSTACK_CODES.versionDiscovery, `not a microversion: "${version}"`);
  return [Number(m[1]), Number(m[2])];
}

/** <0, 0, >0 like a comparator. */
export function compareMicroversions(a: string, b: string): number {
  const [am, an] = parts(a);
  const [bm, bn] = parts(b);
  return am !== bm ? am - bm : an - bn;
}

export function isAtLeast(version: string | undefined, wanted: string): boolean {
  return version !== undefined && compareMicroversions(version, wanted) >= 0;
}

/**
 * The microversion the client will send: the highest both sides support, min(server max, client max).
 * @throws PumphouseError PH2121 when the ranges do not overlap.
 */
export function negotiateMicroversion(service: string, server: MicroversionRange, client: MicroversionRange): string {
  const chosen = compareMicroversions(server.max, client.max) < 0 ? server.max : client.max;
  if (compareMicroversions(chosen, server.min) < 0 || compareMicroversions(chosen, client.min) < 0) {
    throw new PumphouseError(
      OPENSTACK_CODES.microversionUnsupported,
      `${service}: the service supports microversions ${server.min}–${server.max}, pumphouse needs ${client.min}–${client.max}`,
      { hint: 'the cloud is too old (or too new) for this version of pumphouse' },
    );
  }
  return chosen;
}
