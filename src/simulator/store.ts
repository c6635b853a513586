/**
 * The in-memory model of ONE simulated OpenStack cloud.
 *
 * Records are the simulator's own normalised form (camelCase, references by id), not API
 * bodies: each service module renders them into the shape its microversion asks for. Anything
 * that real OpenStack derives (a network's subnet list, a server's addresses, a hypervisor's used
 * resources, a volume's attachments as seen by Nova) is derived here at read time from indexes,
 * so there is one source of truth per fact and the later write side only has to insert rows.
 *
 * Invariants:
 * - ids are unique per table; Keystone ids are 32 hex digits, others uuid4-shaped (flavors may
 *   use short ids like "1").
 * - references point at existing rows once a scenario finished building (`checkReferences`).
 * - passwords and application-credential secrets are only read by `authenticate*`; no renderer
 *   may put them in a response.
 */
import { BlobStore } from './blobs.js';
import { Table } from './table.js';

export const DEFAULT_DOMAIN_ID = 'default';

export interface Domain { id: string; name: string; description: string; enabled: boolean }
export interface Project {
  id: string; name: string; domainId: string; description: string; enabled: boolean; tags: string[];
  /** Keystone's parent_id: the domain id for top-level projects. */
  parentId: string;
}
export interface User {
  id: string; name: string; domainId: string; enabled: boolean; email?: string | undefined;
  defaultProjectId?: string | undefined; description?: string | undefined;
  /** Only compared in password auth; never rendered. */
  password: string;
}
export interface Role {
  id: string; name: string; description?: string | null;
  /** Keystone's `immutable` resource option; absent: the bootstrap roles (admin, member, reader) are. */
  immutable?: boolean;
}
/** Whether Keystone refuses to change a role (`options.immutable`, set by `keystone-manage bootstrap`). */
export function isImmutableRole(role: Role): boolean {
  return role.immutable ?? ['admin', 'member', 'reader'].includes(role.name);
}
export type AssignmentScope = { projectId: string } | { domainId: string };
export interface RoleAssignment { id: string; userId: string; roleId: string; scope: AssignmentScope }
export interface ApplicationCredential {
  id: string; name: string; userId: string; projectId: string;
  /** Only compared in application_credential auth; never rendered. */
  secret: string;
  roleIds: string[]; expiresAt: number | null; unrestricted: boolean; description: string;
}
export interface Flavor {
  id: string; name: string; vcpus: number; ramMb: number; diskGb: number; ephemeralGb: number; swapMb: number;
  isPublic: boolean; disabled: boolean; rxtxFactor: number; description: string | null;
  extraSpecs: Record<string, string>;
  /** Projects granted a private flavor (os-flavor-access). */
  accessProjectIds: string[];
}
export interface Keypair { id: string; name: string; userId: string; publicKey: string; fingerprint: string; type: 'ssh' | 'x509'; createdAt: number }
export type ImageVisibility = 'public' | 'private' | 'shared' | 'community';
export interface ImageMember { memberId: string; status: 'pending' | 'accepted' | 'rejected'; createdAt: number; updatedAt: number }
export interface Image {
  id: string; name: string; ownerId: string; visibility: ImageVisibility;
  status: 'queued' | 'saving' | 'active' | 'killed' | 'deleted' | 'deactivated' | 'importing';
  sizeBytes: number | null; virtualSizeBytes: number | null; diskFormat: string; containerFormat: string;
  checksum: string | null; osHashAlgo: string | null; osHashValue: string | null;
  minRamMb: number; minDiskGb: number; protected: boolean; hidden: boolean;
  /** Free-form image properties (os_distro, hw_disk_bus, …) rendered as top-level keys. */
  properties: Record<string, string>;
  tags: string[]; members: ImageMember[]; createdAt: number; updatedAt: number;
}
export interface SecurityGroup { id: string; name: string; projectId: string; description: string; stateful: boolean; tags: string[]; createdAt: number }
export interface SecurityGroupRule {
  id: string; securityGroupId: string; projectId: string; direction: 'ingress' | 'egress'; ethertype: 'IPv4' | 'IPv6';
  protocol: string | null; portRangeMin: number | null; portRangeMax: number | null;
  remoteIpPrefix: string | null; remoteGroupId: string | null; description: string; createdAt: number;
}
export interface Network {
  id: string; name: string; projectId: string; shared: boolean; external: boolean; adminStateUp: boolean;
  status: 'ACTIVE' | 'DOWN' | 'BUILD' | 'ERROR'; mtu: number; portSecurityEnabled: boolean;
  providerNetworkType: string; providerPhysicalNetwork: string | null; providerSegmentationId: number | null;
  availabilityZoneHints: string[]; tags: string[]; description: string; createdAt: number;
}
export interface AllocationPool { start: string; end: string }
export interface Subnet {
  id: string; name: string; networkId: string; projectId: string; ipVersion: 4 | 6; cidr: string;
  gatewayIp: string | null; allocationPools: AllocationPool[]; enableDhcp: boolean;
  dnsNameservers: string[]; hostRoutes: { destination: string; nexthop: string }[]; tags: string[];
  description: string; createdAt: number;
}
export interface FixedIp { subnetId: string; ipAddress: string }
/** An allowed address pair: traffic from this IP (or CIDR) and MAC may leave the port. */
export interface AddressPair { ipAddress: string; macAddress: string }
export interface Port {
  id: string; name: string; networkId: string; projectId: string; macAddress: string; fixedIps: FixedIp[];
  /** `compute:<az>`, `network:router_interface`, `network:router_gateway`, `network:dhcp`, `network:floatingip`, "" */
  deviceOwner: string; deviceId: string; bindingHostId: string; securityGroupIds: string[];
  status: 'ACTIVE' | 'DOWN' | 'BUILD'; adminStateUp: boolean; portSecurityEnabled: boolean;
  tags: string[]; description: string; createdAt: number;
  /** absent = none */
  allowedAddressPairs?: AddressPair[];
}
export interface Router {
  id: string; name: string; projectId: string; status: 'ACTIVE' | 'DOWN'; adminStateUp: boolean;
  externalGateway: { networkId: string; enableSnat: boolean; externalFixedIps: FixedIp[] } | null;
  routes: { destination: string; nexthop: string }[]; tags: string[]; description: string; createdAt: number;
  /** Set at creation only, as in Neutron. */
  availabilityZoneHints?: string[];
}
export interface FloatingIp {
  id: string; projectId: string; floatingNetworkId: string; floatingIpAddress: string;
  portId: string | null; fixedIpAddress: string | null; routerId: string | null;
  status: 'ACTIVE' | 'DOWN'; description: string; tags: string[]; createdAt: number;
}
export interface VolumeType { id: string; name: string; isPublic: boolean; description: string | null; extraSpecs: Record<string, string> }
export interface VolumeAttachment { attachmentId: string; serverId: string; device: string; hostName: string; attachedAt: number }
export interface Volume {
  id: string; name: string; projectId: string; userId: string; sizeGb: number;
  status: 'available' | 'in-use' | 'creating' | 'downloading' | 'uploading' | 'attaching' | 'detaching' | 'deleting' | 'error' | 'reserved';
  bootable: boolean; volumeTypeId: string; availabilityZone: string; attachments: VolumeAttachment[];
  metadata: Record<string, string>; description: string | null; multiattach: boolean; encrypted: boolean;
  snapshotId: string | null; sourceVolid: string | null; imageId: string | null;
  /** The cinder-volume backend, `host@backend#pool`. */
  backendHost: string; createdAt: number; updatedAt: number;
}
export interface Snapshot {
  id: string; name: string; volumeId: string; projectId: string; userId: string; sizeGb: number;
  status: 'available' | 'creating' | 'error' | 'deleting'; description: string | null;
  metadata: Record<string, string>; createdAt: number; updatedAt: number;
}
export interface ServerGroup { id: string; name: string; projectId: string; userId: string; policy: 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity'; members: string[] }
/** Nova power_state integers. */
export const POWER_STATE = { NOSTATE: 0, RUNNING: 1, PAUSED: 3, SHUTDOWN: 4, CRASHED: 6, SUSPENDED: 7 } as const;
export interface Server {
  id: string; name: string; projectId: string; userId: string; flavorId: string;
  /** "" for a server booted from volume (Nova renders `"image": ""`). */
  imageId: string;
  keyName: string | null;
  /** Security group names, as Nova reports them. */
  securityGroupNames: string[];
  metadata: Record<string, string>; tags: string[];
  host: string; hypervisorHostname: string; availabilityZone: string;
  status: 'ACTIVE' | 'SHUTOFF' | 'BUILD' | 'ERROR' | 'PAUSED' | 'SUSPENDED' | 'VERIFY_RESIZE' | 'MIGRATING' | 'REBOOT' | 'HARD_REBOOT';
  vmState: string; taskState: string | null; powerState: number;
  /** Ordinal behind OS-EXT-SRV-ATTR:instance_name (`instance-0000002a`). */
  instanceNumber: number;
  description: string | null; locked: boolean; configDrive: string;
  /** Locked by an admin: only an admin may unlock it. */
  lockedByAdmin?: boolean;
  createdAt: number; updatedAt: number; launchedAt: number | null;
  /** The image's kernel and ramdisk (AMI-style images' `kernel_id`/`ramdisk_id` properties), "" or absent when none. */
  kernelId?: string; ramdiskId?: string;
  /** Base64 user data as given at boot (`OS-EXT-SRV-ATTR:user_data`, 2.3+, admin). */
  userData?: string | null;
  /** Nova's volume block device mappings (boot volume and attachments); absent = none recorded. */
  volumeMappings?: ServerVolumeMapping[];
  /** Ports Nova created for `{uuid}` network requests: Nova deletes them with the server. */
  novaPortIds?: string[];
  /** Nova's instance fault, shown while the server is in ERROR. */
  fault?: { code: number; message: string; createdAt: number } | null;
}
/** One volume block device mapping of a server (Nova's BDM), rendered by os-volume_attachments. */
export interface ServerVolumeMapping {
  volumeId: string; device: string; bootIndex: number | null; deleteOnTermination: boolean; tag: string | null;
  /** The BDM's own uuid (`bdm_uuid`, 2.89+). */
  id: string;
}
export interface Hypervisor {
  /** Keeps the uuid form (2.53+); `legacyId` is the integer form before 2.53. */
  id: string; legacyId: number; hostname: string; host: string; state: 'up' | 'down'; status: 'enabled' | 'disabled';
  hypervisorType: string; hypervisorVersion: number; hostIp: string;
  vcpus: number; memoryMb: number; localGb: number; cpuInfo: string;
}
export interface ComputeService {
  /** uuid (2.53+); `legacyId` is the integer form before 2.53. */
  id: string; legacyId: number; binary: string; host: string; zone: string;
  status: 'enabled' | 'disabled'; state: 'up' | 'down'; disabledReason: string | null; forcedDown: boolean; updatedAt: number;
}
export interface Aggregate { id: string; legacyId: number; name: string; availabilityZone: string | null; hosts: string[]; metadata: Record<string, string>; createdAt: number }

/** Quota limits per service; `-1` means unlimited, as in OpenStack. */
export interface QuotaDefaults {
  compute: Record<string, number>;
  network: Record<string, number>;
  volume: Record<string, number>;
}

/** Zed's shipped defaults (what the testbed cloud reports). */
export function zedQuotaDefaults(): QuotaDefaults {
  return {
    compute: {
      cores: 20, fixed_ips: -1, floating_ips: -1, injected_file_content_bytes: 10240, injected_file_path_bytes: 255,
      injected_files: 5, instances: 10, key_pairs: 100, metadata_items: 128, ram: 51200,
      security_group_rules: -1, security_groups: -1, server_group_members: 10, server_groups: 10,
    },
    network: { network: 100, subnet: 100, subnetpool: -1, port: 500, router: 10, floatingip: 50, rbac_policy: 10, security_group: 10, security_group_rule: 100 },
    volume: { volumes: 10, per_volume_gigabytes: -1, snapshots: 10, gigabytes: 1000, backups: 10, backup_gigabytes: 1000, groups: 10 },
  };
}

/** The fixed facts about a cloud that are not rows: its region and names used in renders. */
export interface CloudMeta {
  /** Used in logs and the sandbox; not visible through the API. */
  name: string;
  region: string;
}

export class CloudStore {
  readonly domains = new Table<Domain>({ name: (d) => d.name });
  readonly projects = new Table<Project>({ domain: (p) => p.domainId, name: (p) => p.name });
  readonly users = new Table<User>({ domain: (u) => u.domainId, name: (u) => u.name });
  readonly roles = new Table<Role>({ name: (r) => r.name });
  readonly roleAssignments = new Table<RoleAssignment>({
    user: (a) => a.userId,
    project: (a) => ('projectId' in a.scope ? a.scope.projectId : undefined),
  });
  readonly applicationCredentials = new Table<ApplicationCredential>({ user: (c) => c.userId });
  readonly flavors = new Table<Flavor>({ name: (f) => f.name });
  readonly keypairs = new Table<Keypair>({ user: (k) => k.userId });
  readonly images = new Table<Image>({ owner: (i) => i.ownerId, name: (i) => i.name });
  readonly securityGroups = new Table<SecurityGroup>({ project: (g) => g.projectId });
  readonly securityGroupRules = new Table<SecurityGroupRule>({ group: (r) => r.securityGroupId, project: (r) => r.projectId });
  readonly networks = new Table<Network>({ project: (n) => n.projectId, name: (n) => n.name });
  readonly subnets = new Table<Subnet>({ network: (s) => s.networkId, project: (s) => s.projectId });
  readonly ports = new Table<Port>({ network: (p) => p.networkId, device: (p) => p.deviceId || undefined, project: (p) => p.projectId });
  readonly routers = new Table<Router>({ project: (r) => r.projectId });
  readonly floatingIps = new Table<FloatingIp>({ port: (f) => f.portId ?? undefined, project: (f) => f.projectId });
  readonly volumeTypes = new Table<VolumeType>({ name: (t) => t.name });
  readonly volumes = new Table<Volume>({ project: (v) => v.projectId, server: (v) => v.attachments.map((a) => a.serverId) });
  readonly snapshots = new Table<Snapshot>({ project: (s) => s.projectId, volume: (s) => s.volumeId });
  readonly serverGroups = new Table<ServerGroup>({ project: (g) => g.projectId, member: (g) => g.members });
  readonly servers = new Table<Server>({ project: (s) => s.projectId, host: (s) => s.host, name: (s) => s.name });
  readonly hypervisors = new Table<Hypervisor>({ hostname: (h) => h.hostname, legacy: (h) => String(h.legacyId) });
  readonly computeServices = new Table<ComputeService>({ host: (s) => s.host, legacy: (s) => String(s.legacyId) });
  readonly aggregates = new Table<Aggregate>({ legacy: (a) => String(a.legacyId) });

