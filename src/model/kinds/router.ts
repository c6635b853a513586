import { byCloud, cloud, defineKind, ID, NAME, attr, info, lost, needs, ref, settable } from '../schema.js';
import { NEUTRON_BOOKKEEPING } from './neutron-common.js';

export interface RouterAttributes {
  status: string;
  adminStateUp: boolean;
  enableSnat: boolean | null;
  externalFixedIps: Array<{ subnetId: string; ipAddress: string }>;
  routes: Array<{ destination: string; nexthop: string }>;
  distributed: boolean | null;
  ha: boolean | null;
  availabilityZoneHints: string[];
  description: string;
  tags: string[];
}

/** A Neutron router: its gateway on the (mapped) external network and an interface per subnet. */
export const routerModel = defineKind<RouterAttributes>({
  kind: 'router',
  attributes: {
    status: cloud,
    adminStateUp: settable,
    enableSnat: settable,
    externalFixedIps: lost('the gateway’s address: the target allocates one on its external network'),
    routes: settable,
    distributed: cloud,
    ha: cloud,
    availabilityZoneHints: { class: 'essential', why: 'set at creation only: Neutron refuses to update a router’s availability zone hints' },
    description: settable,
    tags: settable,
  },
  references: {
    externalNetwork: needs('network', 'external network', true),
    subnets: needs('subnet', 'interface subnet', true),
    interfacePorts: info('port', 'interface port'),
  },
  api: {
    router: {
      ...NEUTRON_BOOKKEEPING, id: ID, name: NAME, status: attr('status'), admin_state_up: attr('adminStateUp'),
      external_gateway_info: attr('enableSnat', 'externalFixedIps'), routes: attr('routes'), distributed: attr('distributed'), ha: attr('ha'),
      availability_zone_hints: attr('availabilityZoneHints'), description: attr('description'), tags: attr('tags'),
      availability_zones: byCloud('where the router is served now'), flavor_id: byCloud('router flavors are the target’s'),
      enable_ndp_proxy: byCloud('NDP proxy is the target’s'), external_gateways: ref('externalNetwork'),
    },
  },
});
