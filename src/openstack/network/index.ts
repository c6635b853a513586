/** Neutron (network v2.0): networks, subnets, ports, routers, floating IPs, security groups, quotas. */
export * as networks from './networks.js';
export * as subnets from './subnets.js';
export * as ports from './ports.js';
export * as routers from './routers.js';
export * as floatingIps from './floating-ips.js';
export * as securityGroups from './security-groups.js';
export * as quotas from './quotas.js';
export * as common from './common.js';
