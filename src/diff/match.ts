import type { Maps } from '../desired/model.js';
import { groupBy, refList, type InventoryLookup } from '../inventory/lookup.js';
import type { InventoryResource, ResourceKind } from '../inventory/model.js';
import type { TargetMatch } from './changes.js';
import { MARKED_FROM_CREATION, markedSourceId } from './marks.js';

/**
 * Finds a desired (source) object's counterpart on the target, in the order the issue sets:
 *   1. the id mapping a previous apply recorded in the state file (source address → target id),
 *      unless the mapped object is not that source object's copy: it carries another source
 *      object's mark (or, for kinds marked from their creation on, none); such a mapping is set
 *      aside (`distrusted`, which the diff reports) and the next ways are tried;
 *   2. the mark apply writes on every copy (marks.ts);
 *   3. a natural key per kind, in the target's terms (maps rename flavors, networks, types):
 *        project/user/role/grant/group/router/subnet/server/quota  their address (names)
 *        flavor         name                 image        checksum + name
 *        network        project + name, or the mapped/same-named external network
 *        port           network + MAC        floating IP  project + fixed IP it points at
 *        volume type    name                 volume       project + name (named volumes only)
 */
export type StateMappings = Readonly<Record<string, string>>;

/** A state mapping the matcher did not trust, for the diff's warning. */
export interface DistrustedMapping {
  address: string;
  kind: ResourceKind;
  targetId: string;
  targetAddress: string;
  /** The source id the mapped object's mark names, if it has one. */
  markedFor?: string;
}

export type MatchResult =
  | { found: InventoryResource; match: TargetMatch }
  | { missing: true; /** Display: why nothing matched where that is an error (an unmapped name). */ unmapped?: string };

export class TargetMatcher {
  private readonly byMark = new Map<string, InventoryResource>();
  private readonly byKey = new Map<string, InventoryResource>();
  private readonly networksByName: Map<string, InventoryResource[]>;
  /** Source address → the target address it matched, for keys built from other matches (ports). */
  private readonly matched = new Map<string, string>();
  /** State mappings set aside, by source address. */
  readonly distrusted = new Map<string, DistrustedMapping>();

  constructor(
    private readonly target: InventoryLookup,
    private readonly maps: Maps,
    private readonly mappings: StateMappings,
  ) {
    for (const resource of target.inventory.resources) {
      const sourceId = markedSourceId(resource);
      if (sourceId) this.byMark.set(`${resource.kind}\u0000${sourceId}`, resource);
      const key = this.targetKey(resource);
      // The first (by address) wins: duplicates under one key (two equal images) are equivalent.
      if (key !== undefined && !this.byKey.has(`${resource.kind}\u0000${key}`)) this.byKey.set(`${resource.kind}\u0000${key}`, resource);
    }
    this.networksByName = groupBy(target.ofKind('network'), (r) => [r.name]);
  }

  match(source: InventoryResource): MatchResult {
    const result = this.find(source);
    if ('found' in result) this.matched.set(source.address, result.found.address);
    return result;
  }

  private find(source: InventoryResource): MatchResult {
    const mappedId = this.mappings[source.address];
    const byState = mappedId === undefined ? undefined : this.target.byId(source.kind, mappedId);
    if (byState && this.isCopyOf(byState, source)) return found(byState, 'state');
    const byMark = this.byMark.get(`${source.kind}\u0000${source.id}`);
    if (byMark) return found(byMark, 'mark');
    if (source.kind === 'network') return this.findNetwork(source);
    const key = this.sourceKey(source);
    const byKey = key === undefined ? undefined : this.byKey.get(`${source.kind}\u0000${key}`);
    if (byKey) return found(byKey, 'natural-key');
    if (source.kind === 'volume-type') {
      const name = this.maps.volumeTypes[source.name];
      return { missing: true, unmapped: name ? `spec.maps.volumeTypes maps ${source.name} to ${name}, which the target does not have` : `the target has no volume type ${source.name}: map it in spec.maps.volumeTypes` };
    }
    if (source.kind === 'flavor' && this.maps.flavors[source.name]) {
      return { missing: true, unmapped: `spec.maps.flavors maps ${source.name} to ${this.maps.flavors[source.name]}, which the target does not have` };
    }
    return { missing: true };
  }