  /** The bytes of images and volumes. */
  readonly blobs = new BlobStore();

  /** Per-project overrides; a missing key falls back to `quotaDefaults`. */
  readonly quotas = new Map<string, Partial<QuotaDefaults>>();
  quotaDefaults: QuotaDefaults = zedQuotaDefaults();

  constructor(readonly meta: CloudMeta) {}

  // ---- identity lookups -------------------------------------------------------------------

  domainByName(name: string): Domain | undefined {
    return this.domains.by('name', name)[0];
  }

  projectByName(name: string, domainId: string): Project | undefined {
    return this.projects.by('name', name).find((p) => p.domainId === domainId);
  }

  userByName(name: string, domainId: string): User | undefined {
    return this.users.by('name', name).find((u) => u.domainId === domainId);
  }

  /** Role ids the user holds on a project or domain (direct grants only; no inheritance or groups). */
  roleIdsOn(userId: string, scope: AssignmentScope): string[] {
    return this.roleAssignments.by('user', userId)
      .filter((a) => ('projectId' in scope
        ? 'projectId' in a.scope && a.scope.projectId === scope.projectId
        : 'domainId' in a.scope && a.scope.domainId === scope.domainId))
      .map((a) => a.roleId);
  }

  /** Projects the user has any role on, in table order. */
  projectsOfUser(userId: string): Project[] {
    const ids = new Set<string>();
    for (const a of this.roleAssignments.by('user', userId)) if ('projectId' in a.scope) ids.add(a.scope.projectId);
    return [...ids].map((id) => this.projects.get(id)).filter((p): p is Project => p !== undefined);
  }

