/**
 * Discovery: reads a cloud through the OpenStack client into a normalised Inventory (plain JSON,
 * schemas/inventory.schema.json) whose resources have stable addresses ("server:demo/web-1") and
 * refer to each other by address.
 */
export { discoverInventory, DISCOVERY_CODES } from './discover.js';
export type { DiscoverOptions } from './discover.js';
export { summarize } from './summary.js';
export type { InventorySummary } from './summary.js';
export { addressPath, assignAddresses, compareAddresses, escapeSegment, formatAddress, parseAddress, unescapeSegment } from './address.js';
export type { ParsedAddress } from './address.js';
export { canonicalJson, fingerprintResources } from './fingerprint.js';
export { ALL_COLLECTORS } from './collectors/index.js';
export type { AnyCollector, Collector, FetchContext, Naming, ResolveContext } from './collectors/index.js';
export { INVENTORY_FORMAT_VERSION, RESOURCE_KINDS } from './model.js';
export type { Inventory, InventoryDiagnostic, InventoryResource, ProjectRef, ResourceKind } from './model.js';
