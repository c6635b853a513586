import type { StepProgressRecord, StepStatus } from '../executor/journal.js';
import type { ServerDowntimeRecord, TemporaryObjectRecord } from '../migrate/context.js';

// The records are defined where they are produced (the executor's journal, the runners'
// ledger), so those layers need not import the state file; these are their names here.
export type { StepStatus };
/** A step's progress. `error` says why it failed or was skipped; `checkpoint` lets a runner resume mid-step. No secrets. */
export type StepRecord = StepProgressRecord;
export type ServerDowntime = ServerDowntimeRecord;
/** Snapshots, upload images… made for a copy, Pumphouse's own admin role and lent keys: removed once done (or by `pumphouse cleanup`). */
export type TemporaryObject = TemporaryObjectRecord;

/**
 * The apply state (schemas/state.schema.json): plain JSON, rewritten atomically after every
 * change. It must never hold a secret: ids, addresses, statuses and times only.
 */
export const STATE_FORMAT_VERSION = 1;

export interface ApplyState {
  formatVersion: typeof STATE_FORMAT_VERSION;
  /** A uuid set when the file is created; never changes. */
  lineage: string;
  /** +1 on every write. */
  serial: number;
  createdAt: string;
  updatedAt: string;
  clouds: { source: { authUrl: string }; target: { authUrl: string } } | null;
  /**
   * The plan being applied: its name, the sha256 of its plan file, when its first apply started,
   * and when the execution plan last applied was made (a resume of that same plan is told apart
   * from another plan of the same file by it).
   */
  plan: { name: string; hash: string; startedAt: string; madeAt?: string } | null;
  /** By step id ("create:network:demo/net-1"). */
  steps: Record<string, StepRecord>;
  /** Source address → target id of every object apply created or adopted. */
  mappings: Record<string, string>;
  /** By server address. */
  downtime: Record<string, ServerDowntime>;
  temporaries: Record<string, TemporaryObject>;
}

export function emptyState(lineage: string, now: Date): ApplyState {
  const at = now.toISOString();
  return { formatVersion: STATE_FORMAT_VERSION, lineage, serial: 0, createdAt: at, updatedAt: at, clouds: null, plan: null, steps: {}, mappings: {}, downtime: {}, temporaries: {} };
}
