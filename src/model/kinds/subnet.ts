import { byCloud, defineKind, ID, NAME, attr, essential, lost, needs, ref, settable } from '../schema.js';
import { NEUTRON_BOOKKEEPING } from './neutron-common.js';

export interface SubnetAttributes {
  cidr: string;
  ipVersion: number;
  gatewayIp: string | null;
  enableDhcp: boolean;
  allocationPools: Array<{ start: string; end: string }>;
  dnsNameservers: string[];
  hostRoutes: Array<{ destination: string; nexthop: string }>;
  ipv6RaMode: string | null;
  ipv6AddressMode: string | null;
  subnetpoolId: string | null;
  description: string;
  tags: string[];
}

/** A Neutron subnet, matched by its network and name; the same CIDR, pools and gateway. */
export const subnetModel = defineKind<SubnetAttributes>({
  kind: 'subnet',
  attributes: {
    cidr: essential,
    ipVersion: essential,
    gatewayIp: settable,
    enableDhcp: settable,
    allocationPools: settable,
    dnsNameservers: settable,
    hostRoutes: settable,
    ipv6RaMode: essential,
    ipv6AddressMode: essential,
    subnetpoolId: lost('subnet pool: pools are not migrated; the copy takes its CIDR directly'),
    description: settable,
    tags: settable,
  },
  references: { network: needs('network', 'network') },
  api: {
    subnet: {
      ...NEUTRON_BOOKKEEPING, id: ID, name: NAME, network_id: ref('network'), cidr: attr('cidr'), ip_version: attr('ipVersion'),
      gateway_ip: attr('gatewayIp'), enable_dhcp: attr('enableDhcp'), allocation_pools: attr('allocationPools'),
      dns_nameservers: attr('dnsNameservers'), host_routes: attr('hostRoutes'), ipv6_ra_mode: attr('ipv6RaMode'),
      ipv6_address_mode: attr('ipv6AddressMode'), subnetpool_id: attr('subnetpoolId'), description: attr('description'), tags: attr('tags'),
      service_types: byCloud('service subnets are not migrated'), segment_id: byCloud('routed-network segments are the target’s'),
      dns_publish_fixed_ip: byCloud('DNS integration is the target’s'),
    },
  },
});
