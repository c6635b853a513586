import { recordedTemporaries, removeTemporaries, type CleanupResult } from '../apply/cleanup.js';
import { settleAll } from '../apply/session.js';
import { connectCloud } from '../inventory/clouds.js';
import type { PumphouseConfig } from '../config/load.js';
import type { EventSink } from '../events/sink.js';
import type { Cloud } from '../openstack/index.js';
import type { TemporaryObject } from '../state/model.js';
import { configSecrets } from '../state/secrets.js';
import { StateStore } from '../state/store.js';

export interface CleanupRequest {
  statePath: string;
  /** Only list what would be removed. */
  dryRun?: boolean;
  /** What holds the state's lock meanwhile. @default "pumphouse cleanup" */
  command?: string;
}

export interface CleanupOutcome {
  /** What the state records, in the order it is removed. */
  temporaries: TemporaryObject[];
  /** What removing each did; undefined for a dry run or when there is nothing to remove. */
  results?: CleanupResult[];
}

/** Removes the temporaries the state records (apply/cleanup.ts), holding the state's lock meanwhile. */
export async function runCleanup(config: PumphouseConfig, events: EventSink, request: CleanupRequest): Promise<CleanupOutcome> {
  const store = await StateStore.open(request.statePath, { command: request.command ?? 'pumphouse cleanup' }, { secrets: configSecrets(config) });
  let clouds: Cloud[] = [];
  try {
    const temporaries = recordedTemporaries(store).map(([, t]) => t);
    if (temporaries.length === 0 || request.dryRun) return { temporaries };
    clouds = await settleAll([config.source, config.target].map((cloud) => connectCloud(config, cloud, events)));
    const [source, target] = clouds as [Cloud, Cloud];
    return { temporaries, results: await removeTemporaries(store, { source, target }) };
  } finally {
    clouds.forEach((c) => c.close());
    await store.close();
  }
}