  // ---- derived compute facts --------------------------------------------------------------

  /** Ports plugged into a server (device_owner compute:*), in creation order. */
  serverPorts(serverId: string): readonly Port[] {
    return this.ports.by('device', serverId).filter((p) => p.deviceOwner.startsWith('compute:'));
  }

  /** The floating IP associated with a port, if any. */
  floatingIpOfPort(portId: string): FloatingIp | undefined {
    return this.floatingIps.by('port', portId)[0];
  }

  /** Volumes attached to a server. */
  serverVolumes(serverId: string): readonly Volume[] {
    return this.volumes.by('server', serverId);
  }

  /** vCPUs, RAM and disk used on a hypervisor host, from the flavors of the servers on it. */
  hostUsage(host: string): { vcpus: number; memoryMb: number; localGb: number; runningVms: number } {
    let vcpus = 0;
    let memoryMb = 0;
    let localGb = 0;
    const servers = this.servers.by('host', host);
    for (const s of servers) {
      const f = this.flavors.get(s.flavorId);
      if (!f) continue;
      vcpus += f.vcpus;
      memoryMb += f.ramMb;
      // A boot-from-volume server's root disk lives in Cinder, not on the host.
      localGb += (s.imageId === '' ? 0 : f.diskGb) + f.ephemeralGb;
    }
    return { vcpus, memoryMb, localGb, runningVms: servers.length };
  }

