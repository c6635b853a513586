import { PumphouseError } from '../errors.js';
import { done, pending, waitFor } from '../wait.js';
import type { FuelClient, PollOptions } from './client.js';
import { FUEL_CODES } from './codes.js';
import type { FuelNode } from './types.js';

/**
 * Finding nodes: the reference compute node of an environment, and the Fuel node a PXE-booted
 * host became. A host is recognised by its MACs (the set of meta.interfaces[].mac, as pumphouse's
 * extract_macs did): Fuel's node name and id say nothing about which machine it is.
 */

/** Every MAC of a node, lower-case: the admin NIC's and those its bootstrap agent reported. */
export function nodeMacs(node: Pick<FuelNode, 'mac' | 'meta'>): Set<string> {
  const macs = new Set<string>();
  if (node.mac) macs.add(node.mac.toLowerCase());
  for (const nic of node.meta?.interfaces ?? []) if (nic.mac) macs.add(nic.mac.toLowerCase());
  return macs;
}

/** The first online `discover` node that has one of `macs`. */
export function findDiscoveredNode(nodes: readonly FuelNode[], macs: Iterable<string>): FuelNode | undefined {
  const wanted = new Set([...macs].map((m) => m.toLowerCase()));
  return nodes.find((node) => node.status === 'discover' && node.online && [...nodeMacs(node)].some((m) => wanted.has(m)));
}

/** The reference for layouts: the first ready compute node (pumphouse's ChooseAnyComputeNode), by id. */
export function chooseReferenceCompute(nodes: readonly FuelNode[]): FuelNode | undefined {
  return [...nodes].sort((a, b) => a.id - b.id).find((n) => n.status === 'ready' && n.roles.includes('compute'));
}

/**
 * Polls the unassigned nodes until the host with `macs` registers as `discover`.
 * @throws PH1912 when it does not within `timeoutMs`
 */
export function waitForDiscoveredNode(client: FuelClient, macs: readonly string[], options: PollOptions = {}): Promise<FuelNode> {
  const probe = async () => {
    const found = findDiscoveredNode(await client.nodes({ clusterId: null }), macs);
    return found ? done(found) : pending(undefined);
  };
  return waitFor(probe, {
    intervalMs: options.intervalMs ?? 5000,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    timeoutError: () =>
      new PumphouseError(FUEL_CODES.waitTimeout, `no unassigned Fuel node with MAC ${macs.join(', ')} registered within ${options.timeoutMs} ms`, {
        hint: 'check that the host PXE-booted from the Fuel admin network (IPMI boot device, switch VLAN) and that no old Fuel record of it is left (409 on registration)',
      }),
  });
}
