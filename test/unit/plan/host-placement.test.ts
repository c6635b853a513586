import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { placeLeavingServers, type PlacementInput } from '../../../src/diff/host-placement.js';

const server = (key: string, host: string, ramMb = 2048, diskGb = 20) => ({ key, name: key, host, ramMb, diskGb });
const roomy = (name: string, freeRamMb = 64_000, freeDiskGb = 1000) => ({ name, freeRamMb, freeDiskGb });

function input(fields: Partial<PlacementInput>): PlacementInput {
  return { hosts: [], unavailable: new Map(), servers: [], groups: [], leaving: [], ...fields };
}

describe('placeLeavingServers', () => {
  test('anti-affinity: the only host left runs the other member, so the server has nowhere to go', () => {
    const homeless = placeLeavingServers(input({
      hosts: [roomy('cmp-2')],
      unavailable: new Map([['cmp-3', 'is taken out by this plan (maintenance)']]),
      servers: [server('web-1', 'cmp-1'), server('web-2', 'cmp-2'), server('db-1', 'cmp-1')],
      groups: [{ name: 'web-anti', policy: 'anti-affinity', members: ['web-1', 'web-2'] }],
      leaving: [{ host: 'cmp-1', servers: ['web-1', 'db-1'], to: [] }],
    }));
    assert.deepEqual(homeless.map((h) => [h.server.name, h.group, h.why]), [
      ['web-1', { name: 'web-anti', policy: 'anti-affinity' }, 'cmp-2 runs web-2 of its anti-affinity group web-anti; cmp-3 is taken out by this plan (maintenance)'],
    ], 'db-1, in no group, still goes to cmp-2');
  });

  test('two members leaving together cannot both take the one free host; a third host takes the second', () => {
    const leaving = [{ host: 'cmp-1', servers: ['a', 'b'], to: [] }];
    const groups = [{ name: 'g', policy: 'anti-affinity', members: ['a', 'b'] }];
    const servers = [server('a', 'cmp-1'), server('b', 'cmp-1')];
    assert.deepEqual(placeLeavingServers(input({ hosts: [roomy('cmp-2')], servers, groups, leaving })).map((h) => h.server.name), ['b']);
    assert.deepEqual(placeLeavingServers(input({ hosts: [roomy('cmp-2'), roomy('cmp-3')], servers, groups, leaving })), []);
  });

  test('affinity: a member cannot leave the host its peers stay on', () => {
    const homeless = placeLeavingServers(input({
      hosts: [roomy('cmp-2')], servers: [server('a', 'cmp-1'), server('b', 'cmp-1')],
      groups: [{ name: 'together', policy: 'affinity', members: ['a', 'b'] }], leaving: [{ host: 'cmp-1', servers: ['a'], to: [] }],
    }));
    assert.match(homeless[0]?.why ?? '', /its affinity group together keeps it with b on cmp-1/);
  });

  test('soft policies never refuse a host', () => {
    assert.deepEqual(placeLeavingServers(input({
      hosts: [roomy('cmp-2')], servers: [server('a', 'cmp-1'), server('b', 'cmp-2')],
      groups: [{ name: 'soft', policy: 'soft-anti-affinity', members: ['a', 'b'] }], leaving: [{ host: 'cmp-1', servers: ['a'], to: [] }],
    })), []);
  });

  test('capacity: RAM and disk are used up as servers are placed; a boot-from-volume server needs no disk', () => {
    const servers = [server('big', 'cmp-1', 6000), server('small', 'cmp-1', 3000), server('bfv', 'cmp-1', 1000, 0)];
    const homeless = placeLeavingServers(input({ hosts: [roomy('cmp-2', 8000, 20)], servers, leaving: [{ host: 'cmp-1', servers: ['big', 'small', 'bfv'], to: [] }] }));
    assert.deepEqual(homeless.map((h) => [h.server.name, h.why]), [['small', 'cmp-2 has 2000 MB RAM free, it needs 3000']]);
  });

  test('a cloud that does not report capacity (Infinity) is left to the scheduler', () => {
    assert.deepEqual(placeLeavingServers(input({ hosts: [roomy('cmp-2', Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)], servers: [server('a', 'cmp-1', 1e9)], leaving: [{ host: 'cmp-1', servers: ['a'], to: [] }] })), []);
  });

  test('`to` limits the destinations; a named host that is not a hypervisor is said so', () => {
    const homeless = placeLeavingServers(input({ hosts: [roomy('cmp-2'), roomy('cmp-3')], servers: [server('a', 'cmp-1')], leaving: [{ host: 'cmp-1', servers: ['a'], to: ['cmp-9'] }] }));
    assert.deepEqual(homeless.map((h) => h.why), ['cmp-9 is not a hypervisor of this cloud']);
  });
});