  /** Effective quota limits of one service for a project (defaults overlaid by overrides). */
  quotaFor(service: keyof QuotaDefaults, projectId: string): Record<string, number> {
    return { ...this.quotaDefaults[service], ...(this.quotas.get(projectId)?.[service] ?? {}) };
  }

  /** Resources counted against a project's quota, per service key. */
  quotaUsage(service: keyof QuotaDefaults, projectId: string): Record<string, number> {
    if (service === 'compute') {
      const servers = this.servers.by('project', projectId);
      let cores = 0;
      let ram = 0;
      for (const s of servers) {
        const f = this.flavors.get(s.flavorId);
        cores += f?.vcpus ?? 0;
        ram += f?.ramMb ?? 0;
      }
      return {
        instances: servers.length, cores, ram,
        server_groups: this.serverGroups.by('project', projectId).length,
        key_pairs: 0,
      };
    }
    if (service === 'network') {
      return {
        network: this.networks.by('project', projectId).length,
        subnet: this.subnets.by('project', projectId).length,
        port: this.ports.by('project', projectId).length,
        router: this.routers.by('project', projectId).length,
        floatingip: this.floatingIps.by('project', projectId).length,
        security_group: this.securityGroups.by('project', projectId).length,
        security_group_rule: this.securityGroupRules.by('project', projectId).length,
      };
    }
    const volumes = this.volumes.by('project', projectId);
    const snapshots = this.snapshots.by('project', projectId);
    return {
      volumes: volumes.length,
      gigabytes: volumes.reduce((n, v) => n + v.sizeGb, 0) + snapshots.reduce((n, s) => n + s.sizeGb, 0),
      snapshots: snapshots.length,
    };
  }

