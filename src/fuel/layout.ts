import { PumphouseError } from '../errors.js';
import { FUEL_CODES } from './codes.js';
import type { FuelDisk, FuelDiskUpdate, FuelInterface, FuelInterfaceUpdate, FuelNetworkConfiguration, FuelNetworkRef } from './types.js';

/**
 * Copying a reference node's disk and NIC layout onto a new node (pumphouse's
 * ApplyDisksAttributesFromNode / ApplyNetAttributesFromNode, fuel-api.md §3.4–3.5). Pure: the
 * caller GETs both layouts and PUTs the result.
 *
 * Hardware ids differ between nodes (disk by-path ids, NIC database ids), kernel names do not on
 * identical servers: both copies match by name, and refuse when a name has no counterpart rather
 * than guess (a disk left without its volumes, or a network left on no NIC, fails the deploy).
 */

/** Network ids by name, for assignNetworksFrom when the nodes are in different clusters or node groups. */
export type NetworkIdsByName = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

/**
 * The target's disks with the reference's volumes: `[{id: target id, size: target size, volumes: reference volumes}]`.
 * @throws PH1911 when a disk name is on one node only, or the reference volumes do not fit a target disk
 */
export function layoutDisksFrom(reference: readonly FuelDisk[], target: readonly FuelDisk[]): FuelDiskUpdate[] {
  const referenceByName = new Map(reference.map((d) => [d.name, d]));
  const targetNames = new Set(target.map((d) => d.name));
  requireCounterparts('disk', [...referenceByName.keys()], [...targetNames]);
  return target.map((disk) => {
    const source = referenceByName.get(disk.name) as FuelDisk;
    const used = source.volumes.reduce((sum, v) => sum + v.size, 0);
    if (used > disk.size) {
      throw new PumphouseError(FUEL_CODES.layoutMismatch,
        `the reference node's volumes on disk ${disk.name} take ${used} MB but the target's ${disk.name} has ${disk.size} MB`, {
          hint: 'pick a reference compute node with the same disk sizes, or lay out the target node\'s disks in the Fuel UI',
        });
    }
    return { id: disk.id, size: disk.size, volumes: source.volumes.map((v) => ({ name: v.name, size: v.size })) };
  });
}

/**
 * The target's NICs carrying the reference's networks: `[{id: target id, type, assigned_networks}]`,
 * plus the reference's bonds (name, mode, slaves), which Fuel creates from the PUT. Network ids are
 * kept unless `targetNetworksByName` is given (nodes in different clusters): then each network is
 * looked up by name.
 * @throws PH1911 when a NIC name (or a bond slave) is on one node only, or a network name is unknown to the target
 */
export function assignNetworksFrom(reference: readonly FuelInterface[], target: readonly FuelInterface[], targetNetworksByName?: NetworkIdsByName): FuelInterfaceUpdate[] {
  const mapNetwork = networkMapper(targetNetworksByName);
  const referenceEthers = reference.filter((n) => n.type !== 'bond');
  const referenceBonds = reference.filter((n) => n.type === 'bond');
  const targetEthers = target.filter((n) => n.type !== 'bond');
  requireCounterparts('NIC', referenceEthers.map((n) => n.name), targetEthers.map((n) => n.name));
  const referenceByName = new Map(referenceEthers.map((n) => [n.name, n]));
  const ethers = targetEthers.map((nic): FuelInterfaceUpdate => {
    if (nic.id === undefined) throw new PumphouseError(FUEL_CODES.layoutMismatch, `the target node's NIC ${nic.name} has no id`, { hint: 'read the interfaces again with GET /nodes/{id}/interfaces' });
    const source = referenceByName.get(nic.name) as FuelInterface;
    return { id: nic.id, type: nic.type, assigned_networks: source.assigned_networks.map(mapNetwork) };
  });
  const targetNames = new Set(targetEthers.map((n) => n.name));
  const bonds = referenceBonds.map((bond): FuelInterfaceUpdate => {
    const slaves = (bond.slaves ?? []).map((s) => ({ name: s.name }));
    const missing = slaves.filter((s) => !targetNames.has(s.name)).map((s) => s.name);
    if (missing.length > 0) {
      throw new PumphouseError(FUEL_CODES.layoutMismatch, `the reference node's bond ${bond.name} uses ${missing.join(', ')}, which the target node lacks`, {
        hint: 'pick a reference compute node with the same NICs, or set the target\'s bonds in the Fuel UI',
      });
    }
    return { type: 'bond', name: bond.name, ...(bond.mode !== undefined ? { mode: bond.mode } : {}), slaves, assigned_networks: bond.assigned_networks.map(mapNetwork) };
  });
  return [...ethers, ...bonds];
}

/** Network ids by name from a cluster's network configuration (admin network included). */
export function networksByName(configuration: Pick<FuelNetworkConfiguration, 'networks'>): Map<string, number> {
  return new Map(configuration.networks.map((n) => [n.name, n.id]));
}

function networkMapper(byName: NetworkIdsByName | undefined): (network: FuelNetworkRef) => FuelNetworkRef {
  if (byName === undefined) return (n) => ({ id: n.id, name: n.name });
  const lookup = byName instanceof Map ? (name: string) => byName.get(name) : (name: string) => (byName as Readonly<Record<string, number>>)[name];
  const known = byName instanceof Map ? [...byName.keys()] : Object.keys(byName);
  return (n) => {
    const id = lookup(n.name);
    if (id === undefined) {
      throw new PumphouseError(FUEL_CODES.layoutMismatch, `network "${n.name}" of the reference node does not exist in the target environment (networks: ${known.join(', ') || 'none'})`, {
        hint: 'the reference and target environments must have the same network names (Fuel UI: Networks tab)',
      });
    }
    return { id, name: n.name };
  };
}

function requireCounterparts(what: 'disk' | 'NIC', referenceNames: readonly string[], targetNames: readonly string[]): void {
  const targetSet = new Set(targetNames);
  const referenceSet = new Set(referenceNames);
  const onlyReference = referenceNames.filter((n) => !targetSet.has(n));
  const onlyTarget = targetNames.filter((n) => !referenceSet.has(n));
  if (onlyReference.length === 0 && onlyTarget.length === 0) return;
  const parts = [
    onlyReference.length > 0 ? `the reference node has ${onlyReference.join(', ')} and the target does not` : undefined,
    onlyTarget.length > 0 ? `the target node has ${onlyTarget.join(', ')} and the reference does not` : undefined,
  ].filter(Boolean);
  throw new PumphouseError(FUEL_CODES.layoutMismatch, `cannot copy the ${what} layout by name: ${parts.join('; ')}`, {
    hint: `pick a reference compute node with the same ${what}s (kernel names), or lay out the target node in the Fuel UI`,
  });
}
