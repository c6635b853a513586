import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CutoverMode } from '../../../src/desired/model.js';
import { resolveSelection } from '../../../src/desired/resolve.js';
import { diffState } from '../../../src/diff/diff.js';
import { markTags, PRECOPIED_METADATA_KEY, VERIFIED_METADATA_KEY } from '../../../src/diff/marks.js';
import type { InventoryResource } from '../../../src/inventory/model.js';
import { renderPlanHuman } from '../../../src/render/human/plan.js';
import { demoSourceResources, desired, freshTarget, inventory, owned, resource, workload } from '../../helpers/small-inventory.js';

// The diff while web-1 is between its warm pre-copy and its cutover: its copy is built, stopped,
// marked pre-copied and not verified, and its port's copy is admin-down on purpose. The plan
// says web-1 waits for its cutover and leaves the port's admin state to that cutover.

const SNAPSHOT_AT = '2026-12-05T06:00:00.000Z';
const PORT = 'port:demo/p-web-1';
const WEB_1 = 'server:demo/web-1';

function plan(cutover: CutoverMode, copyMetadata: Record<string, string>) {
  const resources = demoSourceResources().map((r) => (r.address === PORT ? { ...r, attributes: { ...r.attributes, adminStateUp: true } } : r));
  const source = inventory('source', resources);
  const sourcePort = resources.find((r) => r.address === PORT) as InventoryResource;
  const portCopy = { ...sourcePort, id: 't-port', project: { id: 't-demo', name: 'demo' }, attributes: { ...sourcePort.attributes, adminStateUp: false, tags: markTags(sourcePort.id, 'test') } };
  const serverCopy = owned('server', 'demo', 'web-1', { id: 't-web', attributes: { tags: markTags('id-server-demo/web-1', 'test'), status: 'SHUTOFF', flavor: { name: 'm1.small' }, bootFromVolume: false, metadata: copyMetadata } });
  const target = freshTarget([resource('project', 'demo', { id: 't-demo', refs: { domain: 'domain:Default' }, attributes: { enabled: true, description: 'demo', tags: [] } }), portCopy, serverCopy]);
  const want = desired({ workloads: [workload(0, { cutover, servers: { names: ['web-1'], ids: [], tags: [], hosts: [] } })] });
  const changeSet = diffState({ desired: want, selection: resolveSelection(want, source), source, target, mappings: {} });
  const change = (address: string) => changeSet.changes.find((c) => c.address === address);
  return { changeSet, port: change(PORT), server: change(WEB_1) };
}

const adminState = (differences: ReadonlyArray<{ path: string }> | undefined) => (differences ?? []).filter((d) => d.path === 'attributes.adminStateUp');

describe('a plan made mid-warm-move', () => {
  test('the server waits for its cutover, nothing left to copy; its port\'s admin state is not an update', () => {
    const { port, server } = plan('warm', { [PRECOPIED_METADATA_KEY]: SNAPSHOT_AT });
    assert.equal(server?.action, 'migrate');
    assert.equal(server?.move?.precopied, SNAPSHOT_AT);
    assert.equal(server?.move?.bytes, 0);
    assert.match(server?.reason ?? '', /pre-copied \(snapshot of 2026-12-05T06:00:00.000Z\), waiting for its cutover/);
    assert.deepEqual(adminState(port?.differences), []);
    assert.notEqual(port?.action, 'update');
    assert.match(port?.reason ?? '', /admin-down until the cutover of server:demo\/web-1/);
  });

  test('the human plan says so on the server\'s line', () => {
    const { changeSet } = plan('warm', { [PRECOPIED_METADATA_KEY]: SNAPSHOT_AT });
    const text = renderPlanHuman({
      formatVersion: 1, plan: { name: 't', file: 'plan.yaml', fileHash: 'h' }, createdAt: SNAPSHOT_AT,
      inventories: { source: { cloud: 's', authUrl: 'u', takenAt: SNAPSHOT_AT, fingerprint: 'f' }, target: { cloud: 't', authUrl: 'u', takenAt: SNAPSHOT_AT, fingerprint: 'f' } },
      summary: { create: 0, update: 0, migrate: 1, conflict: 0, noop: 0, hostsToUpgrade: 0, hostChanges: 0, bytes: 0, downtimeSeconds: 0, worstImpact: 'downtime' },
      changes: changeSet.changes, steps: [], preflight: [], diagnostics: [], applyable: true, settings: {} as never, sourceDigests: {}, targetDigests: {},
    }, { color: false });
    assert.match(text, /→ server:demo\/web-1 {2}snapshot, warm cutover, pre-copied \(snapshot of 2026-12-05T06:00:00.000Z\), waiting for its cutover, ~/);
    assert.doesNotMatch(text, /adminStateUp/);
  });

  test('once the warm move is over, a port admin-down on the target is a difference again', () => {
    const { port, server } = plan('warm', { [PRECOPIED_METADATA_KEY]: SNAPSHOT_AT, [VERIFIED_METADATA_KEY]: SNAPSHOT_AT });
    assert.notEqual(server?.action, 'migrate');
    assert.equal(adminState(port?.differences).length, 1);
  });

  test('a cold move leaves no port admin-down on purpose: the difference shows', () => {
    const { port, server } = plan('cold', {});
    assert.equal(server?.move?.precopied, undefined);
    assert.equal(adminState(port?.differences).length, 1);
  });
});
