import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { ResourceKind } from '../inventory/model.js';
import type { CutoverMode, MigrationStrategy, SourceDisposition, VolumePolicy } from './model.js';

/**
 * What resolution (resolve.ts) makes of a DesiredState against the source Inventory: the
 * concrete source objects that must exist on the target — those the selectors named plus their
 * whole dependency closure — each with the reason it is in. Plain data; input of the pure diff.
 */
export interface SelectedResource {
  /** Source inventory address. */
  address: string;
  kind: ResourceKind;
  /** "copy" recreates it on the target; "migrate" moves it (servers, volumes: downtime). */
  role: 'copy' | 'migrate';
  /** Display only: "workloads[0]: server name web-*", "needed by server:demo/web-1 (flavor)". */
  reason: string;
  /** The spec.workloads index that selected it (servers and their volumes). */
  workload?: number;
  /** Servers: how they move (from their workload, or the defaults when a host evacuates to the target). */
  move?: MovePolicy;
}

export interface MovePolicy {
  strategy: MigrationStrategy;
  /** Absent: cold (a host evacuated to the target, the granular commands). */
  cutover?: CutoverMode;
  volumes: VolumePolicy;
  source: SourceDisposition;
}

export interface Selection {
  /** Sorted by RESOURCE_KINDS order, then address; each address once. */
  resources: SelectedResource[];
  /** Selectors that match nothing or match ambiguously, located in the plan file. */
  diagnostics: Diagnostic[];
}