  /**
   * Throws when a row references a missing row. Scenarios call it once after building, so a typo
   * in seed data fails the unit tests instead of producing a half-linked cloud.
   */
  checkReferences(): void {
    const missing: string[] = [];
    const need = (what: string, ok: boolean): void => {
      if (!ok) missing.push(what);
    };
    for (const p of this.projects.all()) need(`project ${p.name} domain`, this.domains.get(p.domainId) !== undefined);
    for (const a of this.roleAssignments.all()) {
      need(`assignment ${a.id} user`, this.users.get(a.userId) !== undefined);
      need(`assignment ${a.id} role`, this.roles.get(a.roleId) !== undefined);
    }
    for (const s of this.subnets.all()) need(`subnet ${s.name} network`, this.networks.get(s.networkId) !== undefined);
    for (const p of this.ports.all()) {
      need(`port ${p.id} network`, this.networks.get(p.networkId) !== undefined);
      for (const ip of p.fixedIps) need(`port ${p.id} subnet`, this.subnets.get(ip.subnetId) !== undefined);
      for (const g of p.securityGroupIds) need(`port ${p.id} security group`, this.securityGroups.get(g) !== undefined);
    }
    for (const r of this.securityGroupRules.all()) {
      need(`rule ${r.id} group`, this.securityGroups.get(r.securityGroupId) !== undefined);
      if (r.remoteGroupId) need(`rule ${r.id} remote group`, this.securityGroups.get(r.remoteGroupId) !== undefined);
    }
    for (const s of this.servers.all()) {
      need(`server ${s.name} flavor`, this.flavors.get(s.flavorId) !== undefined);
      need(`server ${s.name} image`, s.imageId === '' || this.images.get(s.imageId) !== undefined);
      need(`server ${s.name} project`, this.projects.get(s.projectId) !== undefined);
      need(`server ${s.name} host`, this.hypervisors.by('hostname', s.hypervisorHostname).length > 0);
    }
    for (const v of this.volumes.all()) {
      need(`volume ${v.name} type`, this.volumeTypes.get(v.volumeTypeId) !== undefined);
      for (const a of v.attachments) need(`volume ${v.name} server`, this.servers.get(a.serverId) !== undefined);
    }
    for (const f of this.floatingIps.all()) {
      need(`floating ip ${f.floatingIpAddress} network`, this.networks.get(f.floatingNetworkId) !== undefined);
      if (f.portId) need(`floating ip ${f.floatingIpAddress} port`, this.ports.get(f.portId) !== undefined);
    }
    if (missing.length > 0) throw new Error(`cloud ${this.meta.name}: dangling references: ${missing.slice(0, 10).join('; ')}`);
  }
}
