// The flavor and image parts (src/migrate/flavor-parts.ts, image-parts.ts) against the simulated
// target cloud, with hand-made source objects, changes and an in-memory ledger: what each sync
// writes, that a reference becomes its copy's TARGET id, and that a relation the plan moves is
// never dropped silently.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Change } from '../../../src/diff/changes.js';
import { nullSink } from '../../../src/events/sink.js';
import { InventoryLookup } from '../../../src/inventory/lookup.js';
import type { InventoryResource } from '../../../src/inventory/model.js';
import { MigrationContext, type MigrationLedger } from '../../../src/migrate/context.js';
import { syncFlavorAccess, updateFlavor } from '../../../src/migrate/flavor-parts.js';
import { syncImageMembers, updateImage } from '../../../src/migrate/image-parts.js';
import { connect, type Cloud } from '../../../src/openstack/index.js';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import type { CloudStore, Flavor, Image } from '../../../src/simulator/store.js';
import { sandboxCloudConfig } from '../../helpers/sandbox.js';
import { inventory, owned, resource } from '../../helpers/small-inventory.js';

/** Source address → target id, as the state file keeps them. */
function memoryLedger(mappings: Record<string, string>): MigrationLedger {
  return {
    mapping: (address) => mappings[address],
    setMapping: (address, id) => void (mappings[address] = id),
    saveMapping: async (address, id) => void (mappings[address] = id),
    downtime: () => undefined,
    setDowntime: async () => undefined,
    temporaries: () => ({}),
    addTemporary: async () => undefined,
    removeTemporary: async () => undefined,
  };
}

const change = (address: string, action: Change['action'], paths: string[] = [], target?: { id: string }): Change => ({
  address, kind: address.split(':')[0] as Change['kind'], action, differences: paths.map((path) => ({ path, before: null, after: null })),
  reason: 'test', impact: 'none', willNotSurvive: [], ...(target ? { target: { address, id: target.id, matchedBy: 'state' as const } } : {}),
});

