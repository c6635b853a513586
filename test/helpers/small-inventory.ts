import type { DesiredState, HostSpec, WorkloadSpec } from '../../src/desired/model.js';
import { compareAddresses } from '../../src/inventory/address.js';
import type { Inventory, InventoryResource, ResourceKind } from '../../src/inventory/model.js';

/**
 * Small hand-written inventories and desired states for unit tests of resolution, diff and
 * graph: just enough fields for the code under test, with readable ids ("id-web-1").
 */
export function inventory(cloud: string, resources: InventoryResource[]): Inventory {
  return {
    formatVersion: 1,
    cloud,
    authUrl: `http://127.0.0.1:5000/v3`,
    takenAt: '2026-01-01T00:00:00Z',
    fingerprint: `fp-${cloud}`,
    partial: false,
    resources: [...resources].sort((a, b) => compareAddresses(a.address, b.address)),
    diagnostics: [],
  };
}

export function resource(kind: ResourceKind, path: string, fields: Partial<InventoryResource> = {}): InventoryResource {
  const name = path.split('/').pop() as string;
  return { kind, address: `${kind}:${path}`, id: `id-${kind}-${path}`, name, refs: {}, attributes: {}, ...fields };
}

/** A project-owned resource: `owned('server', 'demo', 'web-1', {...})`. */
export function owned(kind: ResourceKind, project: string, name: string, fields: Partial<InventoryResource> = {}): InventoryResource {
  return resource(kind, `${project}/${name}`, { project: { id: `id-project-${project}`, name: project }, ...fields });
}

/**
 * The estate most tests start from: project demo with a web server (flavor, image, keypair of
 * alice, two security groups that reference each other, a port on demo-net with a floating IP
 * behind a router to the external network "public", a volume, a server group) on host cmp-1.
 */
export function demoSource(): Inventory {
  return inventory('source', demoSourceResources());
}

export function demoSourceResources(): InventoryResource[] {
  return [
    resource('domain', 'Default', { id: 'default' }),
    resource('project', 'demo', { refs: { domain: 'domain:Default' }, attributes: { enabled: true, description: 'demo', tags: [] } }),
    resource('project', 'admin', { refs: { domain: 'domain:Default' }, attributes: { enabled: true, description: '', tags: [] } }),
    resource('user', 'alice', { refs: { domain: 'domain:Default', defaultProject: 'project:demo' }, attributes: { enabled: true, email: null, description: '' } }),
    resource('role', 'member'),
    owned('role-assignment', 'demo', 'alice/member', { refs: { user: 'user:alice', project: 'project:demo', role: 'role:member' }, attributes: { scope: 'project', inherited: false } }),
    resource('flavor', 'm1.small', { attributes: { vcpus: 1, ramMb: 2048, diskGb: 20, ephemeralGb: 0, swapMb: 0, isPublic: true, extraSpecs: {}, description: null } }),
    owned('keypair', 'alice', 'alice-key', { project: undefined, refs: { user: 'user:alice' }, attributes: { fingerprint: 'aa:bb' } }),
    owned('image', 'admin', 'cirros', { project: { id: 'id-project-admin', name: 'admin' }, attributes: { checksum: 'c1', diskFormat: 'qcow2', containerFormat: 'bare', visibility: 'public', size: 1024, tags: [], properties: {} } }),
    owned('security-group', 'demo', 'web', { refs: { remoteGroups: ['security-group:demo/db'] }, attributes: { stateful: true, description: '', rules: [{ direction: 'ingress', remoteGroup: 'security-group:demo/db' }], tags: [] } }),
    owned('security-group', 'demo', 'db', { refs: { remoteGroups: ['security-group:demo/web'] }, attributes: { stateful: true, description: '', rules: [{ direction: 'ingress', remoteGroup: 'security-group:demo/web' }], tags: [] } }),
    owned('network', 'admin', 'public', { project: { id: 'id-project-admin', name: 'admin' }, attributes: { external: true, tags: [] } }),
    owned('subnet', 'admin', 'public-subnet', { project: { id: 'id-project-admin', name: 'admin' }, refs: { network: 'network:admin/public' }, attributes: { cidr: '203.0.113.0/24', ipVersion: 4 } }),
    owned('network', 'demo', 'demo-net', { attributes: { external: false, mtu: 1500, description: '', tags: [] } }),
    owned('subnet', 'demo', 'demo-subnet', { refs: { network: 'network:demo/demo-net' }, attributes: { cidr: '10.1.0.0/24', ipVersion: 4, gatewayIp: '10.1.0.1', tags: [] } }),
    owned('router', 'demo', 'demo-router', { refs: { externalNetwork: 'network:admin/public', subnets: ['subnet:demo/demo-subnet'] }, attributes: { routes: [], tags: [] } }),
    owned('port', 'demo', 'p-web-1', { refs: { network: 'network:demo/demo-net', subnets: ['subnet:demo/demo-subnet'] }, attributes: { macAddress: 'fa:16:3e:00:00:01', fixedIps: [{ ipAddress: '10.1.0.5' }], tags: [] } }),
    owned('floating-ip', 'demo', '203.0.113.7', { refs: { network: 'network:admin/public', port: 'port:demo/p-web-1', router: 'router:demo/demo-router' }, attributes: { floatingIpAddress: '203.0.113.7', fixedIpAddress: '10.1.0.5', tags: [] } }),
    resource('volume-type', 'lvm'),
    owned('volume', 'demo', 'web-data', { refs: { servers: ['server:demo/web-1'], volumeType: 'volume-type:lvm' }, attributes: { sizeGb: 10, volumeType: 'lvm', attachments: [{ server: 'server:demo/web-1', device: '/dev/vdb' }], metadata: {} } }),
    owned('server-group', 'demo', 'web-anti', { refs: { members: ['server:demo/web-1'] }, attributes: { policy: 'anti-affinity' } }),
    owned('server', 'demo', 'web-1', {
      refs: {
        flavor: 'flavor:m1.small', image: 'image:admin/cirros', keypair: 'keypair:alice/alice-key', ports: ['port:demo/p-web-1'],
        networks: ['network:demo/demo-net'], securityGroups: ['security-group:demo/web'], volumes: ['volume:demo/web-data'],
      },
      attributes: { host: 'cmp-1', hypervisorHostname: 'cmp-1', userId: 'id-user-alice', tags: ['frontend'], metadata: {}, flavor: { name: 'm1.small', vcpus: 1, ramMb: 2048, diskGb: 20, ephemeralGb: 0 }, bootFromVolume: false },
    }),
    owned('server', 'demo', 'web-2', {
      refs: { flavor: 'flavor:m1.small', image: 'image:admin/cirros', ports: [], networks: [], securityGroups: [], volumes: [] },
      attributes: { host: 'cmp-2', hypervisorHostname: 'cmp-2', userId: 'id-user-alice', tags: [], metadata: {}, flavor: { name: 'm1.small', vcpus: 1, ramMb: 2048, diskGb: 20, ephemeralGb: 0 }, bootFromVolume: false },
    }),
    owned('quota', 'demo', 'compute', { refs: { project: 'project:demo' }, attributes: { service: 'compute', limits: { instances: 10, cores: 20 } } }),
    resource('compute-service', 'cmp-1/nova-compute', { attributes: { host: 'cmp-1', status: 'enabled' } }),
    resource('hypervisor', 'cmp-1', { refs: { service: 'compute-service:cmp-1/nova-compute' }, attributes: { serviceHost: 'cmp-1', status: 'enabled', runningVms: 1 } }),
    resource('compute-service', 'cmp-2/nova-compute', { attributes: { host: 'cmp-2', status: 'enabled' } }),
    resource('hypervisor', 'cmp-2', { refs: { service: 'compute-service:cmp-2/nova-compute' }, attributes: { serviceHost: 'cmp-2', status: 'enabled', runningVms: 1 } }),
  ];
}

