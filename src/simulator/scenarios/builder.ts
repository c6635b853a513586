/**
 * Helpers that scenarios use to fill a CloudStore: ids derived from names, a ticking scenario
 * clock, IP allocation per subnet, and one call per OpenStack object with sensible defaults.
 *
 * Invariant: a builder's output depends only on its cloud name and the calls made, so building
 * a scenario twice yields identical ids, MACs, addresses and timestamps.
 */
import { createHash } from 'node:crypto';
import { syntheticInfo } from '../blobs.js';
import { BOOT_TRANSITIONS, defaultFaults } from '../faults.js';
import { inspectedVirtualSize, qcow2Header } from '../image-format.js';
import { IdFactory, SCENARIO_EPOCH_MS } from '../ids.js';
import {
  CloudStore, DEFAULT_DOMAIN_ID, POWER_STATE,
  type AddressPair, type AllocationPool, type Domain, type Flavor, type FloatingIp, type Hypervisor, type Image, type Keypair, type Network, type Port,
  type Project, type QuotaDefaults, type Role, type SecurityGroup, type SecurityGroupRule, type Server, type ServerGroup, type Subnet, type User, type Volume,
} from '../store.js';

/** The sandbox admin's password: a fixed, documented value for a loopback-only fake cloud. */
export const SANDBOX_ADMIN_PASSWORD = 'sandbox-admin-password';

/** Password of every non-admin scenario user `name`: `sandbox-<name>-password`. */
export function sandboxUserPassword(name: string): string {
  return `sandbox-${name}-password`;
}

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface RuleSpec {
  direction?: 'ingress' | 'egress'; ethertype?: 'IPv4' | 'IPv6'; protocol?: string | null;
  ports?: [number, number]; remoteIpPrefix?: string; remoteGroup?: SecurityGroup; description?: string;
}

type Route = { destination: string; nexthop: string };

export class CloudBuilder {
  readonly store: CloudStore;
  readonly ids: IdFactory;
  private minute = 0;
  private instanceNumber = 0;
  /** Nova keeps separate integer sequences for services and compute nodes (pre-2.53 ids). */
  private readonly legacyIds = { service: 1, hypervisor: 1 };
  /** Next free host number per subnet id. */
  private readonly nextIp = new Map<string, number>();

  constructor(name: string, region = 'RegionOne') {
    this.store = new CloudStore({ name, region });
    this.ids = new IdFactory(name);
  }

  /** The scenario clock: each call is one minute after the previous one. */
  tick(): number {
    this.minute += 1;
    return SCENARIO_EPOCH_MS + this.minute * 60_000;
  }

  private legacyId(kind: 'service' | 'hypervisor'): number {
    return this.legacyIds[kind]++;
  }

  // ---- identity ----------------------------------------------------------------------------

  domain(name: string, id = this.ids.hex32(`domain:${name}`), description = name === 'Default' ? 'The default domain' : `${name} domain`): Domain {
    return this.store.domains.insert({ id, name, description, enabled: true });
  }

  project(name: string, opts: { domain?: Domain; description?: string; tags?: string[] } = {}): Project {
    const domainId = opts.domain?.id ?? DEFAULT_DOMAIN_ID;
    return this.store.projects.insert({
      id: this.ids.hex32(`project:${domainId}/${name}`), name, domainId, description: opts.description ?? '', enabled: true,
      tags: opts.tags ?? [], parentId: domainId,
    });
  }

  role(name: string): Role {
    return this.store.roles.insert({ id: this.ids.hex32(`role:${name}`), name });
  }

  roleNamed(name: string): Role {
    const role = this.store.roles.by('name', name)[0];
    if (!role) throw new Error(`no role ${name}`);
    return role;
  }

