import type { SourceLocation } from '../errors.js';

/**
 * DesiredState: what must be true when apply ends, as the operator wrote it in a plan file
 * (schemas/plan.schema.json), with defaults filled in and shorthands expanded. Plain data.
 *
 * Invariants: every list is present (possibly empty); every selector and host keeps the
 * `location` of its YAML node so resolution errors point into the plan file; nothing here has
 * been checked against a cloud yet (that is resolve.ts's job).
 */
export const PLAN_API_VERSION = 'pumphouse/v1';

/** A name, an id, or a glob (`it-*`, `web-?`); matched against names and ids. */
export type Pattern = string;

export type PasswordPolicy = 'reset' | 'skip';
export type MigrationStrategy = 'snapshot' | 'rebuild';
/** cold: the copy is made while the source is stopped; warm: from snapshots of the running source, then a short cutover. */
export type CutoverMode = 'cold' | 'warm';
export type VolumePolicy = 'attached' | 'all' | 'none';
export type SourceDisposition = 'delete' | 'keep-stopped' | 'keep';
export type ImagePolicy = 'referenced' | 'all' | { names: Pattern[] };
export type FlavorPolicy = 'referenced' | 'all' | { names: Pattern[] };
/** Volumes that move by name or id, on their own (`pumphouse migrate volume`), with their projects. */
export interface VolumeSelector extends Located {
  names: Pattern[];
}
export type HostState = 'maintenance' | 'evacuated' | 'released' | 'upgraded' | 'decommissioned';
export type EvacuationMethod = 'live' | 'cold' | 'evacuate' | 'target';

export interface Located {
  /** Where in the plan file this was written. */
  location: SourceLocation;
}

export interface IdentitySpec extends Located {
  /** Projects that move with their users, role grants and quotas (no servers by themselves). */
  projects: Pattern[];
  passwords: PasswordPolicy;
  /** Where `reset` writes generated passwords (mode 0600), resolved against the plan file's folder. */
  passwordsFile: string;
}

/** Which servers of the selected projects move; every non-empty field narrows (AND). */
export interface ServerSelector {
  names: Pattern[];
  ids: string[];
  tags: string[];
  /** Source hypervisor hostnames or compute hosts. */
  hosts: Pattern[];
}

export interface WorkloadSpec extends Located {
  /** Index in spec.workloads, for messages ("workloads[1]"). */
  index: number;
  projects: Pattern[];
  /** All servers of the projects when every list is empty. */
  servers: ServerSelector;
  strategy: MigrationStrategy;
  cutover: CutoverMode;
  volumes: VolumePolicy;
  source: SourceDisposition;
}

/** Target names for things that are called differently on the target cloud. */
export interface Maps {
  /** source network name → target network name (external/provider networks). */
  networks: Record<string, string>;
  availabilityZones: Record<string, string>;
  volumeTypes: Record<string, string>;
  flavors: Record<string, string>;
}

export interface FuelPlacement {
  /** The Fuel environment name; absent: pumphouse.yaml `fuel.environment`. */
  environment?: string;
  /** Fuel roles; absent: `compute`, or `controller` for a host that runs no nova-compute (the diff decides). */
  roles?: string[];
  /** The existing target node whose disk and interface layout is copied; absent: a ready node of the environment with the same roles. */
  template?: string;
  /** The layout itself, instead of a template's (the original's `fixed` assignment). */
  layout?: FixedLayout;
}

/** Disks by kernel name with their volumes (MB, or "rest" of the disk), NICs by name with the networks they carry. */
export interface FixedLayout {
  disks: Array<{ name: string; volumes: Array<{ name: string; size: number | 'rest' }> }>;
  interfaces: Array<{ name: string; networks: string[] }>;
}

export interface HostSpec extends Located {
  /** Source hypervisor hostname (or compute host). */
  name: string;
  state: HostState;
  evacuate: EvacuationMethod;
  /** Source hosts to move the servers to (live, cold, evacuate); empty: the scheduler picks. */
  to: string[];
  /** Where an upgraded host goes in Fuel (defaults: the config's environment, compute, any ready compute node). */
  fuel?: FuelPlacement;
  /** Servers moved off this host at once; overrides parallelism.perHost. */
  parallelism?: number;
  /**
   * Servers and volumes (names or globs, `project/name` too) the operator accepts to lose with the
   * source when this host is its last controller; empty: none.
   */
  abandon: Pattern[];
}

export interface Parallelism {
  /** Steps in flight at once. @default 8 */
  global: number;
  /** Servers moved at once per source host. @default 2 */
  perHost: number;
  /** Disk and volume streams at once (images, volumes, snapshots, warm pre-copies). @default 4 */
  copies: number;
}

export interface DesiredState {
  apiVersion: typeof PLAN_API_VERSION;
  /** metadata.name: marks every object apply creates, so it must be stable. */
  name: string;
  /** The plan file it was read from. */
  file: string;
  /** sha256 of the plan file's bytes. */
  fileHash: string;
  identity: IdentitySpec | undefined;
  workloads: WorkloadSpec[];
  images: ImagePolicy;
  flavors: FlavorPolicy;
  /** Undefined when the plan names no volumes (servers' volumes move with their workloads). */
  volumes: VolumeSelector | undefined;
  maps: Maps;
  hosts: HostSpec[];
  parallelism: Parallelism;
}
