/** Nova (compute v2.1): servers and what they need, and the host operations (services, moves, migrations). */
export * as servers from './servers.js';
export * as flavors from './flavors.js';
export * as keypairs from './keypairs.js';
export * as serverGroups from './server-groups.js';
export * as hypervisors from './hypervisors.js';
export * as services from './services.js';
export * as quotas from './quotas.js';
export * as availabilityZones from './availability-zones.js';
export * as aggregates from './aggregates.js';
export * as volumeAttachments from './volume-attachments.js';
export * as migrations from './migrations.js';
