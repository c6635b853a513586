/** Cinder (block-storage v3): volumes, snapshots, types, attachments, quotas. */
export * as volumes from './volumes.js';
export * as snapshots from './snapshots.js';
export * as volumeTypes from './volume-types.js';
export * as attachments from './attachments.js';
export * as quotas from './quotas.js';