  user(name: string, opts: { domain?: Domain; password?: string; email?: string; defaultProject?: Project; enabled?: boolean; description?: string } = {}): User {
    const domainId = opts.domain?.id ?? DEFAULT_DOMAIN_ID;
    return this.store.users.insert({
      id: this.ids.hex32(`user:${domainId}/${name}`), name, domainId, enabled: opts.enabled ?? true, email: opts.email,
      defaultProjectId: opts.defaultProject?.id, password: opts.password ?? sandboxUserPassword(name),
      ...(opts.description !== undefined ? { description: opts.description } : {}),
    });
  }

  grant(user: User, roleName: string, on: Project | Domain): void {
    const role = this.roleNamed(roleName);
    const scope = 'parentId' in on ? { projectId: on.id } : { domainId: on.id };
    const key = 'projectId' in scope ? scope.projectId : scope.domainId;
    this.store.roleAssignments.insert({ id: this.ids.hex32(`grant:${user.id}/${role.id}/${key}`), userId: user.id, roleId: role.id, scope });
  }

  applicationCredential(user: User, project: Project, name: string, secret: string, roleNames: string[]): void {
    this.store.applicationCredentials.insert({
      id: this.ids.hex32(`appcred:${user.id}/${name}`), name, userId: user.id, projectId: project.id, secret,
      roleIds: roleNames.map((r) => this.roleNamed(r).id), expiresAt: null, unrestricted: false, description: '',
    });
  }

  // ---- compute catalogue ---------------------------------------------------------------------

  flavor(name: string, spec: { id?: string; vcpus: number; ramMb: number; diskGb: number; ephemeralGb?: number; swapMb?: number; isPublic?: boolean; extraSpecs?: Record<string, string>; access?: Project[]; description?: string }): Flavor {
    return this.store.flavors.insert({
      id: spec.id ?? this.ids.uuid(`flavor:${name}`), name, vcpus: spec.vcpus, ramMb: spec.ramMb, diskGb: spec.diskGb,
      ephemeralGb: spec.ephemeralGb ?? 0, swapMb: spec.swapMb ?? 0, isPublic: spec.isPublic ?? true, disabled: false, rxtxFactor: 1.0,
      description: spec.description ?? null, extraSpecs: spec.extraSpecs ?? {}, accessProjectIds: (spec.access ?? []).map((p) => p.id),
    });
  }

  /** The m1.* flavors devstack and Fuel both create, with their short ids "1" … "5". */
  defaultFlavors(): Flavor[] {
    return [
      this.flavor('m1.tiny', { id: '1', vcpus: 1, ramMb: 512, diskGb: 1 }),
      this.flavor('m1.small', { id: '2', vcpus: 1, ramMb: 2048, diskGb: 20 }),
      this.flavor('m1.medium', { id: '3', vcpus: 2, ramMb: 4096, diskGb: 40 }),
      this.flavor('m1.large', { id: '4', vcpus: 4, ramMb: 8192, diskGb: 80 }),
      this.flavor('m1.xlarge', { id: '5', vcpus: 8, ramMb: 16384, diskGb: 160 }),
    ];
  }

  flavorNamed(name: string): Flavor {
    const flavor = this.store.flavors.by('name', name)[0];
    if (!flavor) throw new Error(`no flavor ${name}`);
    return flavor;
  }

  image(name: string, owner: Project, spec: {
    visibility?: Image['visibility']; sizeBytes?: number; diskFormat?: string; containerFormat?: string; properties?: Record<string, string>;
    sharedWith?: Project[]; tags?: string[]; minDiskGb?: number; minRamMb?: number;
  } = {}): Image {
    const created = this.tick();
    const size = spec.sizeBytes ?? 16_338_944;
    const id = this.ids.uuid(`image:${name}`);
    const diskFormat = spec.diskFormat ?? 'qcow2';
    // Its bytes: synthetic, seeded by the name (a qcow2 one starts with a header announcing a disk
    // 7 times its size); the hashes and virtual size Glance reports are theirs.
    const header = diskFormat === 'qcow2' ? qcow2Header(size * 7) : undefined;
    this.store.blobs.synthetic(`image:${id}`, size, `image:${name}`, header);
    const hashes = syntheticInfo(size, `image:${name}`, header);
    return this.store.images.insert({
      id, name, ownerId: owner.id, visibility: spec.visibility ?? 'public', status: 'active',
      sizeBytes: size, virtualSizeBytes: inspectedVirtualSize(diskFormat, header ?? Buffer.alloc(0), size), diskFormat, containerFormat: spec.containerFormat ?? 'bare',
      checksum: hashes.md5, osHashAlgo: 'sha512', osHashValue: hashes.sha512,
      minRamMb: spec.minRamMb ?? 0, minDiskGb: spec.minDiskGb ?? 0, protected: false, hidden: false, properties: spec.properties ?? {}, tags: spec.tags ?? [],
      members: (spec.sharedWith ?? []).map((p) => ({ memberId: p.id, status: 'accepted' as const, createdAt: created, updatedAt: created })),
      createdAt: created, updatedAt: created,
    });
  }

