import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PumphouseError } from '../../../src/errors.js';
import { FUEL_CODES, assignNetworksFrom, layoutDisksFrom, networksByName, type FuelDisk, type FuelInterface } from '../../../src/fuel/index.js';

const mismatch = (...texts: string[]) => (error: unknown): boolean => {
  assert.ok(error instanceof PumphouseError);
  assert.equal(error.code, FUEL_CODES.layoutMismatch);
  for (const text of texts) assert.ok(error.message.includes(text), `"${error.message}" should contain "${text}"`);
  return true;
};

const disk = (name: string, id: string, size: number, volumes: [string, number][]): FuelDisk => ({ id, name, size, extra: [], volumes: volumes.map(([n, s]) => ({ name: n, size: s })) });

describe('layoutDisksFrom', () => {
  const reference = [disk('sda', 'ref-by-path-0', 1000, [['os', 300], ['vm', 700]]), disk('sdb', 'ref-by-path-1', 1000, [['os', 0], ['vm', 1000]])];

  test('matches by name: target id and size, reference volumes, in target order', () => {
    const target = [disk('sdb', 'tgt-1', 1200, [['os', 0], ['vm', 1200]]), disk('sda', 'tgt-0', 1100, [['os', 50], ['vm', 1050]])];
    assert.deepEqual(layoutDisksFrom(reference, target), [
      { id: 'tgt-1', size: 1200, volumes: [{ name: 'os', size: 0 }, { name: 'vm', size: 1000 }] },
      { id: 'tgt-0', size: 1100, volumes: [{ name: 'os', size: 300 }, { name: 'vm', size: 700 }] },
    ]);
  });

  test('the result does not share volume objects with the reference', () => {
    const result = layoutDisksFrom(reference, [disk('sda', 'a', 1000, []), disk('sdb', 'b', 1000, [])]);
    (result[0]?.volumes[0] as { size: number }).size = 1;
    assert.equal(reference[0]?.volumes[0]?.size, 300);
  });

  test('a disk on one side only is refused, naming it', () => {
    assert.throws(() => layoutDisksFrom(reference, [disk('sda', 'a', 1000, [])]), mismatch('disk', 'sdb', 'the reference node has'));
    assert.throws(() => layoutDisksFrom(reference, [...[disk('sda', 'a', 1000, []), disk('sdb', 'b', 1000, [])], disk('sdc', 'c', 1000, [])]), mismatch('sdc', 'the target node has'));
  });

  test('reference volumes larger than the target disk are refused before Fuel would', () => {
    assert.throws(() => layoutDisksFrom(reference, [disk('sda', 'a', 999, []), disk('sdb', 'b', 1000, [])]), mismatch('sda', '1000 MB', '999 MB'));
  });
});

const nic = (name: string, id: number | undefined, networks: [number, string][], extra: Partial<FuelInterface> = {}): FuelInterface => ({
  ...(id !== undefined ? { id } : {}), name, type: 'ether', assigned_networks: networks.map(([i, n]) => ({ id: i, name: n })), ...extra,
});

describe('assignNetworksFrom', () => {
  const reference = [nic('eth0', 21, [[1, 'fuelweb_admin'], [6, 'management']]), nic('eth1', 22, [[5, 'public'], [7, 'storage']])];
  const target = [nic('eth1', 102, [[5, 'public']]), nic('eth0', 101, [[1, 'fuelweb_admin'], [6, 'management'], [7, 'storage']])];

  test('same cluster: target NIC ids with the reference networks, ids kept', () => {
    assert.deepEqual(assignNetworksFrom(reference, target), [
      { id: 102, type: 'ether', assigned_networks: [{ id: 5, name: 'public' }, { id: 7, name: 'storage' }] },
      { id: 101, type: 'ether', assigned_networks: [{ id: 1, name: 'fuelweb_admin' }, { id: 6, name: 'management' }] },
    ]);
  });

  test('other cluster: networks are mapped by name to the target ids (Map or record)', () => {
    const ids = networksByName({ networks: [
      { id: 1, name: 'fuelweb_admin', group_id: null, cidr: null, gateway: null, vlan_start: null, ip_ranges: [], meta: {} },
      { id: 16, name: 'management', group_id: 3, cidr: null, gateway: null, vlan_start: 101, ip_ranges: [], meta: {} },
      { id: 15, name: 'public', group_id: 3, cidr: null, gateway: null, vlan_start: null, ip_ranges: [], meta: {} },
      { id: 17, name: 'storage', group_id: 3, cidr: null, gateway: null, vlan_start: 102, ip_ranges: [], meta: {} },
    ] });
    const viaMap = assignNetworksFrom(reference, target, ids);
    assert.deepEqual(viaMap.map((n) => n.assigned_networks.map((a) => a.id)), [[15, 17], [1, 16]]);
    assert.deepEqual(assignNetworksFrom(reference, target, Object.fromEntries(ids)), viaMap);
  });

  test('a network unknown to the target environment is refused, listing those it has', () => {
    assert.throws(() => assignNetworksFrom(reference, target, { fuelweb_admin: 1, management: 16, public: 15 }), mismatch('"storage"', 'fuelweb_admin, management, public'));
  });

  test('a NIC on one side only is refused, naming it', () => {
    assert.throws(() => assignNetworksFrom(reference, [nic('eth0', 101, [])]), mismatch('NIC', 'eth1'));
    assert.throws(() => assignNetworksFrom(reference, [...target, nic('eth2', 103, [])]), mismatch('eth2', 'the target node has'));
  });

  test('a reference bond is recreated by name over the target slaves; a missing slave is refused', () => {
    const bonded = [
      nic('eth0', 21, [[1, 'fuelweb_admin']]), nic('eth1', 22, []), nic('eth2', 23, []),
      { name: 'ovs-bond0', type: 'bond' as const, mode: 'balance-slb', slaves: [{ name: 'eth1' }, { name: 'eth2' }], assigned_networks: [{ id: 5, name: 'public' }] },
    ];
    const targetNics = [nic('eth0', 101, []), nic('eth1', 102, []), nic('eth2', 103, [])];
    const result = assignNetworksFrom(bonded, targetNics);
    assert.deepEqual(result.at(-1), { type: 'bond', name: 'ovs-bond0', mode: 'balance-slb', slaves: [{ name: 'eth1' }, { name: 'eth2' }], assigned_networks: [{ id: 5, name: 'public' }] });
    assert.deepEqual(result.slice(0, 3).map((n) => n.id), [101, 102, 103]);
    const withoutEth2 = bonded.map((n) => (n.type === 'bond' ? { ...n, slaves: [{ name: 'eth1' }, { name: 'eth9' }] } : n));
    assert.throws(() => assignNetworksFrom(withoutEth2, targetNics), mismatch('ovs-bond0', 'eth9'));
  });
});
