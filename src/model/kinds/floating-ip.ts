import { byCloud, cloud, defineKind, ID, attr, info, needs, ref, settable } from '../schema.js';
import { NEUTRON_BOOKKEEPING } from './neutron-common.js';

export interface FloatingIpAttributes {
  floatingIpAddress: string;
  fixedIpAddress: string | null;
  status: string;
  description: string;
  dnsName: string | null;
  dnsDomain: string | null;
  tags: string[];
}

/** A floating IP: the same address where the pool allows, on the port's copy. */
export const floatingIpModel = defineKind<FloatingIpAttributes>({
  kind: 'floating-ip',
  attributes: {
    floatingIpAddress: { class: 'cloud', why: 'the same address where the pool has it free; the plan lists a mapped pool’s new address' },
    fixedIpAddress: { class: 'cloud', why: 'follows the association, compared as the port reference (the matcher still keys an unmarked copy by project and this address)' },
    status: cloud,
    description: settable,
    dnsName: cloud,
    dnsDomain: cloud,
    tags: settable,
  },
  references: {
    network: needs('network', 'floating network'),
    // Its copy points at the port's copy as soon as both exist; the server step checks it.
    port: needs('port', 'port', true),
    router: needs('router', 'router'),
    server: info('server', 'server'),
  },
  api: {
    floatingip: {
      ...NEUTRON_BOOKKEEPING, id: ID, floating_ip_address: attr('floatingIpAddress'), fixed_ip_address: attr('fixedIpAddress'),
      status: attr('status'), description: attr('description'), dns_name: attr('dnsName'), dns_domain: attr('dnsDomain'), tags: attr('tags'),
      floating_network_id: ref('network'), port_id: ref('port'), router_id: ref('router'),
      port_details: byCloud('a copy of the port’s fields'), port_forwardings: byCloud('port forwardings are not migrated'),
      qos_policy_id: byCloud('QoS policies are not migrated'), qos_network_policy_id: byCloud('QoS policies are not migrated'),
    },
  },
});
