import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingSink } from '../../src/events/sink.js';
import { discoverInventory } from '../../src/inventory/index.js';
import { connect } from '../../src/openstack/index.js';
import { startSandbox, type Sandbox } from '../../src/simulator/sandbox.js';
import { sandboxCloudConfig } from '../helpers/sandbox.js';

// Discovery against a misbehaving cloud: it must finish, complete and identical to a calm run,
// and say what it went through (retries as events).

const adminOf = (sandbox: Sandbox) => sandboxCloudConfig(sandbox.source, 'source');

test('with 10 % of calls failing 500/503, discovery retries and ends with the same inventory', async () => {
  const calm = await startSandbox({ scenario: 'demo', portBase: 0 });
  const stormy = await startSandbox({ scenario: 'demo', portBase: 0, faults: { errorRate: 0.1, seed: 7, latencyMs: 2 } });
  try {
    const expected = await discoverInventory(await connect(adminOf(calm)), { label: 'source' });
    const events = new RecordingSink();
    const cloud = await connect(adminOf(stormy), { events, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    const got = await discoverInventory(cloud, { label: 'source', events });
    assert.equal(got.partial, false, JSON.stringify(got.diagnostics));
    assert.equal(got.fingerprint, expected.fingerprint);
    assert.ok(events.ofType('http_retry').length > 0, 'the retries are visible as events');
    cloud.close();
  } finally {
    await calm.stop();
    await stormy.stop();
  }
});

test('tokens that expire mid-discovery are renewed without the operator noticing', async () => {
  const sandbox = await startSandbox({ scenario: 'demo', portBase: 0, faults: { tokenTtlSeconds: 1, latencyMs: 20 } });
  try {
    const cloud = await connect(adminOf(sandbox), { refreshBeforeMs: 0 });
    const inventory = await discoverInventory(cloud, { label: 'source', concurrency: 1 });
    assert.equal(inventory.partial, false, JSON.stringify(inventory.diagnostics));
    assert.ok(inventory.resources.some((r) => r.kind === 'server'));
    cloud.close();
  } finally {
    await sandbox.stop();
  }
});
