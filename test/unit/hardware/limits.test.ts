import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectFuel } from '../../../src/fuel/index.js';
import { RedfishDriver } from '../../../src/hardware/redfish.js';
import { PumphouseError } from '../../../src/errors.js';
import { hostileServer } from '../../helpers/hostile.js';

// A Fuel master and a BMC answer like any HTTP server: one that streams an endless answer must
// not be read into memory. Each client stops at its limit (settings.http.max_response_bytes in
// pumphouse.yaml) and says so, and the hostile server (started here, on loopback) sees the
// connection closed long before it could send its gigabyte.

const LIMIT = 1 << 20;

async function failure(work: () => Promise<unknown>): Promise<PumphouseError> {
  try {
    await work();
  } catch (error) {
    assert.ok(error instanceof PumphouseError, String(error));
    return error;
  }
  assert.fail('expected a failure');
}

test('Fuel: an endless answer stops at maxResponseBytes with a coded error naming the limit', { timeout: 30_000 }, async () => {
  const fuel = await hostileServer('flood');
  try {
    const error = await failure(() => connectFuel({ url: fuel.url, username: 'admin', password: 'admin', retry: { maxRetries: 0 }, maxResponseBytes: LIMIT }));
    assert.equal(error.code, 'PH1910');
    assert.match(error.message, /larger than 1048576 bytes/);
    assert.match(error.hint ?? '', /settings\.http\.max_response_bytes/);
    assert.ok(fuel.sentBytes() < 32 * LIMIT, `${fuel.sentBytes()} bytes sent before the close`);
  } finally {
    await fuel.close();
  }
});

test('Redfish: an endless answer from a BMC stops at maxResponseBytes (PH1804)', { timeout: 30_000 }, async () => {
  const bmc = await hostileServer('flood');
  try {
    const driver = new RedfishDriver({ driver: 'redfish', address: '127.0.0.1', port: bmc.port, scheme: 'http', username: 'root', password: 'pw', timeoutMs: 20_000, maxResponseBytes: LIMIT }, { retry: { maxRetries: 0 } });
    const error = await failure(() => driver.powerState());
    assert.equal(error.code, 'PH1804');
    assert.match(error.message, /larger than 1048576 bytes/);
    assert.ok(bmc.sentBytes() < 32 * LIMIT, `${bmc.sentBytes()} bytes sent before the close`);
  } finally {
    await bmc.close();
  }
});
