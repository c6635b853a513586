import type { SimRelease } from './model.js';

/**
 * The one release of the simulated master: Juno on Ubuntu as Fuel 6.0 shipped it (fuel-api.md
 * §3.1). Roles and the role → volumes mapping are those of the 6.0 openstack.yaml fixture.
 */
export function defaultRelease(fuelVersion: string): SimRelease {
  return {
    id: 2,
    name: 'Juno on Ubuntu 12.04.4',
    version: `2014.2-${fuelVersion}`,
    operating_system: 'Ubuntu',
    description: 'This option will install the OpenStack Juno packages using Ubuntu as a base operating system.',
    state: 'available',
    roles: ['controller', 'compute', 'cinder', 'ceph-osd', 'mongo', 'zabbix-server'],
    roles_metadata: {
      controller: { name: 'Controller', description: 'The controller initiates orchestration activities.' },
      compute: { name: 'Compute', description: 'A compute node creates, manages, and terminates virtual machine instances.', conflicts: ['controller'] },
      cinder: { name: 'Storage - Cinder LVM', description: 'Cinder storage role.' },
      'ceph-osd': { name: 'Storage - Ceph OSD', description: 'Ceph storage role.' },
      mongo: { name: 'Telemetry - MongoDB', description: 'MongoDB role for Ceilometer.' },
      'zabbix-server': { name: 'Zabbix Server', description: 'Zabbix monitoring server.', conflicts: ['controller', 'compute'] },
    },
    volumes_roles_mapping: {
      controller: ['os', 'image'],
      compute: ['os', 'vm'],
      cinder: ['os', 'cinder'],
      'ceph-osd': ['os', 'cephjournal', 'ceph'],
      mongo: ['os', 'mongo'],
      'zabbix-server': ['os'],
      other: ['os'],
    },
  };
}

export function releaseJson(release: SimRelease): Record<string, unknown> {
  return {
    id: release.id, name: release.name, version: release.version, operating_system: release.operating_system,
    description: release.description, state: release.state, can_update_from_versions: [], roles: release.roles,
    roles_metadata: release.roles_metadata, modes_metadata: {}, wizard_metadata: {}, attributes_metadata: {}, is_deployable: true,
    orchestrator_data: { repo_metadata: {}, puppet_manifests_source: 'rsync://10.20.0.2:/puppet/manifests/', puppet_modules_source: 'rsync://10.20.0.2:/puppet/modules/' },
  };
}
