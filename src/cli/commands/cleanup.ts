import type { Argv } from 'yargs';
import { recordedTemporaries, removeTemporaries } from '../../apply/cleanup.js';
import { escapeControls } from '../../errors.js';
import { connect, type Cloud } from '../../openstack/index.js';
import { writeLine } from '../../render/streams.js';
import type { TemporaryObject } from '../../state/model.js';
import { configSecrets } from '../../state/secrets.js';
import { StateStore } from '../../state/store.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { DEFAULT_STATE_PATH, settleAll } from './shared.js';

interface CleanupArgs {
  state: string;
  dryRun: boolean;
}

/** `pumphouse cleanup`: removes the temporaries the state records (src/apply/cleanup.ts). */
export const cleanupCommand: CliCommand<CleanupArgs> = {
  name: 'cleanup',
  builder: (yargs: Argv) =>
    yargs
      .option('state', { type: 'string', default: DEFAULT_STATE_PATH, describe: 'the state file' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'only list what would be removed' }),
  run: async (context: CommandContext, args: CleanupArgs) => {
    const { source, target } = context.config();
    const store = await StateStore.open(args.state, { command: 'pumphouse cleanup' }, { secrets: configSecrets(context.config()) });
    let clouds: Cloud[] = [];
    try {
      const temporaries = recordedTemporaries(store);
      if (temporaries.length === 0) {
        writeLine(context.streams.stdout, `Nothing to clean up: ${args.state} records no temporary objects.`);
        return 0;
      }
      if (args.dryRun) {
        for (const [, t] of temporaries) writeLine(context.streams.stdout, `would remove ${describe(t)} (${t.purpose})`);
        return 0;
      }
      clouds = await settleAll([source, target].map((config) => connect(config, { events: context.events })));
      const [sourceCloud, targetCloud] = clouds as [Cloud, Cloud];
      const results = await removeTemporaries(store, { source: sourceCloud, target: targetCloud });
      for (const r of results) {
        if (r.error) writeLine(context.streams.stderr, escapeControls(`could not remove ${describe(r.temporary)}: ${r.error.code} ${r.error.message}${r.error.hint ? ` (${r.error.hint})` : ''}`));
        else writeLine(context.streams.stdout, `removed ${describe(r.temporary)}${r.temporary.id ? '' : `: ${r.removed.length === 0 ? 'never created' : r.removed.join(', ')}`} (${r.temporary.purpose})`);
      }
      return results.some((r) => r.error) ? 1 : 0;
    } finally {
      clouds.forEach((c) => c.close());
      await store.close();
    }
  },
};

function describe(t: TemporaryObject): string {
  return `${t.cloud} ${t.kind} ${t.id ?? `named ${t.name}`}`;
}
