/** Every collector discovery runs, one per resource kind (quotas: one per service). */
import type { AnyCollector } from './collector.js';
import { aggregateCollector } from './aggregates.js';
import { availabilityZoneCollector } from './availability-zones.js';
import { computeServiceCollector } from './compute-services.js';
import { domainCollector } from './domains.js';
import { flavorCollector } from './flavors.js';
import { floatingIpCollector } from './floating-ips.js';
import { hypervisorCollector } from './hypervisors.js';
import { imageCollector } from './images.js';
import { keypairCollector } from './keypairs.js';
import { networkCollector } from './networks.js';
import { portCollector } from './ports.js';
import { projectCollector } from './projects.js';
import { computeQuotaCollector, networkQuotaCollector, volumeQuotaCollector } from './quotas.js';
import { roleAssignmentCollector } from './role-assignments.js';
import { roleCollector } from './roles.js';
import { routerCollector } from './routers.js';
import { securityGroupCollector } from './security-groups.js';
import { serverGroupCollector } from './server-groups.js';
import { serverCollector } from './servers.js';
import { subnetCollector } from './subnets.js';
import { userCollector } from './users.js';
import { volumeSnapshotCollector } from './volume-snapshots.js';
import { volumeTypeCollector } from './volume-types.js';
import { volumeCollector } from './volumes.js';

export const ALL_COLLECTORS: readonly AnyCollector[] = [
  domainCollector, projectCollector, userCollector, roleCollector, roleAssignmentCollector,
  flavorCollector, keypairCollector, imageCollector,
  securityGroupCollector, networkCollector, subnetCollector, routerCollector, portCollector, floatingIpCollector,
  volumeTypeCollector, volumeCollector, volumeSnapshotCollector,
  serverGroupCollector, serverCollector,
  computeQuotaCollector, networkQuotaCollector, volumeQuotaCollector,
  availabilityZoneCollector, aggregateCollector, hypervisorCollector, computeServiceCollector,
];

export { RefBuilder, groupBy, nameOrId, sortedRecord } from './collector.js';
export type { AnyCollector, Built, Collector, FetchContext, Naming, ResolveContext } from './collector.js';
