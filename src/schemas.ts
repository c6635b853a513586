import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/**
 * The JSON Schemas under schemas/ are the contract for every file Pumphouse reads or writes.
 * They ship with the package; this finds them whether running from dist/ or installed.
 */
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type SchemaName = 'config' | 'inventory' | 'events' | 'clouds' | 'plan' | 'plan-output' | 'state' | 'hosts';

const cache = new Map<SchemaName, object>();

export function schemaPath(name: SchemaName): string {
  return join(packageRoot, 'schemas', `${name}.schema.json`);
}

export function loadSchema(name: SchemaName): object {
  let schema = cache.get(name);
  if (!schema) {
    schema = JSON.parse(readFileSync(schemaPath(name), 'utf8')) as object;
    cache.set(name, schema);
  }
  return schema;
}

export function repoPath(...parts: string[]): string {
  return join(packageRoot, ...parts);
}
