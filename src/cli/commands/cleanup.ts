import type { Argv } from 'yargs';
import { escapeControls } from '../../errors.js';
import type { TemporaryObject } from '../../state/model.js';
import { writeLine } from '../../render/streams.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { DEFAULT_STATE_PATH } from './shared.js';

interface CleanupArgs {
  state: string;
  dryRun: boolean;
}

/** `pumphouse cleanup`: removes the temporaries the state records (the engine's cleanup). */
export const cleanupCommand: CliCommand<CleanupArgs> = {
  name: 'cleanup',
  builder: (yargs: Argv) =>
    yargs
      .option('state', { type: 'string', default: DEFAULT_STATE_PATH, describe: 'the state file' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'only list what would be removed' }),
  run: async (context: CommandContext, args: CleanupArgs) => {
    const { temporaries, results } = await context.engine.cleanup({ statePath: args.state, dryRun: args.dryRun });
    const out = context.streams.stdout;
    if (temporaries.length === 0) {
      writeLine(out, `Nothing to clean up: ${args.state} records no temporary objects.`);
      return 0;
    }
    if (!results) {
      for (const t of temporaries) writeLine(out, `would remove ${describe(t)} (${t.purpose})`);
      return 0;
    }
    for (const r of results) {
      if (r.error) writeLine(context.streams.stderr, escapeControls(`could not remove ${describe(r.temporary)}: ${r.error.code} ${r.error.message}${r.error.hint ? ` (${r.error.hint})` : ''}`));
      else writeLine(out, `removed ${describe(r.temporary)}${r.temporary.id ? '' : `: ${r.removed.length === 0 ? 'never created' : r.removed.join(', ')}`} (${r.temporary.purpose})`);
    }
    return results.some((r) => r.error) ? 1 : 0;
  },
};

function describe(t: TemporaryObject): string {
  return `${t.cloud} ${t.kind} ${t.id ?? `named ${t.name}`}`;
}
