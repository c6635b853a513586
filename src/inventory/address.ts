import { PumphouseError } from '../errors.js';
import { RESOURCE_KINDS, type ResourceKind } from './model.js';

/**
 * Stable, human-readable addresses of inventory resources (terraform's `aws_instance.web[1]`).
 *
 * Grammar:
 *   address  = kind ":" path [ "#" disambiguator ]
 *   path     = segment *( "/" segment )
 *   segment  = name with "%", "/" and "#" percent-encoded ("a/b" → "a%2Fb")
 *
 * Per kind:
 *   project-owned  `server:demo/web-1`, or `server:acme/demo/web-1` outside the Default domain
 *   global         `flavor:m1.small`, `role:member`, `hypervisor:cmp-3.example.com`,
 *                  `compute-service:cmp-3/nova-compute`, `availability-zone:nova`, `aggregate:ssd`,
 *                  `volume-type:lvm`, `domain:Default`, `project:demo` / `project:acme/demo`,
 *                  `user:alice` / `user:acme/alice`
 *   keypair        `keypair:<user path>/<name>`
 *   role grant     `role-assignment:<scope>/<user path | group:name>/<role>` where scope is a
 *                  project path, `domain:<name>` or `system`
 *   floating IP    `floating-ip:demo/203.0.113.7`
 *   quota          `quota:demo/compute` (one per project and service)
 * A resource without a name (ports, volumes) uses its id as name. When two resources of one
 * inventory would share an address, *both* get `#<first 8 characters of the id>` (the whole id if
 * that is not enough): the suffix depends only on the colliding ids, never on listing order.
 */

const ESCAPES: Record<string, string> = { '%': '%25', '/': '%2F', '#': '%23' };

/** Encodes one path segment. */
export function escapeSegment(raw: string): string {
  return raw.replace(/[%/#]/g, (ch) => ESCAPES[ch] ?? ch);
}

export function unescapeSegment(segment: string): string {
  return segment.replace(/%(25|2F|23)/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A path from raw (unencoded) segments. */
export function addressPath(...segments: string[]): string {
  return segments.map(escapeSegment).join('/');
}

export function formatAddress(kind: ResourceKind, path: string, disambiguator?: string): string {
  return `${kind}:${path}${disambiguator ? `#${disambiguator}` : ''}`;
}

export interface ParsedAddress {
  kind: ResourceKind;
  /** Decoded segments. */
  segments: string[];
  /** The `#…` suffix of a disambiguated address. */
  disambiguator?: string;
}

const KIND_SET: ReadonlySet<string> = new Set(RESOURCE_KINDS);

/** @throws PumphouseError PH3001 for text that is not an address. */
export function parseAddress(address: string): ParsedAddress {
  const colon = address.indexOf(':');
  const kind = colon > 0 ? address.slice(0, colon) : '';
  const rest = colon > 0 ? address.slice(colon + 1) : '';
  if (!KIND_SET.has(kind) || rest === '') {
    throw new PumphouseError('PH3001', `"${address}" is not a resource address`, {
      hint: 'an address is <kind>:<path>, e.g. server:demo/web-1 or flavor:m1.small',
    });
  }
  const hash = rest.indexOf('#');
  const path = hash >= 0 ? rest.slice(0, hash) : rest;
  const disambiguator = hash >= 0 ? rest.slice(hash + 1) : undefined;
  return { kind: kind as ResourceKind, segments: path.split('/').map(unescapeSegment), ...(disambiguator ? { disambiguator } : {}) };
}

/** Inventory order: RESOURCE_KINDS, then the address by code unit (locale-independent). */
export function compareAddresses(a: string, b: string): number {
  const ka = RESOURCE_KINDS.indexOf(a.slice(0, a.indexOf(':')) as ResourceKind);
  const kb = RESOURCE_KINDS.indexOf(b.slice(0, b.indexOf(':')) as ResourceKind);
  if (ka !== kb) return ka - kb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Final addresses for one kind's resources: `<kind>:<path>`, disambiguated where paths collide.
 * Returns id → address. Invariant: the addresses are unique, and each depends only on the
 * resource's own path and id and the set of ids sharing its path.
 */
export function assignAddresses(kind: ResourceKind, items: Iterable<{ id: string; path: string }>): Map<string, string> {
  const byPath = new Map<string, string[]>();
  for (const { id, path } of items) {
    const ids = byPath.get(path);
    if (ids) ids.push(id);
    else byPath.set(path, [id]);
  }
  const out = new Map<string, string>();
  for (const [path, ids] of byPath) {
    if (ids.length === 1) {
      out.set(ids[0] as string, formatAddress(kind, path));
      continue;
    }
    const short = new Map<string, number>();
    for (const id of ids) short.set(id.slice(0, 8), (short.get(id.slice(0, 8)) ?? 0) + 1);
    for (const id of ids) {
      const prefix = id.slice(0, 8);
      out.set(id, formatAddress(kind, path, (short.get(prefix) ?? 0) > 1 ? id : prefix));
    }
  }
  return out;
}
