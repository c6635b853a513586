import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PumphouseEvent } from '../../../src/events/events.js';
import type { ExecutionPlan } from '../../../src/execution-plan/plan.js';
import type { InventoryResource } from '../../../src/inventory/model.js';
import { OriginalTranslator } from '../../../src/server/original/translate.js';
import { decodePayload, encodePayload } from '../../../src/server/original/socketio.js';
import { loopbackOrigin } from '../../../src/server/original/sandbox-reset.js';
import { granularPlan } from '../../../src/engine/granular.js';
import { mapsFromPlanFile } from '../../../src/server/original/maps.js';
import { tempFiles } from '../../helpers/tmp.js';
import { Engine } from '../../../src/engine/index.js';

const host: InventoryResource = { kind: 'hypervisor', address: 'hypervisor:cmp-3', id: 'h-3', name: 'cmp-3', refs: {}, attributes: { serviceHost: 'cmp-3' } };
const server: InventoryResource = { kind: 'server', address: 'server:p/s-1', id: 'src-1', name: 's-1', project: { id: 'p-src', name: 'p' }, refs: {}, attributes: {} };
const project: InventoryResource = { kind: 'project', address: 'project:p', id: 'p-src', name: 'p', refs: {}, attributes: {} };

function plan(steps: Array<[string, string, InventoryResource['kind'], string]>, source: 'delete' | 'keep' = 'delete'): ExecutionPlan {
  return {
    steps: steps.map(([id, action, kind, address]) => ({ id, action, kind, address, dependsOn: [] })),
    changes: steps.filter(([, action]) => action === 'migrate-server').map(([, , kind, address]) => ({ address, kind, action: 'migrate', differences: [], reason: '', impact: 'downtime', willNotSurvive: [], move: { strategy: 'rebuild', volumes: 'attached', source, bytes: 0, downtimeSeconds: 0 } })),
  } as unknown as ExecutionPlan;
}

let seq = 0;
function ev(type: string, data: Record<string, unknown>): PumphouseEvent {
  return { type, seq: ++seq, time: '2026-12-05T00:00:00Z', level: 'info', message: '', data } as PumphouseEvent;
}

describe('the original API\'s events, derived from ours', () => {
  test('a reassignment: update "reassignment", delete on the source once in the bootstrap, create then update null on the destination', () => {
    const t = new OriginalTranslator();
    assert.deepEqual(t.begin({ kind: 'reassignment', id: 'cmp-3' }, plan([['u', 'upgrade-host', 'hypervisor', 'hypervisor:cmp-3']]), [host]), []);
    const out = [
      ...t.translate(ev('step_started', { step: 'u', action: 'upgrade-host', address: 'hypervisor:cmp-3', attempt: 1 })),
      ...t.translate(ev('step_progress', { step: 'u', phase: 'setting PXE as the next boot' })),
      ...t.translate(ev('step_progress', { step: 'u', phase: "waiting for the host to boot Fuel's bootstrap and register (MAC x)" })),
      ...t.translate(ev('step_progress', { step: 'u', phase: "waiting for the host to boot Fuel's bootstrap and register (MAC x)" })),
      ...t.translate(ev('step_finished', { step: 'u', outcome: 'done', ms: 1, targetId: 'node-6.domain.tld' })),
      ...t.end('done'),
    ];
    assert.deepEqual(out.map((e) => [e.name, e.payload['id'], e.payload['cloud'], e.payload['action']]), [
      ['update', 'cmp-3', 'source', 'reassignment'],
      ['delete', 'cmp-3', 'source', undefined],
      ['create', 'node-6.domain.tld', 'destination', 'reassignment'],
      ['update', 'node-6.domain.tld', 'destination', null],
    ]);
  });

  test('a tenant: start, its objects created, each server moved and its source deleted, then the end; a failure logs an error first', () => {
    const t = new OriginalTranslator();
    const p = plan([['c', 'create', 'project', 'project:p'], ['m', 'migrate-server', 'server', 'server:p/s-1']]);
    const out = [
      ...t.begin({ kind: 'tenant', id: 'p-src' }, p, [project, server]),
      ...t.translate(ev('step_finished', { step: 'c', outcome: 'done', ms: 1, targetId: 'p-dst' })),
      ...t.translate(ev('step_started', { step: 'm', action: 'migrate-server', address: 'server:p/s-1', attempt: 1 })),
      ...t.translate(ev('step_finished', { step: 'm', outcome: 'done', ms: 1, targetId: 'dst-1' })),
      ...t.translate(ev('step_finished', { step: 'not-in-plan', outcome: 'done', ms: 1, targetId: 'x' })),
      ...t.end('failed', '1 step(s) failed'),
    ];
    assert.deepEqual(out.map((e) => [e.name, e.payload['type'] ?? e.payload['level'], e.payload['id'], e.payload['action']]), [
      ['update', 'tenant', 'p-src', 'migration'],
      ['create', 'tenant', 'p-dst', undefined],
      ['update', 'server', 'src-1', 'migration'],
      ['create', 'server', 'dst-1', undefined],
      ['delete', 'server', 'src-1', undefined],
      ['log', 'error', undefined, undefined],
      ['update', 'tenant', 'p-src', null],
    ]);
    assert.equal(out[3]!.payload['data'] && (out[3]!.payload['data'] as Record<string, unknown>)['tenant_id'], 'p-dst', 'the copy names its destination tenant');
    assert.deepEqual(t.translate(ev('step_started', { step: 'm', action: 'migrate-server', address: 'server:p/s-1', attempt: 2 })), [], 'nothing once the action ended');
  });

  test('an evacuation: its host blocked in between carries no action key, so only the end has action null', () => {
    const t = new OriginalTranslator();
    const out = [
      ...t.begin({ kind: 'evacuation', id: 'cmp-3' }, plan([['m', 'maintain-host', 'hypervisor', 'hypervisor:cmp-3']]), [host]),
      ...t.translate(ev('step_finished', { step: 'm', outcome: 'done', ms: 1 })),
      ...t.end('done'),
    ];
    assert.deepEqual(out.map((e) => ['action' in e.payload ? e.payload['action'] : 'none', (e.payload['data'] as Record<string, unknown> | undefined)?.['status']]), [
      ['evacuation', undefined], ['none', 'blocked'], [null, undefined],
    ]);
  });
});

