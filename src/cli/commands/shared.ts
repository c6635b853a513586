import type { CloudConfig } from '../../config/types.js';
import type { CommandContext } from '../context.js';

export type CloudChoice = 'source' | 'target' | 'both';

export function cloudsFromArgs(context: CommandContext, choice: CloudChoice): CloudConfig[] {
  const config = context.config();
  if (choice === 'source') return [config.source];
  if (choice === 'target') return [config.target];
  return [config.source, config.target];
}

export { settleAll } from '../../apply/session.js';

/** Where apply keeps its state unless told otherwise (relative to the working directory). */
export const DEFAULT_STATE_PATH = '.pumphouse/state.json';
