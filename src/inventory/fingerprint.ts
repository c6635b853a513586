import { createHash } from 'node:crypto';
import type { InventoryResource } from './model.js';

/**
 * JSON with object keys sorted at every level, so equal data gives equal text whatever order the
 * API (or a collector) produced keys in. Arrays keep their order: collectors sort the ones whose
 * order carries no meaning.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(obj[key])}`);
  }
  return `{${parts.join(',')}}`;
}

/** sha256 (hex) over the resources in inventory order. Invariant: independent of takenAt and of key order. */
export function fingerprintResources(resources: readonly InventoryResource[]): string {
  const hash = createHash('sha256');
  for (const resource of resources) hash.update(canonicalJson(resource)).update('\n');
  return hash.digest('hex');
}
