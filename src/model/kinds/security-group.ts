import { byCloud, defineKind, ID, NAME, attr, essential, needs, notCarried, ref, settable } from '../schema.js';
import { NEUTRON_BOOKKEEPING } from './neutron-common.js';

export interface SecurityGroupRule {
  direction: string;
  ethertype: string;
  protocol: string | null;
  portRangeMin: number | null;
  portRangeMax: number | null;
  remoteIpPrefix: string | null;
  /** The address of the remote group (its id when it was not discovered). */
  remoteGroup: string | null;
  remoteAddressGroupId: string | null;
  description: string;
}

export interface SecurityGroupAttributes {
  description: string;
  stateful: boolean;
  rules: SecurityGroupRule[];
  tags: string[];
}

/** A Neutron security group, created bare; its rules made exactly the source's once their groups exist. */
export const securityGroupModel = defineKind<SecurityGroupAttributes>({
  kind: 'security-group',
  attributes: { description: settable, stateful: essential, rules: settable, tags: settable },
  references: { remoteGroups: needs('security-group', 'remote security group') },
  api: {
    security_group: {
      ...NEUTRON_BOOKKEEPING, id: ID, name: NAME, description: attr('description'), stateful: attr('stateful'),
      security_group_rules: attr('rules'), tags: attr('tags'),
      shared: byCloud('shared through RBAC policies, which are not copied'),
    },
    security_group_rule: {
      ...NEUTRON_BOOKKEEPING, id: ID, security_group_id: byCloud('the group the rule is listed under'),
      direction: attr('rules'), ethertype: attr('rules'), protocol: attr('rules'), port_range_min: attr('rules'),
      port_range_max: attr('rules'), remote_ip_prefix: attr('rules'), remote_group_id: ref('remoteGroups'),
      remote_address_group_id: attr('rules'), description: attr('rules'),
      normalized_cidr: byCloud('derived from remote_ip_prefix'), tags: notCarried('tags on single rules are not copied'),
      belongs_to_default_sg: byCloud('derived from the group'),
    },
  },
});