  /** Whether a mapped target object can be `source`'s copy by its mark; if not, the mapping is recorded as distrusted. */
  private isCopyOf(mapped: InventoryResource, source: InventoryResource): boolean {
    const markedFor = markedSourceId(mapped);
    if (markedFor === source.id || (markedFor === undefined && !MARKED_FROM_CREATION.has(source.kind))) return true;
    this.distrusted.set(source.address, { address: source.address, kind: source.kind, targetId: mapped.id, targetAddress: mapped.address, ...(markedFor ? { markedFor } : {}) });
    return false;
  }

  /** Tenant networks match by project + name; mapped and external ones by their target name. */
  private findNetwork(source: InventoryResource): MatchResult {
    const mapped = this.maps.networks[source.name];
    const external = source.attributes['external'] === true;
    if (!mapped) {
      const byKey = this.byKey.get(`network\u0000${source.address}`);
      if (byKey) return found(byKey, 'natural-key');
      if (!external) return { missing: true };
    }
    const name = mapped ?? source.name;
    const candidates = (this.networksByName.get(name) ?? []).filter((n) => mapped || n.attributes['external'] === true);
    if (candidates[0]) return found(candidates[0], 'natural-key');
    return {
      missing: true,
      unmapped: mapped
        ? `spec.maps.networks maps ${source.name} to ${mapped}, which the target does not have`
        : `external network ${source.name} has no counterpart on the target: map it in spec.maps.networks (e.g. ${source.name}: <target external network>)`,
    };
  }

  private targetKey(resource: InventoryResource): string | undefined {
    return this.naturalKey(resource, (address) => address, (name) => name);
  }

  private sourceKey(resource: InventoryResource): string | undefined {
    const rename = (names: Record<string, string>) => (name: string) => names[name] ?? name;
    const renamer = resource.kind === 'flavor' ? rename(this.maps.flavors) : resource.kind === 'volume-type' ? rename(this.maps.volumeTypes) : (name: string) => name;
    return this.naturalKey(resource, (address) => this.matched.get(address) ?? address, renamer);
  }

  /** A kind's natural key; `network` translates a referenced network's address, `rename` a name. */
  private naturalKey(resource: InventoryResource, network: (address: string) => string, rename: (name: string) => string): string | undefined {
    const a = resource.attributes;
    switch (resource.kind) {
      case 'flavor':
      case 'volume-type':
        return rename(resource.name);
      case 'image':
        return typeof a['checksum'] === 'string' ? `${a['checksum']}/${resource.name}` : undefined;
      case 'port': {
        const net = refList(resource, 'network')[0];
        return net && typeof a['macAddress'] === 'string' ? `${network(net)}|${a['macAddress']}` : undefined;
      }
      case 'floating-ip':
        return typeof a['fixedIpAddress'] === 'string' && resource.project ? `${resource.project.name}|${a['fixedIpAddress']}` : undefined;
      case 'volume':
        return resource.name === resource.id ? undefined : resource.address;
      default:
        return KEYED_BY_ADDRESS.has(resource.kind) ? resource.address : undefined;
    }
  }
}

const KEYED_BY_ADDRESS: ReadonlySet<ResourceKind> = new Set<ResourceKind>([
  'domain', 'project', 'user', 'role', 'role-assignment', 'keypair', 'security-group', 'network', 'subnet', 'router', 'server-group', 'server', 'quota',
]);

function found(resource: InventoryResource, matchedBy: TargetMatch['matchedBy']): MatchResult {
  return { found: resource, match: { address: resource.address, id: resource.id, matchedBy } };
}