  /** An ed25519 public key in OpenSSH wire format, derived from the name, with Nova's MD5 fingerprint. */
  keypair(user: User, name: string): Keypair {
    const type = Buffer.from('ssh-ed25519');
    const key = createHash('sha256').update(`${this.store.meta.name}:${user.id}:${name}`).digest();
    const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
    const blob = Buffer.concat([u32(type.length), type, u32(key.length), key]);
    const fingerprint = createHash('md5').update(blob).digest('hex').match(/../g)?.join(':') ?? '';
    return this.store.keypairs.insert({
      id: `${user.id}/${name}`, name, userId: user.id, publicKey: `ssh-ed25519 ${blob.toString('base64')} ${user.name}@sandbox\n`,
      fingerprint, type: 'ssh', createdAt: this.tick(),
    });
  }

  // ---- network -------------------------------------------------------------------------------

  securityGroup(project: Project, name: string, description = '', tags: string[] = []): SecurityGroup {
    return this.store.securityGroups.insert({ id: this.ids.uuid(`sg:${project.id}/${name}`), name, projectId: project.id, description, stateful: true, tags, createdAt: this.tick() });
  }

  rule(group: SecurityGroup, spec: RuleSpec): SecurityGroupRule {
    const key = `${group.id}/${this.store.securityGroupRules.by('group', group.id).length}`;
    return this.store.securityGroupRules.insert({
      id: this.ids.uuid(`rule:${key}`), securityGroupId: group.id, projectId: group.projectId, direction: spec.direction ?? 'ingress',
      ethertype: spec.ethertype ?? 'IPv4', protocol: spec.protocol ?? null, portRangeMin: spec.ports?.[0] ?? null, portRangeMax: spec.ports?.[1] ?? null,
      remoteIpPrefix: spec.remoteIpPrefix ?? null, remoteGroupId: spec.remoteGroup?.id ?? null, description: spec.description ?? '', createdAt: this.tick(),
    });
  }

  /** The `default` group Neutron creates per project: members talk to each other, all egress. */
  defaultSecurityGroup(project: Project): SecurityGroup {
    const g = this.securityGroup(project, 'default', 'Default security group');
    for (const ethertype of ['IPv4', 'IPv6'] as const) {
      this.rule(g, { direction: 'egress', ethertype });
      this.rule(g, { direction: 'ingress', ethertype, remoteGroup: g });
    }
    return g;
  }

  network(project: Project, name: string, spec: { shared?: boolean; external?: boolean; physnet?: string; segmentationId?: number; tags?: string[]; mtu?: number; description?: string } = {}): Network {
    const flat = spec.physnet !== undefined;
    return this.store.networks.insert({
      id: this.ids.uuid(`net:${project.id}/${name}`), name, projectId: project.id, shared: spec.shared ?? false, external: spec.external ?? false,
      adminStateUp: true, status: 'ACTIVE', mtu: spec.mtu ?? (flat ? 1500 : 1450), portSecurityEnabled: true,
      providerNetworkType: flat ? 'flat' : 'vxlan', providerPhysicalNetwork: spec.physnet ?? null,
      providerSegmentationId: flat ? null : (spec.segmentationId ?? 1000 + this.store.networks.size), availabilityZoneHints: [],
      tags: spec.tags ?? [], description: spec.description ?? '', createdAt: this.tick(),
    });
  }

