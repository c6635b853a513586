/**
 * Microversion negotiation for Nova (`compute`) and Cinder (`volume`), as both do it: the
 * `OpenStack-API-Version: <service> X.Y` header (or Nova's legacy
 * `X-OpenStack-Nova-API-Version: X.Y`), `latest` meaning the maximum, the minimum when absent,
 * and 406 for a version outside [min, max].
 */
import { header, type SimRequest } from './http.js';

/** A microversion as [major, minor], comparable with `atLeast`. */
export interface Microversion { major: number; minor: number }

export interface MicroversionRange { service: 'compute' | 'volume'; min: Microversion; max: Microversion; legacyHeader?: string }

export type Negotiated =
  | { ok: true; version: Microversion }
  | { ok: false; status: 400 | 406; message: string; echoed: string };

export function parseVersion(text: string): Microversion | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

export function formatVersion(v: Microversion): string {
  return `${v.major}.${v.minor}`;
}

export function compareVersions(a: Microversion, b: Microversion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** True when `v` is at least `minor` of the same major (e.g. `atLeast(v, 2, 47)`). */
export function atLeast(v: Microversion, major: number, minor: number): boolean {
  return compareVersions(v, { major, minor }) >= 0;
}

/** Picks the version a request asked for. */
export function negotiate(req: SimRequest, range: MicroversionRange): Negotiated {
  let requested: string | undefined;
  const generic = header(req, 'openstack-api-version');
  if (generic) {
    // The header may carry several services: "compute 2.60, volume 3.50".
    for (const part of generic.split(',')) {
      const [service, version] = part.trim().split(/\s+/, 2);
      if (service?.toLowerCase() === range.service && version) requested = version;
    }
  }
  if (requested === undefined && range.legacyHeader) requested = header(req, range.legacyHeader);
  if (requested === undefined) return { ok: true, version: range.min };
  if (requested.toLowerCase() === 'latest') return { ok: true, version: range.max };
  const version = parseVersion(requested);
  if (!version) {
    return { ok: false, status: 400, echoed: requested, message: `Invalid format for API version: ${requested}. It should be in the form 'X.Y'.` };
  }
  if (compareVersions(version, range.min) < 0 || compareVersions(version, range.max) > 0) {
    return {
      ok: false, status: 406, echoed: requested,
      message: `Version ${formatVersion(version)} is not supported by the API. Minimum is ${formatVersion(range.min)} and maximum is ${formatVersion(range.max)}.`,
    };
  }
  return { ok: true, version };
}
