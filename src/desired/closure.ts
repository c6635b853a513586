import type { InventoryResource } from '../inventory/model.js';
import { groupBy, refList, type InventoryLookup } from '../inventory/lookup.js';
import { orderingReferences } from '../model/index.js';
import type { VolumePolicy } from './model.js';

/**
 * What a source object needs on the target before it can exist there: the dependency edges of
 * resolution (ARCHITECTURE §5). Each edge names the needed object and why, for the plan's
 * "needed by" reasons. Back-references (a volume's servers, a router's interface ports, a
 * server group's members) are deliberately not followed: they would drag in objects nobody
 * selected.
 */
export interface Need {
  address: string;
  /** The role, for display: "flavor", "security group", "root volume". */
  why: string;
  /**
   * false for objects that come along for completeness but need not exist first (a network's
   * subnets, the routers behind a server's subnets); the step graph orders only by the others.
   */
  order: boolean;
  /** false for a weak reference: resolution does not bring the object along for it. @default true */
  follow?: boolean;
}

/** Indexes over the source that the closure walks; built once per resolution. */
export class SourceGraph {
  readonly lookup: InventoryLookup;
  private readonly subnetsByNetwork: Map<string, InventoryResource[]>;
  private readonly routersBySubnet: Map<string, InventoryResource[]>;
  private readonly floatingIpsByPort: Map<string, InventoryResource[]>;
  private readonly serverGroupsByMember: Map<string, InventoryResource[]>;
  private readonly grantsByProject: Map<string, InventoryResource[]>;
  private readonly quotasByProject: Map<string, InventoryResource[]>;
  private readonly usersByDefaultProject: Map<string, InventoryResource[]>;
  private readonly domainGrantsByUser: Map<string, InventoryResource[]>;
  private readonly snapshotsByVolume: Map<string, InventoryResource[]>;

  constructor(lookup: InventoryLookup) {
    this.lookup = lookup;
    this.subnetsByNetwork = groupBy(lookup.ofKind('subnet'), (r) => refList(r, 'network'));
    this.routersBySubnet = groupBy(lookup.ofKind('router'), (r) => refList(r, 'subnets'));
    this.floatingIpsByPort = groupBy(lookup.ofKind('floating-ip'), (r) => refList(r, 'port'));
    this.serverGroupsByMember = groupBy(lookup.ofKind('server-group'), (r) => refList(r, 'members'));
    this.grantsByProject = groupBy(lookup.ofKind('role-assignment'), (r) => refList(r, 'project'));
    this.quotasByProject = groupBy(lookup.ofKind('quota'), (r) => refList(r, 'project'));
    this.usersByDefaultProject = groupBy(lookup.ofKind('user'), (r) => refList(r, 'defaultProject'));
    // Inherited grants apply to a domain's projects, not the domain: they are not copied as such.
    const domainGrants = lookup.ofKind('role-assignment').filter((r) => refList(r, 'domain').length > 0 && r.attributes['inherited'] !== true);
    this.domainGrantsByUser = groupBy(domainGrants, (r) => refList(r, 'user'));
    this.snapshotsByVolume = groupBy(lookup.ofKind('volume-snapshot'), (r) => refList(r, 'volume'));
  }

  /** Snapshots of a volume: they stay behind when it moves. */
  snapshotsOf(volumeAddress: string): readonly InventoryResource[] {
    return this.snapshotsByVolume.get(volumeAddress) ?? [];
  }

  /**
   * Everything an object needs, whatever selected it: its owner project, and every reference its
   * kind's model (src/model) says orders it — `needs` references come into the plan with it, `weak`
   * ones (an access project, an image member, a default project) only order it after the
   * referenced object when that moves too. A server's environment is serverNeeds'.
   */
  needs(resource: InventoryResource): Need[] {
    const { needs, add } = needList();
    const owner = this.lookup.projectAddressOf(resource);
    if (owner && resource.kind !== 'role-assignment') add('owner project', [owner]);
    if (resource.kind !== 'server') {
      for (const { role, spec } of orderingReferences(resource.kind)) add(spec.why, refList(resource, role), true, spec.strength === 'needs');
    }
    // An external network is mapped to the target's own, never rebuilt: its subnets stay.
    if (resource.kind === 'network' && resource.attributes['external'] !== true) {
      add('subnet', (this.subnetsByNetwork.get(resource.address) ?? []).map((s) => s.address), false);
    }
    return needs;
  }

