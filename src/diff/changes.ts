import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { ResourceKind } from '../inventory/model.js';
import type { EvacuationMethod, FixedLayout, HostState, CutoverMode, MigrationStrategy, SourceDisposition, VolumePolicy } from '../desired/model.js';

/**
 * The diff's output: one Change per selected source object (and per host in the plan), saying
 * what apply must do to make the target hold it. Plain data, deterministic for the same inputs.
 *
 * Invariant: `reason` is display-only; apply never branches on it.
 */
export type ChangeAction =
  | 'create' // not on the target: copy it
  | 'update' // on the target with differences apply may reconcile
  | 'migrate' // servers and volumes: they move, with downtime
  | 'conflict' // the target has an object with the same key but different essentials: an error
  | 'noop' // already there as desired
  | 'host'; // a hypervisor must reach a state (see HostChange)

/** Ordered: none < metadata < restart < downtime < data-loss. */
export type Impact = 'none' | 'metadata' | 'restart' | 'downtime' | 'data-loss';
export const IMPACT_ORDER: readonly Impact[] = ['none', 'metadata', 'restart', 'downtime', 'data-loss'];

export interface AttributeDifference {
  /** Dotted attribute path, e.g. "attributes.cidr". */
  path: string;
  before: unknown; // on the target
  after: unknown; // as desired (from the source)
}

/** How a desired object was found on the target. */
export interface TargetMatch {
  address: string;
  id: string;
  matchedBy: 'state' | 'mark' | 'natural-key';
}

export interface ServerMove {
  strategy: MigrationStrategy;
  /** Absent: cold. warm: copied while the source runs, then a cutover (migrate/warm-*.ts). */
  cutover?: CutoverMode;
  volumes: VolumePolicy;
  source: SourceDisposition;
  /** Bytes to copy (disk snapshot + attached volumes moved), an estimate from sizes. */
  bytes: number;
  /** Estimated seconds between stopping the source and verifying the copy. */
  downtimeSeconds: number;
  /** Where that estimate comes from (diff/estimate.ts). */
  basis?: string;
  /** Warm: the copy is built on the target from a snapshot taken then, and waits for its cutover (diff/warm-moves.ts). */
  precopied?: string;
}

export interface HostChange {
  /** The state the host is in now, as discovery saw it. */
  current: 'active' | 'maintenance' | 'evacuated' | 'released' | 'upgraded' | 'decommissioned';
  /** The host runs no nova-compute (a controller): nothing to disable or move, and it goes after every compute host. */
  controller?: true;
  desired: HostState;
  evacuate: EvacuationMethod;
  /** Servers still on the host that must move first. */
  servers: string[];
  /** Hosts to move them to (live, cold, evacuate); empty: the scheduler picks. */
  to: string[];
  /** Servers moved off this host at once, when the plan says. */
  parallelism?: number;
  /** For upgraded: where it goes in Fuel (unset keys come from pumphouse.yaml and the environment). */
  fuel?: { environment?: string; roles: string[]; template?: string; layout?: FixedLayout };
}

export interface Change {
  /** Source address; for hosts "hypervisor:<hostname>". */
  address: string;
  kind: ResourceKind;
  /** The owning project's name on the source, for grouping; absent for global kinds. */
  project?: string;
  action: ChangeAction;
  target?: TargetMatch;
  differences: AttributeDifference[];
  /** Display only. */
  reason: string;
  impact: Impact;
  /** Things that will not be the same on the target ("ephemeral disk data under rebuild"). */
  willNotSurvive: string[];
  /** Servers (and volumes moved with them). */
  move?: ServerMove;
  host?: HostChange;
}

export interface ChangeSet {
  /** Selected objects in inventory order, then hosts in plan order. */
  changes: Change[];
  /** Problems only the target can reveal (a host that is nowhere), located in the plan file. */
  diagnostics: Diagnostic[];
}
