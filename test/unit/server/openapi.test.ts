import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import YAML from 'yaml';
import { repoPath } from '../../../src/schemas.js';
import { ALL_ROUTES } from '../../../src/server/server.js';

// schemas/openapi.yaml is the API's contract for other tools: it must name exactly the routes the
// server serves, each with its errors, and its references must resolve.

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown>; parameters?: Array<{ name?: string; in?: string; $ref?: string }> }>>;
  components: Record<string, Record<string, unknown>>;
}

const doc = YAML.parse(readFileSync(repoPath('schemas', 'openapi.yaml'), 'utf8')) as OpenApi;

test('the OpenAPI document is valid OpenAPI 3.1 (swagger-parser: the specification\'s schema and every $ref)', async () => {
  await SwaggerParser.validate(structuredClone(doc) as never);
  const broken = structuredClone(doc) as unknown as Record<string, unknown>;
  delete broken['info'];
  await assert.rejects(SwaggerParser.validate(broken as never), 'the validator does catch a broken document');
});

test('the OpenAPI document lists exactly the routes the server serves', () => {
  assert.match(doc.openapi, /^3\.1\./);
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`)).sort();
  const served = ALL_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
  assert.deepEqual(documented, served);
});

test('every operation has an id, a 401 and its path parameters; every $ref resolves', () => {
  const ids = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      assert.ok(op.operationId && !ids.has(op.operationId), `${method} ${path} has a unique operationId`);
      ids.add(op.operationId);
      assert.ok(op.responses?.['401'], `${method} ${path} documents the 401`);
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
        const declared = (op.parameters ?? []).some((p) => p.name === name || (p.$ref && (resolve(p.$ref) as { name?: string }).name === name));
        assert.ok(declared, `${method} ${path} declares its path parameter ${name}`);
      }
    }
  }
  for (const ref of JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? []) resolve(ref.slice(8, -1));
});

function resolve(ref: string): unknown {
  assert.ok(ref.startsWith('#/'), `${ref} is local`);
  let node: unknown = doc;
  for (const part of ref.slice(2).split('/')) {
    node = (node as Record<string, unknown>)[part];
    assert.ok(node !== undefined, `${ref} resolves`);
  }
  return node;
}
