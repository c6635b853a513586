import type { CloudConfig } from '../../config/types.js';
import type { CommandContext } from '../context.js';

export type CloudChoice = 'source' | 'target' | 'both';

export function cloudsFromArgs(context: CommandContext, choice: CloudChoice): CloudConfig[] {
  const config = context.config();
  if (choice === 'source') return [config.source];
  if (choice === 'target') return [config.target];
  return [config.source, config.target];
}

/**
 * Runs all, waits for all (so one cloud's failure does not abandon the other's requests
 * mid-flight), then throws the first failure or returns every result in order.
 */
export async function settleAll<T>(work: Array<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/** Where apply keeps its state unless told otherwise (relative to the working directory). */
export const DEFAULT_STATE_PATH = '.pumphouse/state.json';
