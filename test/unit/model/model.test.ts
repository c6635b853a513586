import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RESOURCE_KINDS } from '../../../src/inventory/model.js';
import { classify, MIGRATED_KINDS, MODELS, orderingReferences } from '../../../src/model/index.js';

describe('the kind models', () => {
  test('every kind has a model, filed under its own kind', () => {
    for (const kind of RESOURCE_KINDS) assert.equal(MODELS[kind].kind, kind);
  });

  test('every API field points at a declared attribute or reference', () => {
    for (const kind of MIGRATED_KINDS) {
      const model = MODELS[kind];
      for (const [response, fields] of Object.entries(model.api)) {
        for (const [field, target] of Object.entries(fields)) {
          const where = `${kind} ${response}.${field}`;
          if (target.to === 'attribute') for (const a of target.attributes) assert.ok(a in model.attributes, `${where} fills ${a}, which ${kind} does not declare`);
          for (const role of target.to === 'attribute' ? target.roles ?? [] : []) assert.ok(role in model.references, `${where} feeds reference ${role}, which ${kind} does not declare`);
          if (target.to === 'reference') for (const role of target.roles) assert.ok(role in model.references, `${where} feeds reference ${role}, which ${kind} does not declare`);
          if (target.to === 'cloud' || target.to === 'lost') assert.ok(target.why.length > 0, `${where} says why it is not carried`);
        }
      }
    }
  });

  test('every attribute of a migrated kind is read from some API field', () => {
    for (const kind of MIGRATED_KINDS) {
      const model = MODELS[kind];
      const filled = new Set(Object.values(model.api).flatMap((fields) => Object.values(fields).flatMap((f) => (f.to === 'attribute' ? f.attributes : []))));
      for (const attribute of Object.keys(model.attributes)) assert.ok(filled.has(attribute), `${kind}.${attribute} comes from no API field`);
    }
  });

  test('a lost attribute says why it does not survive', () => {
    for (const kind of RESOURCE_KINDS) for (const { attribute, why } of classify(kind).lost) assert.ok(why.length > 10, `${kind}.${attribute}`);
  });

  test('the references the issue names order their steps', () => {
    const ordering = (kind: (typeof RESOURCE_KINDS)[number]) => new Map(orderingReferences(kind).map((r) => [r.role, r.spec]));
    assert.equal(ordering('flavor').get('accessProjects')?.kind, 'project');
    assert.equal(ordering('image').get('members')?.strength, 'weak');
    assert.equal(ordering('image').get('kernel')?.strength, 'needs');
    assert.equal(ordering('image').get('ramdisk')?.strength, 'needs');
    assert.equal(ordering('user').get('defaultProject')?.kind, 'project');
    assert.equal(ordering('role-assignment').get('domain')?.kind, 'domain');
    assert.equal(ordering('role-assignment').get('project')?.kind, 'project');
  });
});
