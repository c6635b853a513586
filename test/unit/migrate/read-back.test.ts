import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryDocument, StateLedger } from '../../../src/apply/ledger.js';
import { nullSink } from '../../../src/events/sink.js';
import { isPumphouseError } from '../../../src/errors.js';
import { ALL_COLLECTORS } from '../../../src/inventory/collectors/index.js';
import { discoverInventory } from '../../../src/inventory/index.js';
import { InventoryLookup } from '../../../src/inventory/lookup.js';
import type { Inventory, InventoryResource } from '../../../src/inventory/model.js';
import { MigrationContext } from '../../../src/migrate/context.js';
import { copyRunner } from '../../../src/migrate/copy.js';
import { flavorCopy } from '../../../src/migrate/compute.js';
import { inconsistencies, readBack, verifyReadBack } from '../../../src/migrate/read-back.js';
import { MIGRATED_KINDS } from '../../../src/model/index.js';
import { connect, type Cloud } from '../../../src/openstack/index.js';
import type { StepContext } from '../../../src/executor/runner.js';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import { sandboxCloudConfig } from '../../helpers/sandbox.js';

// Verification by read-back. The demo source cloud serves as its own "target": every object is
// mapped to itself, so a read-back of an untouched object must find nothing, and an object
// changed in the simulator behind Pumphouse's back must fail with the fields and both values.

let sandbox: Sandbox;
let cloud: Cloud;
let inventory: Inventory;

function selfContext(): MigrationContext {
  const ledger = new StateLedger(new MemoryDocument());
  for (const r of inventory.resources) ledger.setMapping(r.address, r.id);
  const lookup = new InventoryLookup(inventory);
  return new MigrationContext({
    planName: 'test', settings: { maps: { networks: {}, volumeTypes: {}, availabilityZones: {}, flavors: {} }, passwords: 'skip' },
    source: cloud, target: cloud, targetConfig: sandboxCloudConfig(sandbox.source, 'target'), sourceLookup: lookup, targetLookup: lookup,
    changes: [], ledger, events: nullSink, passwords: { record: async () => undefined, known: () => undefined }, connect: async () => cloud,
  });
}

const the = (address: string): InventoryResource => {
  const found = inventory.resources.find((r) => r.address === address);
  assert.ok(found, `${address} is in the demo scenario`);
  return found;
};

/** The PH1632 error verifyReadBack throws for `resource` now. */
async function inconsistency(resource: InventoryResource): Promise<string> {
  const error = await verifyReadBack(selfContext(), resource, resource.id).then(() => undefined, (e: unknown) => e);
  assert.ok(isPumphouseError(error), `${resource.address}: the read-back finds the change`);
  assert.equal(error.code, 'PH1632');
  return error.message;
}

describe('read-back', () => {
  before(async () => {
    sandbox = await startSandbox({ scenario: 'demo', portBase: 0 });
    cloud = await connect(sandboxCloudConfig(sandbox.source, 'source'));
    inventory = await discoverInventory(cloud, { label: 'source' });
  });
  after(async () => {
    cloud.close();
    await sandbox.stop();
  });

  test('every kind apply copies can be read back one object at a time', () => {
    for (const kind of MIGRATED_KINDS) {
      const collectors = ALL_COLLECTORS.filter((c) => c.kind === kind);
      assert.ok(collectors.length > 0 && collectors.every((c) => c.fetchOne), `${kind}: its collectors have fetchOne`);
    }
  });

  test('an untouched object reads back as discovery described it: no inconsistency, in every migrated kind', async () => {
    const m = selfContext();
    const migrated = inventory.resources.filter((r) => MIGRATED_KINDS.includes(r.kind));
    assert.deepEqual(new Set(migrated.map((r) => r.kind)), new Set(MIGRATED_KINDS), 'the demo scenario has every migrated kind');
    for (const resource of migrated) {
      const copy = await readBack(m, resource, resource.id);
      assert.ok(copy, `${resource.address} reads back`);
      assert.deepEqual(inconsistencies(m, resource, copy), [], resource.address);
      assert.deepEqual(copy.attributes, resource.attributes, `${resource.address}: the same attributes as the listing gave`);
    }
  });

  test('a changed field, a missing interface, an access list or membership the target lost: the step fails naming each with both values', async () => {
    const store = sandbox.clouds.source.store;
    const router = the('router:demo/demo-router');
    const iface = store.ports.all().find((p) => p.deviceId === router.id && p.deviceOwner.startsWith('network:router_interface'));
    assert.ok(iface, 'the demo router has an interface');
    store.ports.delete(iface.id);
    assert.match(await inconsistency(router), /refs\.subnets: the target has \[\], the source \["subnet:demo\/demo-subnet"\]/);

    const subnet = the('subnet:demo/demo-subnet');
    store.subnets.get(subnet.id)!.dnsNameservers = ['192.0.2.53'];
    assert.match(await inconsistency(subnet), /attributes\.dnsNameservers: the target has \["192\.0\.2\.53"\], the source \[.*\]/);

    const web1 = the('server:demo/web-1');
    const server = store.servers.get(web1.id)!;
    server.metadata = { ...server.metadata, changed: 'behind our back' };
    server.status = 'SHUTOFF';
    const message = await inconsistency(web1);
    assert.match(message, /attributes\.status: the target has "SHUTOFF", the source "ACTIVE"/);
    assert.match(message, /attributes\.metadata: the target has \{.*"changed":"behind our back".*\}/);

    const flavor = inventory.resources.find((r) => r.kind === 'flavor' && r.attributes['isPublic'] === false && (r.refs['accessProjects'] ?? []).length > 0);
    assert.ok(flavor, 'the demo scenario has a private flavor with an access list');
    store.flavors.get(flavor.id)!.accessProjectIds = [];
    assert.match(await inconsistency(flavor), /refs\.accessProjects: the target has \[\], the source \["project:/);
  });

  test('the copy runner verifies by read-back: a write the target did not keep fails the step', async () => {
    const m = selfContext();
    const flavor = inventory.resources.find((r) => r.kind === 'flavor' && r.attributes['isPublic'] === true && Object.keys(r.attributes['extraSpecs'] as object).length > 0);
    assert.ok(flavor, 'a public flavor with extra specs (the private one is changed above)');
    const runner = copyRunner(m, flavorCopy);
    const ctx = { step: { id: `create:${flavor.address}`, action: 'create', kind: 'flavor', address: flavor.address, dependsOn: [] }, attempt: 1 } as unknown as StepContext;
    await runner.verify(ctx);
    sandbox.clouds.source.store.flavors.get(flavor.id)!.extraSpecs = {};
    await assert.rejects(runner.verify(ctx), (error: unknown) => isPumphouseError(error) && error.code === 'PH1632' && /attributes\.extraSpecs: the target has \{\}/.test(error.message));
  });
});
