import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ResourceKind } from '../../../src/inventory/model.js';
import { MIGRATED_KINDS, MODELS } from '../../../src/model/index.js';
import { REPO_ROOT } from '../../helpers/cli.js';

/**
 * Every field of every recorded API response is classified by its kind's model: real Zed
 * responses (recorded from the testbed by test/real/record-api-fixtures.ts) and the sandbox's
 * (recorded the same way). A field the API exposes that no model accounts for fails here.
 */
interface Fixture {
  kind: ResourceKind;
  source: string;
  responses: Record<string, unknown[]>;
}

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'api');

function fixture(source: string, kind: ResourceKind): Fixture | undefined {
  const path = join(FIXTURES, source, `${kind}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Fixture) : undefined;
}

/** Fields of the recorded objects that the kind's model does not list, as `response.field`. */
export function unclassifiedFields(kind: ResourceKind, responses: Record<string, unknown[]>): string[] {
  const api = MODELS[kind].api;
  const missing = new Set<string>();
  for (const [response, objects] of Object.entries(responses)) {
    const fields = api[response];
    if (!fields) {
      missing.add(`${response} (the whole response)`);
      continue;
    }
    if ('*' in fields) continue;
    for (const object of objects) {
      if (object === null || typeof object !== 'object' || Array.isArray(object)) continue;
      for (const field of Object.keys(object)) if (!(field in fields)) missing.add(`${response}.${field}`);
    }
  }
  return [...missing].sort();
}

for (const source of ['zed', 'sandbox']) {
  describe(`model coverage of ${source} responses`, () => {
    for (const kind of MIGRATED_KINDS) {
      test(kind, () => {
        const recorded = fixture(source, kind);
        assert.ok(recorded, `no recorded ${source} responses for ${kind} in test/fixtures/api/${source}/${kind}.json: run test/real/record-api-fixtures`);
        const count = Object.values(recorded.responses).reduce((n, list) => n + list.length, 0);
        assert.ok(count > 0, `the ${source} recording of ${kind} holds no object`);
        assert.deepEqual(unclassifiedFields(kind, recorded.responses), [], `fields of ${source} ${kind} responses that src/model/kinds does not classify`);
      });
    }
  });
}

describe('the coverage check itself', () => {
  test('an unknown field fails it', () => {
    assert.deepEqual(unclassifiedFields('flavor', { flavor: [{ id: 'x', name: 'y', brand_new_field: 1 }] }), ['flavor.brand_new_field']);
    assert.deepEqual(unclassifiedFields('flavor', { flavor_acl: [{}] }), ['flavor_acl (the whole response)']);
  });
});
