/**
 * The `kitchen-sink` SOURCE cloud: one project, `ks-app` (with `ks-partner` as the project things
 * are shared with), holding every case of issue "Fidelity", item 6, with every optional field
 * of every migrated kind set: descriptions, tags, metadata, properties, extra specs, MTU, allowed
 * address pairs, host routes, DNS nameservers, static routes, a fixed MAC, a domain-scoped grant,
 * an AMI with its kernel and ramdisk, a stopped server. test/real/seed-source.sh makes the same
 * objects (prefixed `ph-ks-`) on the real source cloud with the `openstack` CLI.
 *
 * `kitchen-sink-mac-clash` pairs this source with a TARGET where an operator already made
 * ks-app's network and put a port on it holding ks-web-port's MAC (another address): the copy
 * of ks-web-port would fail with MacAddressInUse, so the plan must show it as a conflict.
 */
import type { CloudStore, Hypervisor, Image, Port, Project, SecurityGroup, Subnet, User } from '../store.js';
import { CloudBuilder, baseIdentity } from './builder.js';
import { fuelTargetBuilder } from './target.js';

/** The MAC ks-web-port was created with (`openstack port create --mac-address`): locally administered, not Neutron's fa:16:3e. */
export const KS_FIXED_MAC = '02:4b:53:00:00:01';
export const KS_CIDR = '10.77.0.0/24';

/** cloud-init user data of ks-web-1, as `--user-data` sends it (base64). */
const KS_USER_DATA = Buffer.from('#cloud-config\nhostname: ks-web-1\npackages: [nginx]\nruncmd:\n  - systemctl enable --now nginx\n').toString('base64');

interface KsIdentity { app: Project; partner: Project; owner: User }
interface KsImages { shared: Image; ami: Image }
interface KsNetwork { subnet: Subnet; webPort: Port; routerId: string; external: Parameters<CloudBuilder['floatingIp']>[1]; groups: Record<'default' | 'web' | 'db', SecurityGroup> }

export function buildKitchenSinkSource(name = 'sandbox-source'): CloudStore {
  const b = new CloudBuilder(name);
  const { adminProject } = baseIdentity(b, { serviceProject: 'service', serviceUsers: ['nova', 'glance', 'neutron', 'cinder', 'placement'] });
  const who = identity(b);
  const images = catalogue(b, who, adminProject);
  const net = network(b, who, adminProject);
  b.controllerServices('ctl-1');
  const hosts = [1, 2, 3].map((n) => b.computeHost(`cmp-${n}`, { hostIp: `10.20.0.${10 + n}` }));
  b.volumeType('__DEFAULT__', {}, 'Default Volume Type');
  b.volumeType('lvmdriver-1', { volume_backend_name: 'lvmdriver-1' }, 'LVM on the storage node');
  workload(b, who, images, net, hosts as [Hypervisor, Hypervisor, Hypervisor]);
  b.store.checkReferences();
  return b.store;
}

/** ks-domain, its two projects, ks-owner (member of ks-app, reader on the domain) and raised quotas. */
function identity(b: CloudBuilder): KsIdentity {
  const domain = b.domain('ks-domain', undefined, 'Kitchen-sink domain: every optional field set');
  const app = b.project('ks-app', { domain, description: 'The kitchen-sink application', tags: ['kitchen-sink', 'tier-1'] });
  const partner = b.project('ks-partner', { domain, description: 'The project ks-app shares its flavor and image with', tags: ['partner'] });
  const owner = b.user('ks-owner', { domain, defaultProject: app, email: 'ks-owner@example.com', description: 'Owns the kitchen-sink workload' });
  b.grant(owner, 'member', app);
  b.grant(owner, 'reader', domain);
  b.setQuota(app, {
    compute: { instances: 20, cores: 40, ram: 102_400, key_pairs: 200 },
    network: { port: 100, floatingip: 20, security_group: 20 },
    volume: { volumes: 20, gigabytes: 2000, snapshots: 20 },
  });
  return { app, partner, owner };
}

