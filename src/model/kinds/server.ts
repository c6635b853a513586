import { attrAndRef, byCloud, cloud, defineKind, ID, LINKS, NAME, attr, essential, info, needs, notCarried, ref, settable, weakFixed } from '../schema.js';

export interface ServerFlavor {
  name: string | null;
  vcpus: number | null;
  ramMb: number | null;
  diskGb: number | null;
  ephemeralGb: number | null;
  swapMb: number | null;
  extraSpecs: Record<string, string>;
}

export interface ServerAttributes {
  status: string;
  vmState: string | null;
  powerState: number | null;
  taskState: string | null;
  availabilityZone: string | null;
  host: string | null;
  hypervisorHostname: string | null;
  instanceName: string | null;
  flavor: ServerFlavor;
  bootFromVolume: boolean;
  imageId: string | null;
  keyName: string | null;
  userId: string;
  addresses: Array<{ network: string; addr: string; version: number; type: string | null; mac: string | null }>;
  volumesAttached: Array<{ id: string; deleteOnTermination: boolean }>;
  metadata: Record<string, string>;
  tags: string[];
  description: string | null;
  locked: boolean;
  configDrive: boolean;
  diskConfig: string | null;
  rootDeviceName: string | null;
  userData: { length: number; sha256: string } | null;
  created: string;
  /** When this cloud last booted it (OS-SRV-USG:launched_at): with `created`, how long the cloud takes to boot a server (diff/estimate.ts). */
  launchedAt: string | null;
}

/** A Nova server: moved in its downtime step, booted on its copied ports, in the power state it had. */
export const serverModel = defineKind<ServerAttributes>({
  kind: 'server',
  attributes: {
    status: { class: 'settable', why: 'the power state: the copy ends ACTIVE or SHUTOFF as the source was' },
    vmState: cloud,
    powerState: cloud,
    taskState: cloud,
    availabilityZone: { class: 'cloud', why: 'checked by the pre-flight: the copy boots in the same zone when the target has it' },
    host: cloud,
    hypervisorHostname: cloud,
    instanceName: cloud,
    flavor: { class: 'essential', why: 'compared by the flavor’s name through spec.maps.flavors' },
    bootFromVolume: essential,
    imageId: { class: 'cloud', why: 'compared as the image reference' },
    keyName: essential,
    userId: { class: 'cloud', why: 'compared as the owner reference' },
    addresses: { class: 'cloud', why: 'compared through the ports' },
    volumesAttached: { class: 'cloud', why: 'compared through the volumes' },
    metadata: settable,
    tags: settable,
    description: settable,
    locked: settable,
    configDrive: essential,
    diskConfig: cloud,
    rootDeviceName: cloud,
    userData: essential,
    created: cloud,
    launchedAt: { class: 'cloud', why: 'the boot time on the source: its copy boots anew; the downtime estimate reads it' },
  },
  references: {
    flavor: needs('flavor', 'flavor'),
    image: needs('image', 'image'),
    keypair: needs('keypair', 'keypair'),
    ports: needs('port', 'port'),
    networks: needs('network', 'network'),
    securityGroups: needs('security-group', 'security group'),
    volumes: needs('volume', 'volume'),
    serverGroup: needs('server-group', 'server group'),
    owner: weakFixed('user', 'owner user', 'Nova cannot change a server’s owner once it is booted'),
    hypervisor: info('hypervisor', 'hypervisor'),
    host: info('compute-service', 'host'),
  },
  api: {
    server: {
      id: ID, name: NAME, links: LINKS, status: attr('status'), 'OS-EXT-STS:vm_state': attr('vmState'),
      'OS-EXT-STS:power_state': attr('powerState'), 'OS-EXT-STS:task_state': attr('taskState'),
      'OS-EXT-AZ:availability_zone': attr('availabilityZone'), 'OS-EXT-SRV-ATTR:host': attr('host'),
      'OS-EXT-SRV-ATTR:hypervisor_hostname': attr('hypervisorHostname'), 'OS-EXT-SRV-ATTR:instance_name': attr('instanceName'),
      flavor: attr('flavor'), image: attrAndRef(['imageId', 'bootFromVolume'], ['image']), key_name: attr('keyName'),
      user_id: attrAndRef(['userId'], ['owner']), addresses: attr('addresses'),
      'os-extended-volumes:volumes_attached': attrAndRef(['volumesAttached'], ['volumes']), metadata: attr('metadata'), tags: attr('tags'),
      description: attr('description'), locked: attr('locked'), config_drive: attr('configDrive'), 'OS-DCF:diskConfig': attr('diskConfig'),
      'OS-EXT-SRV-ATTR:root_device_name': attr('rootDeviceName'), 'OS-EXT-SRV-ATTR:user_data': attr('userData'), created: attr('created'),
      security_groups: ref('securityGroups'), tenant_id: byCloud('the owner, recorded as the resource’s project'),
      updated: byCloud('update time'), hostId: byCloud('a hash of the host'), host_status: byCloud('the host’s health'),
      progress: byCloud('progress of an operation'), accessIPv4: notCarried('access IPs are not copied'), accessIPv6: notCarried('access IPs are not copied'),
      'OS-SRV-USG:launched_at': attr('launchedAt'), 'OS-SRV-USG:terminated_at': byCloud('deletion time'),
      'OS-EXT-SRV-ATTR:hostname': byCloud('derived from the name'), 'OS-EXT-SRV-ATTR:reservation_id': byCloud('the boot request’s'),
      'OS-EXT-SRV-ATTR:launch_index': byCloud('the boot request’s'), 'OS-EXT-SRV-ATTR:kernel_id': byCloud('from the image'),
      'OS-EXT-SRV-ATTR:ramdisk_id': byCloud('from the image'), locked_reason: notCarried('the lock reason is not copied'),
      trusted_image_certificates: byCloud('image signing is the target’s'), server_groups: ref('serverGroup'),
      fault: byCloud('the last fault of the source server'), pinned_availability_zone: byCloud('the scheduler’s'),
    },
    // GET /servers/{id}/os-interface: the ports, read and copied as ports.
    interface_attachment: {
      port_id: ref('ports'), net_id: ref('networks'), mac_addr: byCloud('the port’s MAC, compared on the port'),
      fixed_ips: byCloud('the port’s addresses, compared on the port'), port_state: byCloud('the port’s status'), tag: byCloud('device tags are not copied'),
    },
  },
});
