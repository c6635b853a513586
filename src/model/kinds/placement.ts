import { cloud, defineKind, info } from '../schema.js';

/**
 * The kinds that describe where things run rather than what runs: read for hosts, pre-flight
 * checks and evacuation, never copied, never compared.
 */
export const availabilityZoneModel = defineKind<{ available: boolean; hosts: string[] }>({
  kind: 'availability-zone',
  attributes: { available: cloud, hosts: cloud },
  references: { services: info('compute-service', 'service') },
  api: {},
});

export const aggregateModel = defineKind<{ uuid: string | null; availabilityZone: string | null; hosts: string[]; metadata: Record<string, string> }>({
  kind: 'aggregate',
  attributes: { uuid: cloud, availabilityZone: cloud, hosts: cloud, metadata: cloud },
  references: { hosts: info('compute-service', 'host') },
  api: {},
});

export const hypervisorModel = defineKind<Record<string, unknown>>({
  kind: 'hypervisor',
  attributes: {},
  references: { service: info('compute-service', 'service') },
  api: {},
});

export const computeServiceModel = defineKind<Record<string, unknown>>({
  kind: 'compute-service',
  attributes: {},
  references: { availabilityZone: info('availability-zone', 'zone') },
  api: {},
});
