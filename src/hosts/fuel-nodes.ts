import type { FuelNodeRef } from './adapters.js';

/**
 * Recognising a host among Fuel's nodes. A machine is known by its MACs: a BMC-managed host by
 * the PXE MACs pumphouse.yaml gives, a node wiped and re-registered by the whole set of its
 * interface MACs (its id, name and fqdn are new, as the original's WaitUnassignedNode compared
 * them). A Fuel-managed host of the source is found by name (nova's host is the node's fqdn or
 * hostname on a Fuel-built cloud, or its node name) unless PXE MACs are given. Pure.
 */

/** The node one of whose MACs is in `macs`. */
export function nodeWithMac(nodes: readonly FuelNodeRef[], macs: readonly string[]): FuelNodeRef | undefined {
  const wanted = new Set(macs.map((m) => m.toLowerCase()));
  return nodes.find((n) => n.macs.some((mac) => wanted.has(mac.toLowerCase())));
}

/** The node whose MACs are exactly `macs` (in any order). */
export function nodeWithMacSet(nodes: readonly FuelNodeRef[], macs: readonly string[]): FuelNodeRef | undefined {
  const wanted = macSet(macs);
  return nodes.find((n) => macSet(n.macs) === wanted);
}

export function macSet(macs: readonly string[]): string {
  return [...new Set(macs.map((m) => m.toLowerCase()))].sort().join(',');
}

/** The names a node goes by: its Fuel name, hostname, fqdn and the fqdn's first label. */
export function namesOf(node: FuelNodeRef): string[] {
  return [node.name, node.hostname, node.fqdn, node.fqdn?.split('.')[0]].filter((n): n is string => typeof n === 'string' && n !== '');
}

/** The host names the target's Nova may know a deployed node by, most likely first. */
export function serviceHostsOf(node: FuelNodeRef): string[] {
  return [node.hostname, node.fqdn, node.fqdn?.split('.')[0], `node-${node.id}`].filter((n): n is string => typeof n === 'string' && n !== '');
}

/** The node that is `host`: by its MACs when pumphouse.yaml gives some, else by name. */
export function findHostNode(nodes: readonly FuelNodeRef[], host: string, macs: readonly string[]): FuelNodeRef | undefined {
  if (macs.length > 0) return nodeWithMac(nodes, macs);
  return nodes.find((n) => namesOf(n).includes(host));
}