/** A fresh target: the Default domain, admin, the member role, its own external network. */
export function freshTarget(extra: InventoryResource[] = []): Inventory {
  return inventory('target', [
    resource('domain', 'Default', { id: 'default' }),
    resource('project', 'admin', { id: 't-admin', refs: { domain: 'domain:Default' }, attributes: { enabled: true, description: '', tags: [] } }),
    resource('role', 'member', { id: 't-member' }),
    owned('network', 'admin', 'admin_floating_net', { id: 't-floating', project: { id: 't-admin', name: 'admin' }, attributes: { external: true, tags: [] } }),
    resource('volume-type', 'volumes_lvm', { id: 't-lvm' }),
    ...extra,
  ]);
}

const HERE = { file: 'plan.yaml', line: 1, col: 1 };

export function workload(index: number, fields: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return {
    index, location: { ...HERE, line: 10 + index }, projects: ['demo'],
    servers: { names: [], ids: [], tags: [], hosts: [] }, strategy: 'snapshot', cutover: 'cold', volumes: 'attached', source: 'delete', ...fields,
  };
}

export function host(name: string, fields: Partial<HostSpec> = {}): HostSpec {
  return { name, location: { ...HERE, line: 30 }, state: 'upgraded', evacuate: 'live', to: [], abandon: [], fuel: { environment: 'mos-9', roles: ['compute'], template: 'node-4' }, ...fields };
}

export function desired(fields: Partial<DesiredState> = {}): DesiredState {
  return {
    apiVersion: 'pumphouse/v1', name: 'test', file: 'plan.yaml', fileHash: 'h', identity: undefined, workloads: [],
    images: 'referenced', flavors: 'referenced', volumes: undefined,
    maps: { networks: { public: 'admin_floating_net' }, availabilityZones: {}, volumeTypes: { lvm: 'volumes_lvm' }, flavors: {} },
    hosts: [], parallelism: { global: 8, perHost: 2, copies: 4 }, ...fields,
  };
}
