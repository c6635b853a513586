import type { Problem } from '../errors.js';
/**
 * The normalised, cloud-agnostic picture of one cloud that discovery produces and the diff
 * consumes (schemas/inventory.schema.json). Plain JSON data: no classes, no functions.
 *
 * Invariants:
 * - every resource has a stable, human-readable `address` unique within its inventory
 *   (see address.ts for the grammar);
 * - references between resources are by address (`refs`), so an inventory can be read without
 *   the cloud's ids; ids stay in `id` (and in `attributes` where the API names other ids);
 * - resources are sorted by kind (in RESOURCE_KINDS order), then address, so the same cloud
 *   gives the same JSON;
 * - nothing secret (no password hash, no user data with credentials) is kept: user_data is
 *   reduced to its length and digest.
 */
export const INVENTORY_FORMAT_VERSION = 1;

export const RESOURCE_KINDS = [
  'domain',
  'project',
  'user',
  'role',
  'role-assignment',
  'flavor',
  'keypair',
  'image',
  'security-group',
  'network',
  'subnet',
  'router',
  'port',
  'floating-ip',
  'volume-type',
  'volume',
  'volume-snapshot',
  'server-group',
  'server',
  'quota',
  'availability-zone',
  'aggregate',
  'hypervisor',
  'compute-service',
] as const;

export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export interface ProjectRef {
  id: string;
  name: string;
}

export interface InventoryResource {
  kind: ResourceKind;
  /** e.g. "server:demo/web-1"; see address.ts. */
  address: string;
  id: string;
  name: string;
  /** The owning project, where the kind has one. */
  project?: ProjectRef;
  /** Addresses of the resources this one references, by role: { flavor: "flavor:m1.small", ports: [...] }. */
  refs: Record<string, string | string[]>;
  /** Kind-specific normalised attributes (status, sizes, cidr, mac, ...). */
  attributes: Record<string, unknown>;
}

/** A collector that could not read its kind completely: the common problem shape, with where it failed. */
export interface InventoryDiagnostic extends Problem {
  severity: 'error' | 'warning';
  /** The service that failed (compute, image, ...) or "inventory". */
  service: string;
  /** The collector (resource kind) that could not be read completely. */
  collector?: string;
}

export interface Inventory {
  formatVersion: typeof INVENTORY_FORMAT_VERSION;
  /** "source" or "target" (or a clouds.yaml name when standalone). */
  cloud: string;
  /** Keystone auth URL the inventory was read from (no credentials). */
  authUrl: string;
  region?: string;
  takenAt: string;
  /** sha256 over the resources, independent of takenAt; a plan records it to detect staleness. */
  fingerprint: string;
  /** true when some collector failed; `diagnostics` says which. */
  partial: boolean;
  resources: InventoryResource[];
  diagnostics: InventoryDiagnostic[];
}
