// Table.delete / update: the write side's row removal and in-place re-indexing keep positions,
// markers and index order intact (what paging and the derived facts rely on).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Table } from '../../../src/simulator/table.js';

interface Row { id: string; owner: string; tags: string[] }

function filled(): Table<Row> {
  const t = new Table<Row>({ owner: (r) => r.owner || undefined, tag: (r) => r.tags });
  for (let i = 0; i < 6; i++) t.insert({ id: `r${i}`, owner: i % 2 === 0 ? 'even' : 'odd', tags: i < 3 ? ['low'] : [] });
  return t;
}

const ids = (rows: readonly Row[]): string[] => rows.map((r) => r.id);

describe('Table writes', () => {
  test('delete leaves a hole: the row leaves lists and indexes, others keep their order and markers', () => {
    const t = filled();
    assert.equal(t.delete('r2')?.id, 'r2');
    assert.equal(t.delete('r2'), undefined);
    assert.equal(t.size, 5);
    assert.equal(t.get('r2'), undefined);
    assert.deepEqual(ids(t.all()), ['r0', 'r1', 'r3', 'r4', 'r5']);
    assert.deepEqual(ids(t.by('owner', 'even')), ['r0', 'r4']);
    assert.deepEqual(ids(t.by('tag', 'low')), ['r0', 'r1']);
    const page = t.page({ marker: 'r1', limit: 2 });
    assert.ok(page.ok);
    assert.deepEqual(ids(page.items), ['r3', 'r4']);
    assert.deepEqual(t.page({ marker: 'r2', limit: 2 }), { ok: false, reason: 'marker-not-found' });
  });

  test('update moves a row between index lists and keeps each list in table order', () => {
    const t = filled();
    const r3 = t.get('r3') as Row;
    t.update(r3, (r) => {
      r.owner = 'even';
      r.tags = ['low', 'new'];
    });
    assert.deepEqual(ids(t.by('owner', 'even')), ['r0', 'r2', 'r3', 'r4']);
    assert.deepEqual(ids(t.by('owner', 'odd')), ['r1', 'r5']);
    assert.deepEqual(ids(t.by('tag', 'low')), ['r0', 'r1', 'r2', 'r3']);
    assert.deepEqual(ids(t.by('tag', 'new')), ['r3']);
    // An index key that becomes empty files the row nowhere.
    t.update(r3, (r) => { r.owner = ''; });
    assert.deepEqual(ids(t.by('owner', 'even')), ['r0', 'r2', 'r4']);
    const page = t.page({ marker: 'r2', limit: 5 }, t.by('owner', 'even'));
    assert.ok(page.ok);
    assert.deepEqual(ids(page.items), ['r4']);
  });

  test('update refuses a row that is not the table\'s', () => {
    const t = filled();
    assert.throws(() => t.update({ id: 'r1', owner: 'x', tags: [] }, () => undefined), /not in the table/);
  });
});