  /**
   * An IPv4 subnet; the gateway is .1 and the pool runs from `poolStart` (default .2) to the end,
   * unless `pools` lists the allocation pools.
   */
  subnet(network: Network, name: string, cidr: string, spec: {
    dhcp?: boolean; poolStart?: number; dns?: string[]; pools?: AllocationPool[]; hostRoutes?: Route[]; tags?: string[]; description?: string;
  } = {}): Subnet {
    const [base = '0.0.0.0', bits = '24'] = cidr.split('/');
    const first = ipToInt(base);
    const last = first + 2 ** (32 - Number(bits)) - 2;
    const pools = spec.pools ?? [{ start: intToIp(first + (spec.poolStart ?? 2)), end: intToIp(last) }];
    const subnet = this.store.subnets.insert({
      id: this.ids.uuid(`subnet:${network.id}/${name}`), name, networkId: network.id, projectId: network.projectId, ipVersion: 4, cidr,
      gatewayIp: intToIp(first + 1), allocationPools: pools, enableDhcp: spec.dhcp ?? true,
      dnsNameservers: spec.dns ?? [], hostRoutes: spec.hostRoutes ?? [], tags: spec.tags ?? [], description: spec.description ?? '', createdAt: this.tick(),
    });
    this.nextIp.set(subnet.id, ipToInt(pools[0]?.start ?? base));
    return subnet;
  }

  /** The next free address of a subnet's pools (the next pool once one is used up). */
  allocateIp(subnet: Subnet): string {
    let n = this.nextIp.get(subnet.id) ?? ipToInt(subnet.allocationPools[0]?.start ?? '0.0.0.0');
    const pools = subnet.allocationPools;
    const beyond = pools.findIndex((p) => n <= ipToInt(p.end));
    const pool = pools[beyond];
    if (pool && n < ipToInt(pool.start)) n = ipToInt(pool.start);
    this.nextIp.set(subnet.id, n + 1);
    return intToIp(n);
  }

  /**
   * A port; its MAC is derived from `key` unless `mac` gives one (as `openstack port create
   * --mac-address` does). Allowed address pairs without a MAC take the port's, as in Neutron.
   */
  port(subnet: Subnet, spec: {
    key: string; projectId?: string; deviceOwner?: string; deviceId?: string; host?: string; securityGroups?: SecurityGroup[]; ip?: string; name?: string;
    mac?: string; allowedAddressPairs?: { ipAddress: string; macAddress?: string }[]; tags?: string[]; description?: string;
  }): Port {
    const network = this.store.networks.get(subnet.networkId);
    if (!network) throw new Error(`subnet ${subnet.name} has no network`);
    const ip = spec.ip ?? this.allocateIp(subnet);
    const mac = spec.mac ?? this.ids.mac(`mac:${spec.key}`);
    const pairs: AddressPair[] | undefined = spec.allowedAddressPairs?.map((p) => ({ ipAddress: p.ipAddress, macAddress: p.macAddress ?? mac }));
    return this.store.ports.insert({
      id: this.ids.uuid(`port:${spec.key}`), name: spec.name ?? '', networkId: network.id, projectId: spec.projectId ?? subnet.projectId,
      macAddress: mac, fixedIps: [{ subnetId: subnet.id, ipAddress: ip }], deviceOwner: spec.deviceOwner ?? '',
      deviceId: spec.deviceId ?? '', bindingHostId: spec.host ?? '', securityGroupIds: (spec.securityGroups ?? []).map((g) => g.id),
      status: spec.deviceId ? 'ACTIVE' : 'DOWN', adminStateUp: true, portSecurityEnabled: !(spec.deviceOwner ?? '').startsWith('network:'),
      tags: spec.tags ?? [], description: spec.description ?? '', createdAt: this.tick(), ...(pairs ? { allowedAddressPairs: pairs } : {}),
    });
  }

