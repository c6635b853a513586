import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PumphouseError } from '../../../src/errors.js';
import { FUEL_CODES, fixedLayoutFor, fixedLayoutProblems, type FixedLayoutSpec, type FuelDisk, type FuelInterface } from '../../../src/fuel/index.js';

const disks: FuelDisk[] = [
  { id: 'disk/by-path/0', name: 'sda', size: 982_752, extra: [], volumes: [] },
  { id: 'disk/by-path/1', name: 'sdb', size: 982_752, extra: [], volumes: [] },
];
const nics: FuelInterface[] = [
  { id: 31, name: 'eth0', type: 'ether', assigned_networks: [] },
  { id: 32, name: 'eth1', type: 'ether', assigned_networks: [] },
];
const networks = new Map([['fuelweb_admin', 1], ['public', 5], ['management', 6], ['storage', 7], ['private', 8]]);
const LAYOUT: FixedLayoutSpec = {
  disks: [{ name: 'sda', volumes: [{ name: 'os', size: 51_200 }, { name: 'vm', size: 'rest' }] }, { name: 'sdb', volumes: [{ name: 'os', size: 0 }, { name: 'vm', size: 'rest' }] }],
  interfaces: [{ name: 'eth0', networks: ['fuelweb_admin', 'management', 'storage'] }, { name: 'eth1', networks: ['public', 'private'] }],
};

describe('fixed layouts', () => {
  test('the PUT bodies: the node\'s own disk ids and sizes, "rest" filled in, NIC ids, networks by the environment\'s ids', () => {
    assert.deepEqual(fixedLayoutFor(LAYOUT, disks, nics, networks), {
      disks: [
        { id: 'disk/by-path/0', size: 982_752, volumes: [{ name: 'os', size: 51_200 }, { name: 'vm', size: 931_552 }] },
        { id: 'disk/by-path/1', size: 982_752, volumes: [{ name: 'os', size: 0 }, { name: 'vm', size: 982_752 }] },
      ],
      interfaces: [
        { id: 31, type: 'ether', assigned_networks: [{ id: 1, name: 'fuelweb_admin' }, { id: 6, name: 'management' }, { id: 7, name: 'storage' }] },
        { id: 32, type: 'ether', assigned_networks: [{ id: 5, name: 'public' }, { id: 8, name: 'private' }] },
      ],
    });
  });

  test('every mismatch is found at once, and nothing is built to send', () => {
    const wrong: FixedLayoutSpec = {
      disks: [{ name: 'sda', volumes: [{ name: 'os', size: 2_000_000 }] }, { name: 'sdc', volumes: [] }],
      interfaces: [{ name: 'eth0', networks: ['fuelweb_admin', 'management', 'storage', 'storage'] }, { name: 'eth2', networks: ['publik'] }],
    };
    assert.deepEqual(fixedLayoutProblems(wrong, disks, nics, networks), [
      'disk(s) sdc are not on the node (it has sda, sdb)',
      'the node\'s disk(s) sdb are not in the layout',
      'the volumes on disk sda take 2000000 MB but it has 982752 MB',
      'NIC(s) eth2 are not on the node (it has eth0, eth1)',
      'network(s) publik do not exist in the environment (it has fuelweb_admin, public, management, storage, private)',
      'network(s) storage are on more than one NIC',
      'network(s) public, private of the environment are on no NIC (Fuel wants every one placed)',
    ]);
    assert.throws(() => fixedLayoutFor(wrong, disks, nics, networks), (error: unknown) => {
      assert.ok(error instanceof PumphouseError);
      assert.equal(error.code, FUEL_CODES.fixedLayoutMismatch);
      assert.match(error.message, /sdc are not on the node/);
      assert.match(error.hint ?? '', /spec\.hosts\[\]\.fuel\.layout/);
      return true;
    });
  });

  test('a layout that fits has no problem', () => {
    assert.deepEqual(fixedLayoutProblems(LAYOUT, disks, nics, networks), []);
  });
});
