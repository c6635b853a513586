// The records the state file persists are defined here, at the bottom of the layers; the
// executor's journal and the runners' ledger (migrate/context.ts) produce them.

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

/** A step's progress. `error` says why it failed or was skipped; `checkpoint` lets a runner resume mid-step. No secrets. */
export interface StepRecord {
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  /** Written with a registered code (a PhCode) and the hint; records of older versions may lack both. */
  error?: { code?: string; message: string; hint?: string };
  checkpoint?: Record<string, unknown>;
}

export interface ServerDowntime {
  /** The server was ACTIVE before Pumphouse stopped it (so a failure must start it again). */
  wasActive?: boolean;
  stoppedAt?: string;
  verifiedAt?: string;
  restartedAt?: string;
  seconds?: number;
}

/** Snapshots, upload images… made for a copy, Pumphouse's own admin role and lent keys: removed once done (or by `pumphouse cleanup`). */
export interface TemporaryObject {
  cloud: 'source' | 'target';
  kind: string;
  /** Absent while only the intent is recorded: the object may exist under `name` (temporaries.ts). */
  id?: string;
  /** The unique name it was created under. */
  name?: string;
  purpose: string;
  createdAt: string;
}

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