describe('flavor and image parts on the target', () => {
  let sandbox: Sandbox;
  let target: Cloud;
  let store: CloudStore;
  const projectIds: Record<string, string> = {};

  before(async () => {
    sandbox = await startSandbox({ scenario: 'demo', portBase: 0, hardware: false });
    store = sandbox.clouds.target.store;
    target = await connect(sandboxCloudConfig(sandbox.target, 'sandbox-target'));
    // Three projects on the target, standing for copies of source projects.
    for (const name of ['finance', 'it-ops', 'shared']) {
      const domainId = store.domains.by('name', 'Default')[0]!.id;
      projectIds[name] = store.projects.insert({ id: randomUUID().replace(/-/g, ''), name, domainId, description: '', enabled: true, tags: [], parentId: domainId }).id;
    }
  });
  after(async () => {
    target.close();
    await sandbox.stop();
  });

  /** A context whose ledger maps the source projects to the target's, with `changes` as the plan. */
  function context(sourceObjects: InventoryResource[], changes: Change[], mappings: Record<string, string> = {}): MigrationContext {
    const projects = ['finance', 'it-ops', 'shared', 'gone'].map((name) => resource('project', name));
    return new MigrationContext({
      planName: 'parts', settings: { maps: { networks: {}, availabilityZones: {}, volumeTypes: {}, flavors: {} }, passwords: 'skip' },
      source: target, target, targetConfig: sandboxCloudConfig(sandbox.target, 'sandbox-target'),
      sourceLookup: new InventoryLookup(inventory('source', [...projects, ...sourceObjects])), targetLookup: new InventoryLookup(inventory('target', [])),
      changes, ledger: memoryLedger({ 'project:finance': projectIds['finance']!, 'project:it-ops': projectIds['it-ops']!, 'project:shared': projectIds['shared']!, ...mappings }),
      events: nullSink, passwords: { record: async () => undefined, known: () => undefined }, connect: () => Promise.resolve(target),
    });
  }

  function targetImage(fields: Partial<Image> = {}): Image {
    return store.images.insert({
      id: randomUUID(), name: `copy-${randomUUID().slice(0, 8)}`, ownerId: projectIds['finance']!, visibility: 'shared', status: 'active', sizeBytes: 1, virtualSizeBytes: 1,
      diskFormat: 'qcow2', containerFormat: 'bare', checksum: 'x', osHashAlgo: 'sha512', osHashValue: 'y', minRamMb: 0, minDiskGb: 0, protected: false, hidden: false,
      properties: {}, tags: [], members: [], createdAt: Date.now(), updatedAt: Date.now(), ...fields,
    });
  }

  test('members: the moving and on-target projects with the source status; a member the source lacks is removed', async () => {
    const copy = targetImage({ members: [{ memberId: projectIds['shared']!, status: 'accepted', createdAt: 0, updatedAt: 0 }] });
    const golden = owned('image', 'finance', 'golden', {
      refs: { members: ['project:finance', 'project:it-ops', 'project:gone'] },
      attributes: { visibility: 'shared', memberStatus: { 'project:finance': 'rejected', 'project:it-ops': 'accepted', 'project:gone': 'pending' } },
    });
    // it-ops moves with the plan; finance is merely on the target; gone is neither (a listed loss).
    const m = context([golden], [change('project:it-ops', 'create')]);
    await syncImageMembers(m, await target.image(), golden, copy.id);
    assert.deepEqual(Object.fromEntries(copy.members.map((mb) => [mb.memberId, mb.status])), { [projectIds['finance']!]: 'rejected', [projectIds['it-ops']!]: 'accepted' });
  });

  test('a member project the plan moves but whose copy is missing fails the step (PH1621), never dropped silently', async () => {
    const copy = targetImage();
    const golden = owned('image', 'finance', 'golden', { refs: { members: ['project:gone'] }, attributes: { visibility: 'shared', memberStatus: { 'project:gone': 'accepted' } } });
    const m = context([golden], [change('project:gone', 'create')]);
    await assert.rejects(syncImageMembers(m, await target.image(), golden, copy.id), (error: Error & { code?: string }) => error.code === 'PH1621' && /member project of image:finance\/golden/.test(error.message));
    assert.deepEqual(copy.members, []);
  });

  test('update: kernel_id becomes the kernel copy’s target id (never the source’s), a ramdisk the source lacks goes, settable fields follow', async () => {
    const kernelCopy = targetImage({ visibility: 'public', diskFormat: 'aki', containerFormat: 'aki' });
    const sourceKernelId = randomUUID();
    const copy = targetImage({ visibility: 'private', properties: { kernel_id: sourceKernelId, ramdisk_id: randomUUID(), os_distro: 'rhel', stray: '1' }, tags: ['pumphouse-source=src-img'] });
    const image = owned('image', 'finance', 'golden', { id: 'src-img', refs: { kernel: 'image:admin/vmlinuz' }, attributes: { visibility: 'public', properties: { os_distro: 'rhel' } } });
    const kernel = resource('image', 'admin/vmlinuz', { id: sourceKernelId });
    const m = context([image, kernel], [change(image.address, 'update', ['refs.kernel', 'refs.ramdisk', 'attributes.properties', 'attributes.visibility', 'attributes.protected', 'attributes.hidden', 'attributes.tags'], copy)], { 'image:admin/vmlinuz': kernelCopy.id });
    await updateImage(m, copy.id, { properties: { os_distro: 'rhel' }, visibility: 'public', protected: true, hidden: true, tags: ['base'] }, image.id);
    assert.deepEqual(copy.properties, { kernel_id: kernelCopy.id, os_distro: 'rhel' });
    assert.deepEqual({ visibility: copy.visibility, protected: copy.protected, hidden: copy.hidden }, { visibility: 'public', protected: true, hidden: true });
    assert.deepEqual([...copy.tags].sort(), ['base', 'pumphouse-plan=parts', 'pumphouse-source=src-img'], 'the marks stay');
  });

  test('flavor: access list made the source’s (added, removed), description and extra specs set, stray specs removed', async () => {
    const copy: Flavor = store.flavors.insert({
      id: randomUUID(), name: `f-${randomUUID().slice(0, 8)}`, vcpus: 1, ramMb: 512, diskGb: 1, ephemeralGb: 0, swapMb: 0, isPublic: false, disabled: false, rxtxFactor: 1,
      description: 'old', extraSpecs: { 'hw:cpu_policy': 'shared', stray: 'x' }, accessProjectIds: [projectIds['shared']!],
    });
    const flavor = resource('flavor', 'secure', { refs: { accessProjects: ['project:finance', 'project:it-ops', 'project:gone'] }, attributes: { isPublic: false } });
    const m = context([flavor], [change(flavor.address, 'update', ['refs.accessProjects', 'attributes.description', 'attributes.extraSpecs'], copy)]);
    await updateFlavor(m, copy.id, { description: 'pinned', extraSpecs: { 'hw:cpu_policy': 'dedicated' } }, flavor.id);
    assert.deepEqual({ access: [...copy.accessProjectIds].sort(), description: copy.description, specs: copy.extraSpecs },
      { access: [projectIds['finance']!, projectIds['it-ops']!].sort(), description: 'pinned', specs: { 'hw:cpu_policy': 'dedicated' } });
    // A public flavor has no access list to sync.
    const pub = resource('flavor', 'public', { refs: { accessProjects: ['project:finance'] }, attributes: { isPublic: true } });
    await syncFlavorAccess(m, await target.compute(), pub, copy.id);
    assert.equal(copy.accessProjectIds.length, 2);
  });
});
