import type { StepProgressRecord } from '../executor/journal.js';
import type { ServerDowntimeRecord, TemporaryObjectRecord } from '../migrate/context.js';

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
  plan: { name: string; hash: string; startedAt: string } | null;
  steps: Record<string, StepProgressRecord>;
  /** Source address → target id. */
  mappings: Record<string, string>;
  downtime: Record<string, ServerDowntimeRecord>;
  temporaries: Record<string, TemporaryObjectRecord>;
}

export function emptyState(lineage: string, now: Date): ApplyState {
  const at = now.toISOString();
  return { formatVersion: STATE_FORMAT_VERSION, lineage, serial: 0, createdAt: at, updatedAt: at, clouds: null, plan: null, steps: {}, mappings: {}, downtime: {}, temporaries: {} };
}
