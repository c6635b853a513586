/**
 * The `large` SOURCE cloud, for paging and discovery benchmarks: 50 projects × 200 servers
 * (10 000 servers, 20 000 server ports on two networks per project), 100 hypervisors, a volume
 * on every fifth server and a floating IP on every twentieth.
 *
 * Built in well under a second; rows are plain objects sharing constant arrays where possible
 * to keep the heap small (see SPEC.md for measured numbers).
 */
import type { CloudStore, Hypervisor } from '../store.js';
import { CloudBuilder, baseIdentity } from './builder.js';
import type { ScenarioOptions } from './options.js';

export const LARGE_SHAPE = { projects: 50, serversPerProject: 200, hypervisors: 100 } as const;

/** `scale` multiplies the projects (and so the servers, ports, volumes): 5 gives 50 000 servers. */
export function buildLargeSource(name = 'sandbox-source', options: ScenarioOptions = {}): CloudStore {
  const projects = LARGE_SHAPE.projects * (options.scale ?? 1);
  const b = new CloudBuilder(name);
  const { adminProject } = baseIdentity(b, { serviceProject: 'service', serviceUsers: ['nova', 'glance', 'neutron', 'cinder'] });
  b.defaultFlavors();
  const flavors = ['m1.tiny', 'm1.small', 'm1.medium'].map((n) => b.flavorNamed(n));
  const images = [
    b.image('cirros-0.6.2-x86_64-disk', adminProject, { properties: { os_distro: 'cirros' } }),
    b.image('ubuntu-22.04', adminProject, { sizeBytes: 661_127_168, properties: { os_distro: 'ubuntu' } }),
  ];
  const publicNet = b.network(adminProject, 'public', { external: true, physnet: 'public' });
  const publicSubnet = b.subnet(publicNet, 'public-subnet', '100.64.0.0/16', { dhcp: false, poolStart: 10 });
  const external = { network: publicNet, subnet: publicSubnet };

  b.controllerServices('ctl-1');
  const hosts: Hypervisor[] = [];
  for (let h = 0; h < LARGE_SHAPE.hypervisors; h++) {
    const n = String(h).padStart(3, '0');
    hosts.push(b.computeHost(`cmp-${n}`, { hostIp: `10.20.${Math.floor(h / 200)}.${(h % 200) + 10}`, vcpus: 128, memoryMb: 524_288, localGb: 7200 }));
  }
  b.aggregate('rack-a', hosts.slice(0, 50).map((h) => h.host), { rack: 'a' });
  b.aggregate('rack-b', hosts.slice(50).map((h) => h.host), { rack: 'b' });
  b.volumeType('__DEFAULT__', {}, 'Default Volume Type');

  let serial = 0;
  for (let p = 0; p < projects; p++) {
    const pn = String(p).padStart(2, '0');
    const project = b.project(`proj-${pn}`, { description: `load project ${pn}` });
    const user = b.user(`user-${pn}`, { defaultProject: project });
    b.grant(user, 'member', project);
    // 200 servers per project: quotas raised, as an operator of such a cloud has them.
    b.setQuota(project, { compute: { instances: 250, cores: 1000, ram: 1_024_000 }, network: { port: 1000 }, volume: { volumes: 100, gigabytes: 10_000 } });
    b.keypair(user, `key-${pn}`);
    const sg = b.defaultSecurityGroup(project);
    const subnets = ['a', 'b'].map((x, i) => {
      const net = b.network(project, `proj-${pn}-net-${x}`);
      // /22 leaves room for 200 servers, the router and DHCP ports, with headroom for apply tests;
      // 64 projects fill a /16, so larger scales go on to the next pair.
      return b.subnet(net, `proj-${pn}-subnet-${x}`, `10.${100 + i + 2 * Math.floor(p / 64)}.${(p % 64) * 4}.0/22`);
    });
    const router = b.router(project, `proj-${pn}-router`, external, subnets);
    for (let s = 0; s < LARGE_SHAPE.serversPerProject; s++) {
      const host = hosts[serial % hosts.length] as Hypervisor;
      const { server, ports } = b.server(project, `proj-${pn}-vm-${String(s).padStart(3, '0')}`, {
        user, flavor: flavors[serial % flavors.length] ?? b.flavorNamed('m1.tiny'), image: images[serial % images.length], host, subnets,
        securityGroups: [sg], keyName: `key-${pn}`,
      });
      if (serial % 5 === 0) b.volume(project, `${server.name}-data`, { user, sizeGb: 10 + (serial % 4) * 10, attachTo: { server, device: '/dev/vdb' } });
      const first = ports[0];
      if (serial % 20 === 0 && first) b.floatingIp(project, external, { port: first, routerId: router.id });
      serial++;
    }
  }
  b.store.checkReferences();
  return b.store;
}
