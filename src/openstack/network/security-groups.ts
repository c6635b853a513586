import type { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';
import { neutronGet, neutronList, neutronCreate, neutronUpdate, neutronDelete, neutronSetTags, type NeutronListOptions } from './common.js';

/**
 * Neutron security groups with their rules embedded. Every project has a group named "default"
 * (created on first use), so names repeat across projects, never within one.
 */

export interface SecurityGroupRule {
  id: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  /** Another (or the same) security group; resolved to an address by discovery. */
  remote_group_id: string | null;
  remote_address_group_id?: string | null;
  description?: string;
}

export interface SecurityGroup {
  id: string;
  name: string;
  project_id: string;
  description: string;
  security_group_rules: SecurityGroupRule[];
  stateful?: boolean;
  tags?: string[];
}

export type SecurityGroupListOptions = NeutronListOptions;

export function list(client: ServiceClient, options: SecurityGroupListOptions = {}): Pager<SecurityGroup> {
  return neutronList<SecurityGroup>(client, 'security-groups', { ...options });
}

export function get(client: ServiceClient, id: string): Promise<SecurityGroup> {
  return neutronGet<SecurityGroup>(client, 'security-groups', 'security_group', id);
}

// ---- writes ---------------------------------------------------------------------------------

/** POST /v2.0/security-groups; admin may set project_id to create it for another project. */
export function create(client: ServiceClient, body: Record<string, unknown>): Promise<SecurityGroup> {
  return neutronCreate<SecurityGroup>(client, 'security-groups', 'security_group', body);
}

export function update(client: ServiceClient, id: string, body: Record<string, unknown>): Promise<SecurityGroup> {
  return neutronUpdate<SecurityGroup>(client, 'security-groups', 'security_group', id, body);
}

export function remove(client: ServiceClient, id: string): Promise<void> {
  return neutronDelete(client, 'security-groups', id);
}

export function setTags(client: ServiceClient, id: string, tags: readonly string[]): Promise<void> {
  return neutronSetTags(client, 'security-groups', id, tags);
}

export interface SecurityGroupRuleCreate {
  security_group_id: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol?: string | null;
  port_range_min?: number | null;
  port_range_max?: number | null;
  remote_ip_prefix?: string | null;
  remote_group_id?: string | null;
  description?: string;
  project_id?: string;
}

/** POST /security-group-rules. Neutron answers 409 SecurityGroupRuleExists for a duplicate. */
export function createRule(client: ServiceClient, rule: SecurityGroupRuleCreate): Promise<SecurityGroupRule> {
  return neutronCreate<SecurityGroupRule>(client, 'security-group-rules', 'security_group_rule', { ...rule });
}

export function removeRule(client: ServiceClient, id: string): Promise<void> {
  return neutronDelete(client, 'security-group-rules', id);
}
