/**
 * The `small` SOURCE cloud: one project, one network, two servers on one hypervisor. Tiny, for
 * fast tests.
 */
import type { CloudStore } from '../store.js';
import { CloudBuilder, baseIdentity } from './builder.js';

export function buildSmallSource(name = 'sandbox-source'): CloudStore {
  const b = new CloudBuilder(name);
  const { adminProject } = baseIdentity(b, { serviceProject: 'service', serviceUsers: ['nova', 'glance', 'neutron', 'cinder'] });
  const demo = b.project('demo', { description: 'demo workloads' });
  const alice = b.user('alice', { defaultProject: demo, email: 'alice@example.com' });
  b.grant(alice, 'member', demo);
  b.defaultFlavors();
  const cirros = b.image('cirros-0.6.2-x86_64-disk', adminProject, { properties: { os_distro: 'cirros' } });
  b.keypair(alice, 'alice-key');
  const sg = b.defaultSecurityGroup(demo);
  const net = b.network(demo, 'demo-net');
  const subnet = b.subnet(net, 'demo-subnet', '10.0.0.0/24');
  b.dhcpPort(subnet, 'cmp-1');
  b.controllerServices('ctl-1');
  const host = b.computeHost('cmp-1', { hostIp: '10.20.0.11' });
  b.volumeType('__DEFAULT__', {}, 'Default Volume Type');
  for (const n of [1, 2]) {
    b.server(demo, `vm-${n}`, { user: alice, flavor: b.flavorNamed('m1.tiny'), image: cirros, host, subnets: [subnet], securityGroups: [sg], keyName: 'alice-key' });
  }
  b.store.checkReferences();
  return b.store;
}