  /** A DHCP port, as the DHCP agent creates on each subnet with DHCP enabled. */
  dhcpPort(subnet: Subnet, host: string): Port {
    return this.port(subnet, { key: `dhcp:${subnet.id}`, deviceOwner: 'network:dhcp', deviceId: `dhcp${this.ids.uuid(`dhcpdev:${host}`)}-${subnet.networkId}`, host });
  }

  /** A router with a gateway on `external` (a gateway port owned by no project, as Neutron does) and interfaces on `subnets`. */
  router(project: Project, name: string, external: { network: Network; subnet: Subnet } | undefined, subnets: Subnet[], host = '',
    extra: { routes?: Route[]; tags?: string[]; description?: string } = {}): ReturnType<CloudStore['routers']['insert']> {
    const id = this.ids.uuid(`router:${project.id}/${name}`);
    let gateway = null;
    if (external) {
      const gw = this.port(external.subnet, { key: `rgw:${id}`, projectId: '', deviceOwner: 'network:router_gateway', deviceId: id, host });
      gateway = { networkId: external.network.id, enableSnat: true, externalFixedIps: gw.fixedIps.map((ip) => ({ ...ip })) };
    }
    const router = this.store.routers.insert({
      id, name, projectId: project.id, status: 'ACTIVE', adminStateUp: true, externalGateway: gateway, routes: extra.routes ?? [], tags: extra.tags ?? [],
      description: extra.description ?? '', createdAt: this.tick(),
    });
    for (const s of subnets) {
      this.port(s, { key: `rif:${id}/${s.id}`, projectId: project.id, deviceOwner: 'network:router_interface', deviceId: id, host, ip: s.gatewayIp ?? undefined });
    }
    return router;
  }

  floatingIp(project: Project, external: { network: Network; subnet: Subnet }, target?: { port: Port; routerId: string }, extra: { description?: string; tags?: string[] } = {}): FloatingIp {
    const address = this.allocateIp(external.subnet);
    const fip = this.store.floatingIps.insert({
      id: this.ids.uuid(`fip:${address}`), projectId: project.id, floatingNetworkId: external.network.id, floatingIpAddress: address,
      portId: target?.port.id ?? null, fixedIpAddress: target?.port.fixedIps[0]?.ipAddress ?? null, routerId: target?.routerId ?? null,
      status: target ? 'ACTIVE' : 'DOWN', description: extra.description ?? '', tags: extra.tags ?? [], createdAt: this.tick(),
    });
    // Neutron backs every floating IP with a port on the external network.
    this.port(external.subnet, { key: `fipport:${fip.id}`, projectId: '', deviceOwner: 'network:floatingip', deviceId: fip.id, ip: address });
    return fip;
  }

  // ---- hosts -----------------------------------------------------------------------------------

  /** A compute host: its hypervisor and its nova-compute service. */
  computeHost(hostname: string, spec: { vcpus?: number; memoryMb?: number; localGb?: number; hostIp: string; zone?: string; hypervisorType?: string; disabledReason?: string; state?: 'up' | 'down' }): Hypervisor {
    const status = spec.disabledReason ? 'disabled' : 'enabled';
    this.store.computeServices.insert({
      id: this.ids.uuid(`service:nova-compute@${hostname}`), legacyId: this.legacyId('service'), binary: 'nova-compute', host: hostname, zone: spec.zone ?? 'nova',
      status, state: spec.state ?? 'up', disabledReason: spec.disabledReason ?? null, forcedDown: false, updatedAt: SCENARIO_EPOCH_MS,
    });
    const vcpus = spec.vcpus ?? 32;
    return this.store.hypervisors.insert({
      id: this.ids.uuid(`hypervisor:${hostname}`), legacyId: this.legacyId('hypervisor'), hostname, host: hostname, state: spec.state ?? 'up', status,
      hypervisorType: spec.hypervisorType ?? 'QEMU', hypervisorVersion: 6002000, hostIp: spec.hostIp,
      vcpus, memoryMb: spec.memoryMb ?? 131072, localGb: spec.localGb ?? 1800,
      cpuInfo: JSON.stringify({ arch: 'x86_64', model: 'Cascadelake-Server', vendor: 'Intel', features: ['pge', 'clflush'], topology: { cores: vcpus / 2, threads: 2, sockets: 1 } }),
    });
  }

