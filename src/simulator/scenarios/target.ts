/**
 * The TARGET cloud of every scenario: a freshly deployed Fuel environment, before any workload
 * has moved. Fuel names its service project `services` and its hosts `node-N.domain.tld`.
 */
import type { CloudStore } from '../store.js';
import { CloudBuilder, baseIdentity } from './builder.js';

export function buildFuelTarget(name = 'sandbox-target', computeHosts = 2): CloudStore {
  const b = fuelTargetBuilder(name, computeHosts);
  b.store.checkReferences();
  return b.store;
}

/** The builder of the fresh Fuel cloud, for scenarios whose target already holds something more. */
export function fuelTargetBuilder(name: string, computeHosts = 2): CloudBuilder {
  const b = new CloudBuilder(name);
  const { adminProject } = baseIdentity(b, { serviceProject: 'services', serviceUsers: ['nova', 'glance', 'neutron', 'cinder'] });
  b.defaultFlavors();
  b.image('TestVM', adminProject, { sizeBytes: 13_287_936, properties: { hypervisor_type: 'qemu', os_distro: 'cirros' } });
  b.defaultSecurityGroup(adminProject);
  const floating = b.network(adminProject, 'admin_floating_net', { external: true, physnet: 'physnet1' });
  b.subnet(floating, 'admin_floating_net__subnet', '172.16.0.0/24', { dhcp: false, poolStart: 130 });
  b.controllerServices('node-1.domain.tld');
  for (let n = 4; n < 4 + computeHosts; n++) b.computeHost(`node-${n}.domain.tld`, { hostIp: `192.168.0.${n}`, vcpus: 48, memoryMb: 262_144, localGb: 3600 });
  b.volumeType('__DEFAULT__', {}, 'Default Volume Type');
  b.volumeType('volumes_lvm', { volume_backend_name: 'LVM-backend' });
  return b;
}