describe('Socket.IO 0.9 payloads, the sandbox probe, plan names', () => {
  test('several packets are framed with their lengths in UTF-16 units, and decode back', () => {
    const packets = ['1::/events', '5::/events:{"name":"log","args":[{"message":"héllo ☃"}]}'];
    const text = encodePayload(packets);
    assert.ok(text.startsWith('\ufffd10\ufffd1::/events\ufffd'));
    assert.deepEqual(decodePayload(text), packets);
    assert.equal(encodePayload(['8::']), '8::', 'one packet goes unframed');
    assert.deepEqual(decodePayload('2::'), ['2::']);
  });

  test('only a Keystone on loopback over http is ever asked whether it is a sandbox', () => {
    assert.equal(loopbackOrigin({ auth: { auth_url: 'http://127.0.0.1:17000/identity/v3' } as never }), 'http://127.0.0.1:17000');
    assert.equal(loopbackOrigin({ auth: { auth_url: 'https://keystone.example.com:5000/v3' } as never }), undefined);
    assert.equal(loopbackOrigin({ auth: { auth_url: 'http://10.0.0.5:5000/v3' } as never }), undefined);
  });

  test('the plans of the original API\'s actions have names that fit a 60-character Nova tag with their prefix, and stay distinct', () => {
    const a = granularPlan({ action: 'migrate', kind: 'project', names: ['adae9c89bec442d655f8e6969f24d19a'] }).name;
    const b = granularPlan({ action: 'migrate', kind: 'project', names: ['adae9c89bec442d655f8e6969f24d19b'] }).name;
    const server = granularPlan({ action: 'migrate', kind: 'server', names: ['2c2b40df-b081-4a36-9595-da64b132f2c8'] }).name;
    for (const name of [a, b, server]) assert.ok(`pumphouse-plan=${name}`.length <= 60, name);
    assert.notEqual(a, b);
    assert.equal(granularPlan({ action: 'upgrade', hosts: ['cmp-3'] }).name, 'upgrade-cmp-3');
  });

  test('serve --maps-from takes a plan file\'s non-empty maps, and refuses one with errors (PH4030)', async () => {
    const engine = new Engine({ config: () => { throw new Error('validate needs no config'); } });
    assert.deepEqual((await mapsFromPlanFile(engine, 'plans/maps.yaml'))['networks'], { public: 'admin_floating_net' });
    const t = tempFiles({ 'bad.yaml': 'apiVersion: pumphouse/v1\nkind: MigrationPlan\nspec: { mapz: {} }\n' });
    try {
      await assert.rejects(mapsFromPlanFile(engine, t.path('bad.yaml')), (error: Error & { code?: string }) => error.code === 'PH4030' && /bad\.yaml: the plan file has errors/.test(error.message));
    } finally {
      t.cleanup();
    }
  });
});
