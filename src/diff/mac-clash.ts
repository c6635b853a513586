import { refList, type InventoryLookup } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import type { TargetMatch } from './changes.js';
import type { MatchResult } from './match.js';

/**
 * A port's copy keeps its MAC (and so its fixed IPs and whatever the guest keyed on them). A
 * target port that already has the MAC makes that impossible, and apply would have to give the
 * copy another: the plan says so as a conflict naming both ports, before anything moves.
 * - on the network the copy goes to, a port that is not a Pumphouse copy of this one (it matched
 *   by natural key only: no state mapping, no mark) is someone else's port;
 * - on any other network, the MAC is taken all the same: two interfaces with one MAC behind one
 *   router or on one host's bridge is not a copy anyone wants.
 */
export interface MacClash {
  reason: string;
  /** The target's port, when it is the natural-key match. */
  target?: TargetMatch;
}

/** The target's ports by MAC, built on first use (a plan without ports never pays for it). */
export class PortsByMac {
  private index: Map<string, InventoryResource[]> | undefined;

  constructor(private readonly target: InventoryLookup) {}

  holders(mac: string): readonly InventoryResource[] {
    if (!this.index) {
      this.index = new Map();
      for (const port of this.target.ofKind('port')) {
        const own = port.attributes['macAddress'];
        if (typeof own !== 'string') continue;
        const key = own.toLowerCase();
        this.index.set(key, [...(this.index.get(key) ?? []), port]);
      }
    }
    return this.index.get(mac.toLowerCase()) ?? [];
  }
}

/** The clash of a source port's MAC with the target's ports, given how the port matched there. */
export function macClash(port: InventoryResource, result: MatchResult, ports: PortsByMac): MacClash | undefined {
  const mac = port.attributes['macAddress'];
  if (typeof mac !== 'string') return undefined;
  const fix = 'delete that port or give it another MAC on the target, then plan again';
  if ('found' in result) {
    if (result.match.matchedBy !== 'natural-key') return undefined; // the copy itself (state or mark)
    if (isUnmarkedCopy(port, result.found)) return undefined; // a copy whose apply died before it was tagged
    return {
      reason: `MAC ${mac} of ${port.address} is taken on the target by ${result.found.address} (${networkOf(result.found)}), which is not a Pumphouse copy of it: ${fix}`,
      target: result.match,
    };
  }
  const holder = ports.holders(mac)[0];
  if (!holder) return undefined;
  return { reason: `MAC ${mac} of ${port.address} is taken on the target by ${holder.address} (${networkOf(holder)}): ${fix}` };
}

/**
 * A port a killed apply created but did not get to tag (Neutron takes tags only after the create):
 * untagged, unattached, with the name (or none), the MAC and exactly the fixed IPs of the source
 * port. The port step
 * adopts it (network.ts) and marks it; anyone else's port differs in one of these.
 */
export function isUnmarkedCopy(source: InventoryResource, found: InventoryResource): boolean {
  const a = found.attributes;
  const ips = (r: InventoryResource) => ((r.attributes['fixedIps'] ?? []) as Array<{ ipAddress?: string }>).map((ip) => ip.ipAddress ?? '').sort().join(',');
  const tags = (a['tags'] ?? []) as unknown[];
  const named = (r: InventoryResource) => (r.name === r.id ? '' : r.name);
  return found.kind === 'port' && named(found) === named(source) && !a['deviceId'] && !a['deviceOwner'] && tags.length === 0 && ips(source) === ips(found)
    && String(a['macAddress']).toLowerCase() === String(source.attributes['macAddress']).toLowerCase();
}

function networkOf(port: InventoryResource): string {
  return `on ${refList(port, 'network')[0] ?? 'an unknown network'}`;
}
