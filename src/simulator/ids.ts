/**
 * Deterministic identifiers, randomness and clock values for the simulator.
 *
 * Invariant: everything a scenario builds is a pure function of its names and seed, so two runs
 * produce byte-identical clouds (same ids, MACs, timestamps). Only tokens and request ids are
 * truly random, because real clients must not be able to guess them.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** A small, fast, seedable PRNG (mulberry32). Not for secrets. */
export class Prng {
  private state: number;

  constructor(seed: number | string) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hashToUint32(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }
}

function hashToUint32(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0);
}

/**
 * Stable ids derived from names: the same (namespace, key) always gives the same id, so tests can
 * compute an expected id without a lookup, and two scenario builds agree.
 */
export class IdFactory {
  constructor(private readonly namespace: string) {}

  private digest(key: string): Buffer {
    return createHash('sha1').update(this.namespace).update('\0').update(key).digest();
  }

  /** A version-4-shaped uuid (Nova, Neutron, Glance, Cinder ids). */
  uuid(key: string): string {
    const b = this.digest(key);
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  /** 32 hex digits without dashes, the way Keystone spells its ids. */
  hex32(key: string): string {
    return this.digest(key).toString('hex').slice(0, 32);
  }

  /** A MAC in OpenStack's default base `fa:16:3e`. */
  mac(key: string): string {
    const b = this.digest(key);
    return ['fa', '16', '3e', ...[0, 1, 2].map((i) => (b[i] ?? 0).toString(16).padStart(2, '0'))].join(':');
  }

  /** Hex of a given length, for checksums and fingerprints. */
  hex(key: string, length: number): string {
    let out = '';
    for (let i = 0; out.length < length; i++) out += createHash('sha512').update(this.namespace).update(`${key}#${i}`).digest('hex');
    return out.slice(0, length);
  }
}

/** `req-<uuid4>`, as every OpenStack service stamps on its responses. */
export function newRequestId(): string {
  return `req-${randomUUID()}`;
}

/** An opaque token string shaped like a Fernet token (so log redaction rules match it too). */
export function newTokenId(): string {
  return `gAAAAA${randomBytes(120).toString('base64url')}`;
}

/** The fixed instant scenario timestamps count from, so they are deterministic. */
export const SCENARIO_EPOCH_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

/** `2026-01-05T09:00:00Z`: Nova, Glance and Neutron style (seconds precision). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2026-01-05T09:00:00.000000`: Cinder, Nova services and launched_at style (no zone). */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000');
}

/** `2026-01-05T09:00:00.000000Z`: Keystone token style. */
export function isoMicrosZ(ms: number): string {
  return `${isoMicros(ms)}Z`;
}
