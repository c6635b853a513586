/**
 * The `demo` SOURCE cloud: a small but complete workload estate that exercises every kind of
 * object Pumphouse migrates (see SPEC.md, "Scenarios", for the full inventory).
 */
import type { CloudStore, Hypervisor, Image, Network, Project, SecurityGroup, Subnet, User } from '../store.js';
import { CloudBuilder, baseIdentity } from './builder.js';

/** The secret of alice's application credential `ci-deployer` in the demo scenario. */
export const DEMO_APP_CREDENTIAL_SECRET = 'sandbox-app-credential-secret';

export function buildDemoSource(name = 'sandbox-source'): CloudStore {
  const b = new CloudBuilder(name);
  const { admin, adminProject } = baseIdentity(b, { serviceProject: 'service', serviceUsers: ['nova', 'glance', 'neutron', 'cinder', 'placement'] });

  // Identity: three workload projects in Default, one in a partner domain.
  const partners = b.domain('partners');
  const demo = b.project('demo', { description: 'Web shop', tags: ['tier-1'] });
  const itOps = b.project('it-ops', { description: 'Internal tooling', tags: ['internal'] });
  const finance = b.project('finance', { description: 'Finance applications', tags: ['tier-1', 'pci'] });
  const acme = b.project('acme', { domain: partners, description: 'Partner workloads' });
  const alice = b.user('alice', { defaultProject: demo, email: 'alice@example.com' });
  const bob = b.user('bob', { defaultProject: demo, email: 'bob@example.com' });
  const carol = b.user('carol', { defaultProject: itOps, email: 'carol@example.com' });
  const dave = b.user('dave', { defaultProject: finance, email: 'dave@example.com' });
  const erin = b.user('erin', { defaultProject: finance });
  const acmeAdmin = b.user('acme-admin', { domain: partners, defaultProject: acme, email: 'ops@acme.example' });
  b.grant(alice, 'member', demo);
  b.grant(bob, 'member', demo);
  b.grant(bob, 'member', itOps);
  b.grant(carol, 'admin', itOps);
  b.grant(dave, 'member', finance);
  b.grant(erin, 'reader', finance);
  b.grant(acmeAdmin, 'member', acme);
  b.grant(acmeAdmin, 'admin', partners);
  b.applicationCredential(alice, demo, 'ci-deployer', DEMO_APP_CREDENTIAL_SECRET, ['member']);

  // Catalogue: flavors (one private with access list and extra specs) and images.
  b.defaultFlavors();
  b.flavor('finance.secure', { vcpus: 4, ramMb: 8192, diskGb: 40, isPublic: false, access: [finance], extraSpecs: { 'hw:cpu_policy': 'dedicated', 'hw:mem_page_size': 'large' }, description: 'pinned CPUs for PCI workloads' });
  b.flavor('m1.large.ssd', { vcpus: 4, ramMb: 8192, diskGb: 80, extraSpecs: { 'aggregate_instance_extra_specs:ssd': 'true', 'quota:disk_read_iops_sec': '5000' } });
  const cirros = b.image('cirros-0.6.2-x86_64-disk', adminProject, { properties: { os_distro: 'cirros', hw_disk_bus: 'virtio' } });
  const ubuntu = b.image('ubuntu-22.04', adminProject, { sizeBytes: 661_127_168, properties: { os_distro: 'ubuntu', os_version: '22.04' }, minDiskGb: 10 });
  const golden = b.image('finance-golden', finance, { visibility: 'shared', sizeBytes: 1_073_741_824, sharedWith: [itOps], properties: { os_distro: 'rhel' } });
  b.image('ops-tools', itOps, { visibility: 'private', sizeBytes: 104_857_600, diskFormat: 'raw' });

  for (const u of [admin, alice, bob, carol, dave, acmeAdmin]) b.keypair(u, `${u.name}-key`);

  // Network: external `public`, and per project a tenant network, subnet, router and groups.
  const publicNet = b.network(adminProject, 'public', { external: true, physnet: 'public' });
  const publicSubnet = b.subnet(publicNet, 'public-subnet', '203.0.113.0/24', { dhcp: false, poolStart: 100 });
  const external = { network: publicNet, subnet: publicSubnet };
  const tenants = new Map<Project, { subnet: Subnet; routerId: string; groups: Map<string, SecurityGroup> }>();
  [demo, itOps, finance, acme].forEach((project, i) => {
    const net = b.network(project, `${project.name}-net`, { tags: project === demo ? ['frontend'] : [] });
    const subnet = b.subnet(net, `${project.name}-subnet`, `10.${i + 1}.0.0/24`, { dns: ['8.8.8.8'] });
    b.dhcpPort(subnet, 'ctl-1');
    const router = b.router(project, `${project.name}-router`, external, [subnet], 'ctl-1');
    const groups = new Map<string, SecurityGroup>([['default', b.defaultSecurityGroup(project)]]);
    tenants.set(project, { subnet, routerId: router.id, groups });
  });
  const group = (p: Project, n: string): SecurityGroup => {
    const g = tenants.get(p)?.groups.get(n);
    if (!g) throw new Error(`no group ${n} in ${p.name}`);
    return g;
  };
  const addGroup = (p: Project, n: string, description: string): SecurityGroup => {
    const g = b.securityGroup(p, n, description);
    tenants.get(p)?.groups.set(n, g);
    return g;
  };
  const web = addGroup(demo, 'web', 'HTTP(S) from anywhere');
  b.rule(web, { protocol: 'tcp', ports: [80, 80], remoteIpPrefix: '0.0.0.0/0' });
  b.rule(web, { protocol: 'tcp', ports: [443, 443], remoteIpPrefix: '0.0.0.0/0' });
  const db = addGroup(demo, 'db', 'PostgreSQL from the web tier');
  b.rule(db, { protocol: 'tcp', ports: [5432, 5432], remoteGroup: web });
  const ssh = addGroup(itOps, 'ssh', 'SSH from the office');
  b.rule(ssh, { protocol: 'tcp', ports: [22, 22], remoteIpPrefix: '198.51.100.0/24' });
  b.rule(ssh, { protocol: 'icmp', remoteIpPrefix: '0.0.0.0/0' });
  const app = addGroup(finance, 'app', 'App port from project members');
  b.rule(app, { protocol: 'tcp', ports: [8080, 8080], remoteGroup: group(finance, 'default') });

  // Hosts.
  b.controllerServices('ctl-1');
  const cmp = [1, 2, 3].map((n) => b.computeHost(`cmp-${n}`, { hostIp: `10.20.0.${10 + n}` }));
  const host = (n: number): Hypervisor => cmp[n - 1] as Hypervisor;
  b.aggregate('ssd-hosts', ['cmp-1', 'cmp-2'], { ssd: 'true' });

  // Volumes need types first.
  b.volumeType('__DEFAULT__', {}, 'Default Volume Type');
  b.volumeType('lvmdriver-1', { volume_backend_name: 'lvmdriver-1' });

  const server = (p: Project, n: string, user: User, spec: { flavor: string; image?: typeof cirros; host: number; groups: string[]; fip?: boolean; tags?: string[]; metadata?: Record<string, string>; status?: 'ACTIVE' | 'SHUTOFF' }) => {
    const t = tenants.get(p);
    if (!t) throw new Error(`no tenant network for ${p.name}`);
    const made = b.server(p, n, {
      user, flavor: b.flavorNamed(spec.flavor), ...(spec.image ? { image: spec.image } : {}), host: host(spec.host), subnets: [t.subnet],
      securityGroups: spec.groups.map((g) => group(p, g)), keyName: `${user.name}-key`,
      ...(spec.tags ? { tags: spec.tags } : {}), ...(spec.metadata ? { metadata: spec.metadata } : {}), ...(spec.status ? { status: spec.status } : {}),
    });
    const port = made.ports[0];
    if (spec.fip && port) b.floatingIp(p, external, { port, routerId: t.routerId });
    return made.server;
  };

  const web1 = server(demo, 'web-1', alice, { flavor: 'm1.small', image: cirros, host: 1, groups: ['default', 'web'], fip: true });
  const web2 = server(demo, 'web-2', alice, { flavor: 'm1.small', image: cirros, host: 2, groups: ['default', 'web'], fip: true });
  const db1 = server(demo, 'db-1', bob, { flavor: 'm1.medium', image: ubuntu, host: 3, groups: ['default', 'db'] });
  server(itOps, 'ops-bastion', carol, { flavor: 'm1.tiny', image: cirros, host: 1, groups: ['default', 'ssh'], fip: true, tags: ['bastion', 'ssh'], metadata: { role: 'bastion', owner: 'carol' } });
  server(itOps, 'ops-monitor', bob, { flavor: 'm1.small', image: ubuntu, host: 2, groups: ['default'], status: 'SHUTOFF' });
  const bfv = server(itOps, 'ops-bfv', carol, { flavor: 'm1.small', host: 3, groups: ['default'] });
  server(finance, 'fin-app-1', dave, { flavor: 'finance.secure', image: golden, host: 3, groups: ['default', 'app'] });
  server(finance, 'fin-app-2', dave, { flavor: 'finance.secure', image: golden, host: 1, groups: ['default', 'app'] });
  server(finance, 'fin-batch', dave, { flavor: 'm1.medium', image: ubuntu, host: 2, groups: ['default'], metadata: { schedule: 'nightly' } });
  server(acme, 'acme-web', acmeAdmin, { flavor: 'm1.small', image: cirros, host: 3, groups: ['default'], fip: true });
  b.store.serverGroups.insert({ id: b.ids.uuid(`servergroup:${demo.id}/web-anti`), name: 'web-anti', projectId: demo.id, userId: alice.id, policy: 'anti-affinity', members: [web1.id, web2.id] });

  const dbData = b.volume(demo, 'db-data', { user: bob, sizeGb: 2, typeName: 'lvmdriver-1', attachTo: { server: db1, device: '/dev/vdb' }, metadata: { purpose: 'postgres' } });
  b.volume(itOps, 'ops-bfv-root', { user: carol, sizeGb: 1, image: cirros, attachTo: { server: bfv, device: '/dev/vda' } });
  b.volume(finance, 'fin-archive', { user: dave, sizeGb: 2 });
  b.snapshot(dbData, 'db-data-nightly');

  addOriginalTestTenant(b, { cirros, external, m1tiny: 'm1.tiny', hosts: [host(1), host(2)] });

  b.setQuota(finance, { compute: { instances: 20, cores: 40, ram: 102_400 }, volume: { gigabytes: 2000 } });
  b.setQuota(demo, { network: { port: 100, floatingip: 10 } });
  b.store.checkReferences();
  return b.store;
}

