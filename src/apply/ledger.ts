import type { StepJournal } from '../executor/journal.js';
import type { MigrationLedger } from '../migrate/context.js';
import type { ServerDowntime, StepRecord, TemporaryObject } from '../state/model.js';

/**
 * The apply's durable memory, over anything that holds an ApplyState-shaped document and writes
 * it durably (the state file's StateStore; a plain object in tests and benchmarks). One object
 * gives both the executor's journal and the runners' ledger, so a step's status and the id it
 * created are written by the same store.
 */
export interface LedgerDocument {
  steps: Record<string, StepRecord>;
  mappings: Record<string, string>;
  downtime: Record<string, ServerDowntime>;
  temporaries: Record<string, TemporaryObject>;
}

export interface DocumentStore {
  readonly state: Readonly<LedgerDocument>;
  /** Applies `mutate` at once in memory; resolves when it is durable. */
  update(mutate: (doc: LedgerDocument) => void): Promise<void>;
  /** Applies `mutate` at once in memory; it is written with the next write, not waited for. */
  note(mutate: (doc: LedgerDocument) => void): void;
}

export class StateLedger implements StepJournal, MigrationLedger {
  constructor(private readonly store: DocumentStore) {}

  get(stepId: string): StepRecord | undefined {
    return this.store.state.steps[stepId];
  }

  record(stepId: string, patch: Partial<StepRecord>): Promise<void> {
    return this.store.update((doc) => mergeStep(doc, stepId, patch));
  }

  note(stepId: string, patch: Partial<StepRecord>): void {
    this.store.note((doc) => mergeStep(doc, stepId, patch));
  }

  mapping(address: string): string | undefined {
    return this.store.state.mappings[address];
  }

  /** Not waited for: a copy whose mapping a kill lost is found again by its mark. */
  setMapping(address: string, targetId: string): void {
    this.store.note((doc) => {
      doc.mappings[address] = targetId;
    });
  }

  saveMapping(address: string, targetId: string): Promise<void> {
    return this.store.update((doc) => {
      doc.mappings[address] = targetId;
    });
  }

  downtime(server: string): ServerDowntime | undefined {
    return this.store.state.downtime[server];
  }

  setDowntime(server: string, record: ServerDowntime): Promise<void> {
    return this.store.update((doc) => {
      doc.downtime[server] = record;
    });
  }

  addTemporary(key: string, object: TemporaryObject): Promise<void> {
    return this.store.update((doc) => {
      doc.temporaries[key] = object;
    });
  }

  temporaries(): Readonly<Record<string, TemporaryObject>> {
    return this.store.state.temporaries;
  }

  removeTemporary(key: string): Promise<void> {
    return this.store.update((doc) => {
      delete doc.temporaries[key];
    });
  }
}

function mergeStep(doc: LedgerDocument, stepId: string, patch: Partial<StepRecord>): void {
  const current = doc.steps[stepId] ?? { status: 'pending', attempts: 0 };
  const next: StepRecord = { ...current, ...patch };
  // A step that succeeds forgets the error of an earlier attempt.
  if (patch.status === 'done' || patch.status === 'running') delete next.error;
  doc.steps[stepId] = next;
}

/** A DocumentStore in memory: tests, benchmarks. */
export class MemoryDocument implements DocumentStore {
  readonly state: LedgerDocument = { steps: {}, mappings: {}, downtime: {}, temporaries: {} };

  async update(mutate: (doc: LedgerDocument) => void): Promise<void> {
    mutate(this.state);
  }

  note(mutate: (doc: LedgerDocument) => void): void {
    mutate(this.state);
  }
}
