import { BlockList, isIP } from 'node:net';
import { refList, type InventoryLookup } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';

/**
 * Whether a floating IP keeps its address on the target. Apply asks the target's floating network
 * for the same address first (a cold move's floating-IP step, a warm cutover) and takes another
 * only when Neutron refuses it; so the address survives when it lies in a subnet of that network
 * and nothing on the target holds it. The usual case when both clouds share the hardware's
 * external segment, whatever the network is called on each side.
 */
export interface FloatingAddressContext {
  target: InventoryLookup;
  /** The target address a referenced source object has or will have (diff.ts translator). */
  reference(address: string): string | undefined;
}

/** Why the address will not survive, or undefined when it will (or the network is made from the source's). */
export function floatingAddressLoss(fip: InventoryResource, context: FloatingAddressContext): string | undefined {
  const address = fip.attributes['floatingIpAddress'];
  const sourceNetwork = refList(fip, 'network')[0];
  if (typeof address !== 'string' || !sourceNetwork) return undefined;
  const network = context.reference(sourceNetwork);
  // Not on the target yet: this plan creates it from the source's, subnets and all.
  if (!network || !context.target.get(network)) return undefined;
  const subnets = context.target.ofKind('subnet').filter((s) => refList(s, 'network')[0] === network);
  if (!subnets.some((s) => inCidr(address, s.attributes['cidr']))) {
    const ranges = subnets.map((s) => String(s.attributes['cidr'])).join(', ') || 'no subnet';
    return `address ${address} changes: it is outside ${network} on the target (${ranges}), so the target allocates another`;
  }
  const holder = holderOf(address, fip, context);
  return holder ? `address ${address} changes: ${holder} holds it on the target, so the target allocates another` : undefined;
}

/** What on the target holds `address` other than this floating IP's own copy: another floating IP or a port. */
function holderOf(address: string, fip: InventoryResource, context: FloatingAddressContext): string | undefined {
  const own = context.reference(fip.address);
  return addressHolders(context.target).get(address)?.find((holder) => holder !== own);
}

/** Target addresses by who holds them (floating IPs, then ports' fixed IPs), indexed once per lookup. */
const holdersByLookup = new WeakMap<InventoryLookup, Map<string, string[]>>();

function addressHolders(target: InventoryLookup): Map<string, string[]> {
  let holders = holdersByLookup.get(target);
  if (holders) return holders;
  holders = new Map();
  const add = (address: unknown, holder: string): void => {
    if (typeof address === 'string') holders?.set(address, [...(holders.get(address) ?? []), holder]);
  };
  for (const floating of target.ofKind('floating-ip')) add(floating.attributes['floatingIpAddress'], floating.address);
  for (const port of target.ofKind('port')) {
    const fixed = port.attributes['fixedIps'];
    if (Array.isArray(fixed)) for (const ip of fixed) add((ip as { ipAddress?: unknown }).ipAddress, port.address);
  }
  holdersByLookup.set(target, holders);
  return holders;
}

function inCidr(address: string, cidr: unknown): boolean {
  if (typeof cidr !== 'string') return false;
  const [base, prefix] = cidr.split('/');
  const family = isIP(address);
  if (!base || prefix === undefined || family === 0 || isIP(base) !== family) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(base, Number(prefix), type);
  return list.check(address, type);
}