/** Flavors (a private one with an access list, one with ephemeral and swap), ks-owner's key, the images. */
function catalogue(b: CloudBuilder, who: KsIdentity, adminProject: Project): KsImages {
  b.defaultFlavors();
  b.flavor('ks-private', {
    vcpus: 2, ramMb: 2048, diskGb: 20, isPublic: false, access: [who.app, who.partner], description: 'Private flavor of the kitchen sink',
    extraSpecs: { 'hw:cpu_policy': 'shared', 'hw_rng:allowed': 'True', 'quota:disk_read_iops_sec': '1000' },
  });
  b.flavor('ks-ephemeral', { vcpus: 1, ramMb: 1024, diskGb: 10, ephemeralGb: 1, swapMb: 512, description: 'With an ephemeral disk and swap' });
  b.keypair(who.owner, 'ks-key');
  b.image('cirros-0.6.2-x86_64-disk', adminProject, { properties: { os_distro: 'cirros' } });
  const shared = b.image('ks-shared-image', who.app, {
    visibility: 'shared', sharedWith: [who.partner], sizeBytes: 41_943_040, minDiskGb: 5, minRamMb: 512, tags: ['kitchen-sink', 'golden'],
    properties: { os_distro: 'ubuntu', os_version: '22.04', hw_disk_bus: 'virtio', hw_qemu_guest_agent: 'yes', description: 'Golden image shared with ks-partner' },
  });
  const kernel = b.image('ks-kernel', who.app, { visibility: 'private', sizeBytes: 5_242_880, diskFormat: 'aki', containerFormat: 'aki' });
  const ramdisk = b.image('ks-ramdisk', who.app, { visibility: 'private', sizeBytes: 3_145_728, diskFormat: 'ari', containerFormat: 'ari' });
  const ami = b.image('ks-ami', who.app, {
    visibility: 'private', sizeBytes: 25_165_824, diskFormat: 'ami', containerFormat: 'ami', tags: ['kitchen-sink'],
    properties: { kernel_id: kernel.id, ramdisk_id: ramdisk.id, os_distro: 'cirros' },
  });
  return { shared, ami };
}

/** The external network, ks-net with every optional field, ks-router with a static route, the groups, ks-web-port. */
function network(b: CloudBuilder, who: KsIdentity, adminProject: Project): KsNetwork {
  const publicNet = b.network(adminProject, 'public', { external: true, physnet: 'public' });
  const publicSubnet = b.subnet(publicNet, 'public-subnet', '203.0.113.0/24', { dhcp: false, poolStart: 100 });
  const external = { network: publicNet, subnet: publicSubnet };
  const net = b.network(who.app, 'ks-net', { mtu: 1400, tags: ['kitchen-sink'], description: 'Kitchen-sink tenant network' });
  const subnet = b.subnet(net, 'ks-subnet', KS_CIDR, {
    pools: [{ start: '10.77.0.10', end: '10.77.0.99' }, { start: '10.77.0.150', end: '10.77.0.200' }],
    dns: ['192.0.2.53', '198.51.100.53'], hostRoutes: [{ destination: '192.168.77.0/24', nexthop: '10.77.0.254' }],
    tags: ['kitchen-sink'], description: 'Two pools, DNS servers and a host route',
  });
  b.dhcpPort(subnet, 'ctl-1');
  const router = b.router(who.app, 'ks-router', external, [subnet], 'ctl-1', {
    routes: [{ destination: '172.31.0.0/16', nexthop: '10.77.0.254' }], tags: ['kitchen-sink'], description: 'Gateway, interface and a static route',
  });
  const groups = securityGroups(b, who.app);
  const webPort = b.port(subnet, {
    key: `${who.app.id}/ks-web-port`, name: 'ks-web-port', projectId: who.app.id, ip: '10.77.0.20', mac: KS_FIXED_MAC,
    securityGroups: [groups.default, groups.web], description: 'Fixed MAC and address, a VIP and a range as allowed address pairs',
    allowedAddressPairs: [{ ipAddress: '10.77.0.250' }, { ipAddress: '10.77.100.0/24', macAddress: '02:4b:53:00:00:02' }], tags: ['kitchen-sink'],
  });
  return { subnet, webPort, routerId: router.id, external, groups };
}

