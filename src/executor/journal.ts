/**
 * Where the executor records step progress: the state file in an apply, memory in tests and
 * benchmarks. Records are plain JSON (see schemas/state.schema.json, `steps`).
 */
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface StepProgressRecord {
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  error?: { code?: string; message: string };
  checkpoint?: Record<string, unknown>;
}

export interface StepJournal {
  get(stepId: string): StepProgressRecord | undefined;
  /** Merges `patch` into the step's record; resolves once it is durable. */
  record(stepId: string, patch: Partial<StepProgressRecord>): Promise<void>;
}

/** A journal in memory (tests, benchmarks, and plans applied without a state file). */
export class MemoryJournal implements StepJournal {
  readonly records = new Map<string, StepProgressRecord>();

  get(stepId: string): StepProgressRecord | undefined {
    return this.records.get(stepId);
  }

  async record(stepId: string, patch: Partial<StepProgressRecord>): Promise<void> {
    const current = this.records.get(stepId) ?? { status: 'pending', attempts: 0 };
    this.records.set(stepId, { ...current, ...patch });
  }
}