  /** Control-plane services (zone `internal`). */
  controllerServices(host: string, binaries = ['nova-scheduler', 'nova-conductor']): void {
    for (const binary of binaries) {
      this.store.computeServices.insert({
        id: this.ids.uuid(`service:${binary}@${host}`), legacyId: this.legacyId('service'), binary, host, zone: 'internal', status: 'enabled', state: 'up',
        disabledReason: null, forcedDown: false, updatedAt: SCENARIO_EPOCH_MS,
      });
    }
  }

  aggregate(name: string, hosts: string[], metadata: Record<string, string> = {}, availabilityZone: string | null = null): void {
    this.store.aggregates.insert({ id: this.ids.uuid(`aggregate:${name}`), legacyId: this.store.aggregates.size + 1, name, availabilityZone, hosts, metadata, createdAt: this.tick() });
  }

  // ---- servers and volumes -----------------------------------------------------------------------

  /**
   * A server with a port per subnet in `subnets` (made by Nova), plus the pre-created `ports` it
   * was booted with. An AMI-style image's kernel and ramdisk are recorded as Nova does.
   */
  server(project: Project, name: string, spec: {
    user: User; flavor: Flavor; image?: Image; host: Hypervisor; subnets: Subnet[]; securityGroups?: SecurityGroup[]; keyName?: string;
    metadata?: Record<string, string>; tags?: string[]; status?: 'ACTIVE' | 'SHUTOFF'; key?: string;
    ports?: Port[]; description?: string; userData?: string;
  }): { server: Server; ports: Port[] } {
    const key = spec.key ?? `${project.id}/${name}`;
    const created = this.tick();
    const status = spec.status ?? 'ACTIVE';
    const kernel = spec.image?.properties['kernel_id'];
    const bootFiles = kernel ? { kernelId: kernel, ramdiskId: spec.image?.properties['ramdisk_id'] ?? '' } : {};
    const server = this.store.servers.insert({
      id: this.ids.uuid(`server:${key}`), name, projectId: project.id, userId: spec.user.id, flavorId: spec.flavor.id, imageId: spec.image?.id ?? '',
      keyName: spec.keyName ?? null, securityGroupNames: (spec.securityGroups ?? []).map((g) => g.name), metadata: spec.metadata ?? {}, tags: spec.tags ?? [],
      host: spec.host.host, hypervisorHostname: spec.host.hostname, availabilityZone: 'nova', status,
      vmState: status === 'ACTIVE' ? 'active' : 'stopped', taskState: null, powerState: status === 'ACTIVE' ? POWER_STATE.RUNNING : POWER_STATE.SHUTDOWN,
      instanceNumber: ++this.instanceNumber, description: spec.description ?? null, locked: false, configDrive: '', createdAt: created, updatedAt: created, launchedAt: created + BOOT_TRANSITIONS * defaultFaults().transitionMs,
      ...(spec.userData !== undefined ? { userData: spec.userData } : {}), ...bootFiles,
    });
    for (const port of spec.ports ?? []) {
      this.store.ports.update(port, (p) => Object.assign(p, { deviceOwner: 'compute:nova', deviceId: server.id, bindingHostId: spec.host.host, status: 'ACTIVE' }));
    }
    const made = spec.subnets.map((subnet, i) => this.port(subnet, {
      key: `${key}#${i}`, projectId: project.id, deviceOwner: 'compute:nova', deviceId: server.id, host: spec.host.host, securityGroups: spec.securityGroups ?? [],
    }));
    return { server, ports: [...(spec.ports ?? []), ...made] };
  }