  /** What a moving server needs besides the generic needs: its whole network, identity and storage. */
  serverNeeds(server: InventoryResource, volumes: VolumePolicy): Need[] {
    const { needs, add } = needList();
    add('flavor', refList(server, 'flavor'));
    add('image', refList(server, 'image'));
    add('keypair', refList(server, 'keypair'));
    add('security group', refList(server, 'securityGroups'));
    add('network', refList(server, 'networks'));
    const ports = refList(server, 'ports');
    add('port', ports);
    for (const port of ports) add('floating IP', (this.floatingIpsByPort.get(port) ?? []).map((f) => f.address));
    for (const port of ports) {
      const resource = this.lookup.get(port);
      for (const subnet of resource ? refList(resource, 'subnets') : []) add('router', (this.routersBySubnet.get(subnet) ?? []).map((r) => r.address), false);
    }
    add('server group', (this.serverGroupsByMember.get(server.address) ?? []).map((g) => g.address));
    add(volumes === 'none' ? 'root volume' : 'volume', this.movingVolumes(server, volumes));
    // The target must admit the copy: its project's quotas are raised first.
    const project = this.lookup.projectAddressOf(server);
    if (project) add('quota', (this.quotasByProject.get(project) ?? []).map((q) => q.address));
    const owner = this.owner(server);
    if (owner) {
      add('owner user', [owner.address]);
      for (const grant of project ? this.grantsByProject.get(project) ?? [] : []) {
        if (refList(grant, 'user').includes(owner.address)) add("owner user's role", [grant.address]);
      }
    }
    return needs;
  }

  /** A server's volumes that move with it: all attached ones, or only the root volume for `none`. */
  movingVolumes(server: InventoryResource, volumes: VolumePolicy): string[] {
    const attached = refList(server, 'volumes');
    if (volumes !== 'none') return [...attached];
    if (server.attributes['bootFromVolume'] !== true) return [];
    const root = server.attributes['rootDeviceName'];
    return attached.filter((address) => {
      const volume = this.lookup.get(address);
      const attachments = (volume?.attributes['attachments'] ?? []) as Array<{ server?: string; device?: string }>;
      return attachments.some((a) => a.server === server.address && a.device === root);
    });
  }

  /** What a project moved as identity brings along: its grants (with users and roles), members and quotas. */
  projectMembers(projectAddress: string): Need[] {
    const needs: Need[] = [];
    for (const grant of this.grantsByProject.get(projectAddress) ?? []) needs.push({ address: grant.address, why: 'role grant', order: false });
    for (const user of this.usersByDefaultProject.get(projectAddress) ?? []) needs.push({ address: user.address, why: 'member user', order: false });
    for (const quota of this.quotasByProject.get(projectAddress) ?? []) needs.push({ address: quota.address, why: 'quota', order: false });
    return needs;
  }

  /**
   * A moving user's roles on domains (a domain admin of `partners` stays one). A role on a domain
   * nothing else moves brings that domain along: a user who arrives without a role they had
   * would be a copy that is not the same, and the plan shows the domain it adds.
   */
  domainGrants(userAddress: string): Need[] {
    return (this.domainGrantsByUser.get(userAddress) ?? []).map((grant) => ({ address: grant.address, why: 'domain role', order: false }));
  }

  /** The grants on a project (users', groups', inherited ones). */
  projectGrants(projectAddress: string): readonly InventoryResource[] {
    return this.grantsByProject.get(projectAddress) ?? [];
  }

  /** Quotas move with every project that has moving servers: the target must admit them. */
  projectQuotas(projectAddress: string): Need[] {
    return (this.quotasByProject.get(projectAddress) ?? []).map((q) => ({ address: q.address, why: 'quota', order: false }));
  }

  private owner(server: InventoryResource): InventoryResource | undefined {
    const userId = server.attributes['userId'];
    return typeof userId === 'string' ? this.lookup.byId('user', userId) : undefined;
  }
}

/** A list of needs and the function that appends addresses to it under one role. */
function needList(): { needs: Need[]; add: (why: string, addresses: readonly string[], order?: boolean, follow?: boolean) => void } {
  const needs: Need[] = [];
  return {
    needs,
    add: (why, addresses, order = true, follow = true) => {
      for (const address of addresses) needs.push(follow ? { address, why, order } : { address, why, order, follow });
    },
  };
}
