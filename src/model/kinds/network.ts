import { byCloud, cloud, defineKind, ID, NAME, attr, essential, lost, settable } from '../schema.js';
import { NEUTRON_BOOKKEEPING } from './neutron-common.js';

export interface NetworkAttributes {
  status: string;
  adminStateUp: boolean;
  shared: boolean;
  external: boolean;
  mtu: number | null;
  portSecurityEnabled: boolean | null;
  provider: { networkType: string | null; physicalNetwork: string | null; segmentationId: number | null };
  availabilityZoneHints: string[];
  description: string;
  tags: string[];
}

/** A Neutron network: tenant networks are copied, external ones mapped to the target's own. */
export const networkModel = defineKind<NetworkAttributes>({
  kind: 'network',
  attributes: {
    status: cloud,
    adminStateUp: settable,
    shared: settable,
    external: essential,
    mtu: settable,
    portSecurityEnabled: settable,
    provider: { class: 'cloud', why: 'provider segmentation: the target’s ML2 allocates its own type and segment' },
    availabilityZoneHints: { class: 'essential', why: 'set at creation only: Neutron refuses to update a network’s availability zone hints' },
    description: settable,
    tags: settable,
  },
  references: {},
  api: {
    network: {
      ...NEUTRON_BOOKKEEPING, id: ID, name: NAME, status: attr('status'), admin_state_up: attr('adminStateUp'),
      shared: attr('shared'), 'router:external': attr('external'), mtu: attr('mtu'), port_security_enabled: attr('portSecurityEnabled'),
      'provider:network_type': attr('provider'), 'provider:physical_network': attr('provider'), 'provider:segmentation_id': attr('provider'),
      availability_zone_hints: attr('availabilityZoneHints'), description: attr('description'), tags: attr('tags'),
      subnets: byCloud('the network’s subnets, discovered as subnets'),
      availability_zones: byCloud('where the network is served now'),
      ipv4_address_scope: byCloud('derived from the subnets’ pools'), ipv6_address_scope: byCloud('derived from the subnets’ pools'),
      is_default: byCloud('the default external network is the target’s choice'),
      'qos_policy_id': byCloud('QoS policies are not migrated'),
      dns_domain: byCloud('DNS integration is the target’s'),
      l2_adjacency: byCloud('derived from the segments'),
    },
  },
});