  serverGroup(project: Project, name: string, user: User, policy: ServerGroup['policy'], members: Server[]): ServerGroup {
    return this.store.serverGroups.insert({ id: this.ids.uuid(`servergroup:${project.id}/${name}`), name, projectId: project.id, userId: user.id, policy, members: members.map((m) => m.id) });
  }

  volumeType(name: string, extraSpecs: Record<string, string> = {}, description: string | null = null): void {
    this.store.volumeTypes.insert({ id: this.ids.uuid(`voltype:${name}`), name, isPublic: true, description, extraSpecs });
  }

  volume(project: Project, name: string, spec: {
    user: User; sizeGb: number; typeName?: string; attachTo?: { server: Server; device: string }; image?: Image; metadata?: Record<string, string>; key?: string;
    description?: string;
  }): Volume {
    const type = this.store.volumeTypes.by('name', spec.typeName ?? '__DEFAULT__')[0];
    if (!type) throw new Error(`no volume type ${spec.typeName ?? '__DEFAULT__'}`);
    const created = this.tick();
    const id = this.ids.uuid(`volume:${spec.key ?? `${project.id}/${name}`}`);
    // A volume's bytes: its image's, or 1 MiB of written data (its size in GiB is capacity, not content).
    if (spec.image) this.store.blobs.copy(`image:${spec.image.id}`, `volume:${id}`);
    else this.store.blobs.synthetic(`volume:${id}`, 1 << 20, `volume:${id}`);
    return this.store.volumes.insert({
      id, name, projectId: project.id, userId: spec.user.id, sizeGb: spec.sizeGb, status: spec.attachTo ? 'in-use' : 'available',
      bootable: spec.image !== undefined, volumeTypeId: type.id, availabilityZone: 'nova',
      attachments: spec.attachTo ? [{ attachmentId: this.ids.uuid(`attachment:${id}`), serverId: spec.attachTo.server.id, device: spec.attachTo.device, hostName: spec.attachTo.server.host, attachedAt: created + 60_000 }] : [],
      metadata: spec.metadata ?? {}, description: spec.description ?? null, multiattach: false, encrypted: false, snapshotId: null, sourceVolid: null,
      imageId: spec.image?.id ?? null, backendHost: `${this.store.meta.name}-storage@lvmdriver-1#lvmdriver-1`, createdAt: created, updatedAt: created,
    });
  }

  snapshot(volume: Volume, name: string): void {
    const created = this.tick();
    this.store.snapshots.insert({
      id: this.ids.uuid(`snapshot:${volume.id}/${name}`), name, volumeId: volume.id, projectId: volume.projectId, userId: volume.userId,
      sizeGb: volume.sizeGb, status: 'available', description: null, metadata: {}, createdAt: created, updatedAt: created,
    });
  }

  setQuota(project: Project, quota: Partial<{ [K in keyof QuotaDefaults]: Record<string, number> }>): void {
    this.store.quotas.set(project.id, quota);
  }
}

/** What every cloud has: the Default domain, admin/member/reader/service roles, an admin user on an admin project, a service project with service users. */
export function baseIdentity(b: CloudBuilder, opts: { serviceProject: string; serviceUsers: string[] }): { admin: User; adminProject: Project; serviceProject: Project } {
  const defaultDomain = b.domain('Default', DEFAULT_DOMAIN_ID);
  for (const r of ['admin', 'member', 'reader', 'service']) b.role(r);
  const adminProject = b.project('admin', { description: 'Bootstrap project for initializing the cloud.' });
  const serviceProject = b.project(opts.serviceProject);
  const admin = b.user('admin', { password: SANDBOX_ADMIN_PASSWORD, defaultProject: adminProject });
  b.grant(admin, 'admin', adminProject);
  b.grant(admin, 'admin', defaultDomain);
  for (const name of opts.serviceUsers) {
    const u = b.user(name);
    b.grant(u, 'admin', serviceProject);
    b.grant(u, 'service', serviceProject);
  }
  return { admin, adminProject, serviceProject };
}
