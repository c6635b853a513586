import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FuelClient } from '../../../src/fuel/index.js';
import type { BmcSpec } from '../../../src/config/types.js';
import type { PowerDriver } from '../../../src/hardware/index.js';
import { lazyFuel, powerFor } from '../../../src/hosts/world.js';

// The host steps' world: Fuel reached on first use only, once; each BMC's driver made once.

describe('lazyFuel', () => {
  test('connects on the first operation, once for all that follow, and again after a failed connection', async () => {
    let connects = 0;
    let fail = true;
    const client = { clusters: async () => [{ id: 1, name: 'mos-9' }], clusterByName: async (name: string) => ({ id: 1, name }) } as unknown as FuelClient;
    const fuel = lazyFuel(async () => {
      connects++;
      if (fail) throw Object.assign(new Error('Fuel refused the password'), { code: 'PH1901' });
      return client;
    });
    assert.equal(connects, 0, 'not before a step needs it');
    await assert.rejects(fuel.environments(), /refused the password/);
    fail = false;
    assert.deepEqual(await fuel.environments(), [{ id: 1, name: 'mos-9' }]);
    assert.equal(await fuel.environmentId('mos-9'), 1);
    assert.equal(connects, 2);
  });
});

describe('powerFor', () => {
  const bmc: BmcSpec = { driver: 'ipmitool', address: '127.0.0.1', username: 'admin', password: 's3cret-not-shown' };
  const config = { file: 'pumphouse.yaml', hosts: { 'cmp-3': { name: 'cmp-3', management: 'bmc' as const, bmc, pxeMacs: [] }, 'cmp-1': { name: 'cmp-1', management: 'fuel' as const, pxeMacs: [] } } };

  test('makes each host\'s driver once, when first asked', () => {
    const made: BmcSpec[] = [];
    const power = powerFor(config, (spec) => {
      made.push(spec);
      return { description: `fake ${spec.address}` } as PowerDriver;
    });
    assert.equal(made.length, 0);
    assert.equal(power('cmp-3'), power('cmp-3'));
    assert.deepEqual(made, [bmc]);
  });

  test('a host without a BMC: PH1806 naming the key to add, without any password', () => {
    const power = powerFor(config, () => assert.fail('no driver for a host without a BMC'));
    assert.throws(() => power('cmp-1'), (error: any) => {
      assert.equal(error.code, 'PH1806');
      assert.match(error.hint, /hosts\.cmp-1\.bmc: .* to pumphouse\.yaml/);
      assert.doesNotMatch(`${error.message} ${error.hint}`, /s3cret/);
      return true;
    });
  });
});
