import { byCloud, cloud, defineKind, ID, NAME, attr, info, key, needs, ref, settable } from '../schema.js';
import { NEUTRON_BOOKKEEPING } from './neutron-common.js';

export interface PortAttributes {
  macAddress: string;
  fixedIps: Array<{ subnetId: string; ipAddress: string }>;
  deviceOwner: string;
  deviceId: string | null;
  status: string;
  adminStateUp: boolean;
  portSecurityEnabled: boolean | null;
  allowedAddressPairs: Array<{ ip_address: string; mac_address?: string }>;
  bindingHost: string | null;
  vnicType: string | null;
  description: string;
  tags: string[];
}

/** A Neutron port, matched by network and MAC: the copy keeps the MAC and the fixed IPs. */
export const portModel = defineKind<PortAttributes>({
  kind: 'port',
  attributes: {
    macAddress: key,
    fixedIps: { class: 'essential', why: 'compared as the set of addresses' },
    deviceOwner: cloud,
    deviceId: cloud,
    status: cloud,
    adminStateUp: settable,
    portSecurityEnabled: settable,
    allowedAddressPairs: settable,
    bindingHost: cloud,
    vnicType: { class: 'essential', why: 'a direct (SR-IOV) port is a different kind of port' },
    description: settable,
    tags: settable,
  },
  references: {
    network: needs('network', 'network'),
    subnets: needs('subnet', 'subnet'),
    securityGroups: needs('security-group', 'security group', true),
    device: info('server', 'device'),
  },
  api: {
    port: {
      ...NEUTRON_BOOKKEEPING, id: ID, name: NAME, network_id: ref('network'), mac_address: attr('macAddress'),
      fixed_ips: attr('fixedIps'), device_owner: attr('deviceOwner'), device_id: attr('deviceId'), status: attr('status'),
      admin_state_up: attr('adminStateUp'), port_security_enabled: attr('portSecurityEnabled'),
      allowed_address_pairs: attr('allowedAddressPairs'), 'binding:host_id': attr('bindingHost'), 'binding:vnic_type': attr('vnicType'),
      description: attr('description'), tags: attr('tags'), security_groups: ref('securityGroups'),
      'binding:profile': byCloud('binding details are the target’s'), 'binding:vif_details': byCloud('binding details are the target’s'),
      'binding:vif_type': byCloud('binding details are the target’s'), extra_dhcp_opts: byCloud('DHCP options are not migrated'),
      dns_name: byCloud('DNS integration is the target’s'), dns_assignment: byCloud('DNS integration is the target’s'),
      dns_domain: byCloud('DNS integration is the target’s'), ip_allocation: byCloud('derived'),
      propagate_uplink_status: byCloud('the target’s ML2 option'), qos_policy_id: byCloud('QoS policies are not migrated'),
      qos_network_policy_id: byCloud('QoS policies are not migrated'), resource_request: byCloud('derived from QoS'),
      data_plane_status: byCloud('the data plane’s'), numa_affinity_policy: byCloud('the target’s'), hints: byCloud('the target’s'),
      hardware_offload_type: byCloud('the target’s'), trusted: byCloud('the target’s'),
    },
  },
});