/**
 * The tenant the original Pumphouse's functional tests look for (a `pumphouse-` name): its user,
 * network and router, and two servers with floating IPs on two hosts. Built last, so nothing of
 * the estate above moves (addresses, instance names, times).
 */
function addOriginalTestTenant(b: CloudBuilder, from: { cirros: Image; external: { network: Network; subnet: Subnet }; m1tiny: string; hosts: Hypervisor[] }): void {
  const project = b.project('pumphouse-1', { description: 'Pumphouse test tenant' });
  const user = b.user('pumphouse-user-1', { defaultProject: project });
  b.grant(user, 'member', project);
  b.keypair(user, `${user.name}-key`);
  const subnet = b.subnet(b.network(project, 'pumphouse-1-net'), 'pumphouse-1-subnet', '10.5.0.0/24', { dns: ['8.8.8.8'] });
  b.dhcpPort(subnet, 'ctl-1');
  const router = b.router(project, 'pumphouse-1-router', from.external, [subnet], 'ctl-1');
  const group = b.defaultSecurityGroup(project);
  from.hosts.forEach((host, i) => {
    const made = b.server(project, `pumphouse-1-server-${i}`, {
      user, flavor: b.flavorNamed(from.m1tiny), image: from.cirros, host, subnets: [subnet], securityGroups: [group], keyName: `${user.name}-key`,
    });
    const port = made.ports[0];
    if (port) b.floatingIp(project, from.external, { port, routerId: router.id });
  });
}