/** `default`, ks-web (CIDR rules) and ks-db (a rule naming ks-web), with descriptions and tags. */
function securityGroups(b: CloudBuilder, app: Project): KsNetwork['groups'] {
  const byDefault = b.defaultSecurityGroup(app);
  const web = b.securityGroup(app, 'ks-web', 'HTTP(S) from anywhere, SSH from the office', ['kitchen-sink']);
  b.rule(web, { protocol: 'tcp', ports: [80, 80], remoteIpPrefix: '0.0.0.0/0', description: 'HTTP' });
  b.rule(web, { protocol: 'tcp', ports: [443, 443], remoteIpPrefix: '0.0.0.0/0', description: 'HTTPS' });
  b.rule(web, { protocol: 'tcp', ports: [22, 22], remoteIpPrefix: '198.51.100.0/24', description: 'SSH from the office' });
  const db = b.securityGroup(app, 'ks-db', 'PostgreSQL from the web tier', ['kitchen-sink']);
  b.rule(db, { protocol: 'tcp', ports: [5432, 5432], remoteGroup: web, description: 'PostgreSQL from ks-web' });
  return { default: byDefault, web, db };
}

/** ks-web-1 (everything), ks-stopped (SHUTOFF), ks-kernel-boot (the AMI), the server group, volumes, floating IP. */
function workload(b: CloudBuilder, who: KsIdentity, images: KsImages, net: KsNetwork, [cmp1, cmp2, cmp3]: [Hypervisor, Hypervisor, Hypervisor]): void {
  const common = { user: who.owner, keyName: 'ks-key' };
  const web = b.server(who.app, 'ks-web-1', {
    ...common, flavor: b.flavorNamed('ks-private'), image: images.shared, host: cmp1, subnets: [], ports: [net.webPort],
    securityGroups: [net.groups.default, net.groups.web], metadata: { role: 'web', owner: 'ks-owner', 'backup-policy': 'daily' },
    tags: ['kitchen-sink', 'web'], description: 'The kitchen-sink web server', userData: KS_USER_DATA,
  }).server;
  b.serverGroup(who.app, 'ks-anti', who.owner, 'anti-affinity', [web]);
  b.floatingIp(who.app, net.external, { port: net.webPort, routerId: net.routerId }, { description: 'Public address of ks-web-1', tags: ['kitchen-sink'] });
  b.server(who.app, 'ks-stopped', {
    ...common, flavor: b.flavorNamed('ks-ephemeral'), image: images.shared, host: cmp2, subnets: [net.subnet],
    securityGroups: [net.groups.default, net.groups.db], status: 'SHUTOFF', description: 'Stopped: must stay SHUTOFF on the target',
    metadata: { role: 'db' }, tags: ['kitchen-sink'],
  });
  b.server(who.app, 'ks-kernel-boot', {
    ...common, flavor: b.flavorNamed('m1.small'), image: images.ami, host: cmp3, subnets: [net.subnet], securityGroups: [net.groups.default],
    description: 'Booted from an AMI with its kernel and ramdisk',
  });
  b.volume(who.app, 'ks-data', {
    user: who.owner, sizeGb: 2, typeName: 'lvmdriver-1', attachTo: { server: web, device: '/dev/vdb' },
    metadata: { purpose: 'kitchen-sink', backup: 'nightly' }, description: 'Data disk of ks-web-1',
  });
  b.volume(who.app, 'ks-spare', { user: who.owner, sizeGb: 1, metadata: { purpose: 'spare' }, description: 'Detached volume' });
}

/**
 * The TARGET of `kitchen-sink-mac-clash`: the Fuel cloud where an operator already created
 * ks-domain/ks-app with a network and subnet of the same names, and a port holding ks-web-port's
 * MAC at another address. Neutron refuses a second port with that MAC on the network (409
 * MacAddressInUse), so the copy of ks-web-port could never be made.
 */
export function buildMacClashTarget(name = 'sandbox-target'): CloudStore {
  const b = fuelTargetBuilder(name);
  const domain = b.domain('ks-domain', undefined, 'Kitchen-sink domain: every optional field set');
  const app = b.project('ks-app', { domain, description: 'Made by hand before the migration' });
  b.defaultSecurityGroup(app);
  const net = b.network(app, 'ks-net', { mtu: 1400 });
  const subnet = b.subnet(net, 'ks-subnet', KS_CIDR, { pools: [{ start: '10.77.0.10', end: '10.77.0.200' }] });
  b.port(subnet, { key: 'squatter', name: 'squatter', projectId: app.id, ip: '10.77.0.99', mac: KS_FIXED_MAC, description: 'Holds the MAC of the source ks-web-port' });
  b.store.checkReferences();
  return b.store;
}
