import type { StepRecord } from '../state/model.js';

/**
 * Where the executor records step progress: the state file in an apply, memory in tests and
 * benchmarks. Records are plain JSON (see schemas/state.schema.json, `steps`).
 */

export interface StepJournal {
  get(stepId: string): StepRecord | undefined;
  /** Merges `patch` into the step's record; resolves once it is durable (checkpoints: the step's next action relies on them). */
  record(stepId: string, patch: Partial<StepRecord>): Promise<void>;
  /**
   * Merges `patch` into the step's record, written with the next durable write. For statuses: a
   * resume observes every step again, whatever its record says, so none is waited for.
   */
  note(stepId: string, patch: Partial<StepRecord>): void;
}

/** A journal in memory (tests, benchmarks, and plans applied without a state file). */
export class MemoryJournal implements StepJournal {
  readonly records = new Map<string, StepRecord>();

  get(stepId: string): StepRecord | undefined {
    return this.records.get(stepId);
  }

  async record(stepId: string, patch: Partial<StepRecord>): Promise<void> {
    this.note(stepId, patch);
  }

  note(stepId: string, patch: Partial<StepRecord>): void {
    const current = this.records.get(stepId) ?? { status: 'pending', attempts: 0 };
    this.records.set(stepId, { ...current, ...patch });
  }
}
