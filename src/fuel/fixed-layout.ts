import { PumphouseError } from '../errors.js';
import { FUEL_CODES } from './codes.js';
import type { FuelDisk, FuelDiskUpdate, FuelInterface, FuelInterfaceUpdate } from './types.js';

/**
 * A layout the plan gives itself (the original's `fixed` assignment), checked against the node's
 * actual disks and NICs and the environment's networks before anything is sent: every problem is
 * found at once and reported together, and nothing is PUT unless the whole layout fits. Pure.
 *
 * Disks and NICs are matched by kernel name, both ways for disks (a disk the layout does not
 * place would keep Fuel's role defaults, which is rarely what a fixed layout means); a NIC the
 * layout does not name carries nothing. Every network of the environment must be placed once,
 * as Fuel's NetAssignmentValidator demands.
 */
export interface FixedLayoutSpec {
  disks: ReadonlyArray<{ name: string; volumes: ReadonlyArray<{ name: string; size: number | 'rest' }> }>;
  interfaces: ReadonlyArray<{ name: string; networks: readonly string[] }>;
}

export interface FixedLayoutUpdate {
  disks: FuelDiskUpdate[];
  interfaces: FuelInterfaceUpdate[];
}

/**
 * What is wrong with `layout` on a node with these disks and NICs, in an environment with these
 * networks (name → id); empty when it fits.
 */
export function fixedLayoutProblems(layout: FixedLayoutSpec, disks: readonly FuelDisk[], nics: readonly FuelInterface[], networks: ReadonlyMap<string, number>): string[] {
  return [...diskProblems(layout, disks), ...nicProblems(layout, nics, networks)];
}

/**
 * The PUT bodies of `layout` for the node (its own disk ids and sizes, its NIC ids; networks by
 * the environment's ids).
 * @throws PH1913 naming every mismatch, before anything is sent
 */
export function fixedLayoutFor(layout: FixedLayoutSpec, disks: readonly FuelDisk[], nics: readonly FuelInterface[], networks: ReadonlyMap<string, number>): FixedLayoutUpdate {
  const problems = fixedLayoutProblems(layout, disks, nics, networks);
  if (problems.length > 0) throw fixedLayoutMismatch(problems);
  const byName = new Map(layout.disks.map((d) => [d.name, d]));
  const diskUpdates = disks.map((disk): FuelDiskUpdate => {
    const wanted = (byName.get(disk.name) as FixedLayoutSpec['disks'][number]).volumes;
    const fixed = wanted.reduce((sum, v) => sum + (v.size === 'rest' ? 0 : v.size), 0);
    return { id: disk.id, size: disk.size, volumes: wanted.map((v) => ({ name: v.name, size: v.size === 'rest' ? disk.size - fixed : v.size })) };
  });
  const carried = new Map(layout.interfaces.map((i) => [i.name, i.networks]));
  const nicUpdates = nics.filter((n) => n.type !== 'bond').map((nic): FuelInterfaceUpdate => ({
    id: nic.id as number, type: nic.type, assigned_networks: (carried.get(nic.name) ?? []).map((name) => ({ id: networks.get(name) as number, name })),
  }));
  return { disks: diskUpdates, interfaces: nicUpdates };
}

/** PH1913 listing `problems`. */
export function fixedLayoutMismatch(problems: readonly string[]): PumphouseError {
  return new PumphouseError(FUEL_CODES.fixedLayoutMismatch, `the plan's fixed layout does not fit the node: ${problems.join('; ')}`, {
    hint: 'fix spec.hosts[].fuel.layout to name the node\'s disks and NICs (`pumphouse hosts --check` shows its Fuel node; the Fuel UI shows its disks and interfaces), then run apply again',
  });
}

function diskProblems(layout: FixedLayoutSpec, disks: readonly FuelDisk[]): string[] {
  const problems: string[] = [];
  const actual = new Map(disks.map((d) => [d.name, d]));
  const named = new Set(layout.disks.map((d) => d.name));
  const unknown = layout.disks.filter((d) => !actual.has(d.name)).map((d) => d.name);
  if (unknown.length > 0) problems.push(`disk(s) ${unknown.join(', ')} are not on the node (it has ${[...actual.keys()].join(', ') || 'none'})`);
  const unplaced = disks.filter((d) => !named.has(d.name)).map((d) => d.name);
  if (unplaced.length > 0) problems.push(`the node's disk(s) ${unplaced.join(', ')} are not in the layout`);
  for (const wanted of layout.disks) {
    const disk = actual.get(wanted.name);
    if (!disk) continue;
    const rests = wanted.volumes.filter((v) => v.size === 'rest').length;
    const fixed = wanted.volumes.reduce((sum, v) => sum + (v.size === 'rest' ? 0 : v.size), 0);
    if (rests > 1) problems.push(`disk ${wanted.name} has ${rests} volumes of size "rest" (at most one)`);
    if (fixed > disk.size) problems.push(`the volumes on disk ${wanted.name} take ${fixed} MB but it has ${disk.size} MB`);
  }
  return problems;
}

function nicProblems(layout: FixedLayoutSpec, nics: readonly FuelInterface[], networks: ReadonlyMap<string, number>): string[] {
  const problems: string[] = [];
  const ethers = new Set(nics.filter((n) => n.type !== 'bond').map((n) => n.name));
  const unknown = layout.interfaces.filter((i) => !ethers.has(i.name)).map((i) => i.name);
  if (unknown.length > 0) problems.push(`NIC(s) ${unknown.join(', ')} are not on the node (it has ${[...ethers].join(', ') || 'none'})`);
  const placed = layout.interfaces.flatMap((i) => i.networks);
  const strangers = [...new Set(placed.filter((n) => !networks.has(n)))];
  if (strangers.length > 0) problems.push(`network(s) ${strangers.join(', ')} do not exist in the environment (it has ${[...networks.keys()].join(', ')})`);
  const twice = [...new Set(placed.filter((n, i) => placed.indexOf(n) !== i))];
  if (twice.length > 0) problems.push(`network(s) ${twice.join(', ')} are on more than one NIC`);
  const left = [...networks.keys()].filter((n) => !placed.includes(n));
  if (left.length > 0) problems.push(`network(s) ${left.join(', ')} of the environment are on no NIC (Fuel wants every one placed)`);
  return problems;
}
