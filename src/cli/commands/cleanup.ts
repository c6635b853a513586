import type { Argv } from 'yargs';
import { PumphouseError } from '../../errors.js';
import { revokeTemporaryGrant, TEMPORARY_GRANT_KIND } from '../../migrate/access.js';
import { removeTemporaryKeypair, TEMPORARY_KEYPAIR_KIND } from '../../migrate/lent-keys.js';
import { blockStorage, connect, image, type Cloud } from '../../openstack/index.js';
import { writeLine } from '../../render/streams.js';
import { configSecrets } from '../../state/secrets.js';
import { StateStore } from '../../state/store.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { DEFAULT_STATE_PATH, settleAll } from './shared.js';

interface CleanupArgs {
  state: string;
  dryRun: boolean;
}

/**
 * `pumphouse cleanup`: removes the temporary objects apply recorded in the state and did not
 * get to remove (a failure or a kill in the middle of a copy): source snapshots of servers,
 * snapshot/clone volumes and upload images of volumes, the target's transfer images, the admin
 * role Pumphouse gave its own user on target projects, a key lent to its user for a boot. Only
 * objects the state names are touched, never anything found by guessing.
 */
export const cleanupCommand: CliCommand<CleanupArgs> = {
  name: 'cleanup',
  describe: 'Remove the temporary snapshots, volumes, images and admin roles an interrupted apply left behind (as recorded in the state)',
  builder: (yargs: Argv) =>
    yargs
      .option('state', { type: 'string', default: DEFAULT_STATE_PATH, describe: 'the state file' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'only list what would be removed' }),
  run: async (context: CommandContext, args: CleanupArgs) => {
    const { source, target } = context.config();
    const store = await StateStore.open(args.state, { command: 'pumphouse cleanup' }, { secrets: configSecrets(context.config()) });
    let clouds: Cloud[] = [];
    try {
      const temporaries = Object.entries(store.state.temporaries);
      if (temporaries.length === 0) {
        writeLine(context.streams.stdout, `Nothing to clean up: ${args.state} records no temporary objects.`);
        return 0;
      }
      // Snapshots go after the clones made from them, images and clones first; Pumphouse's own access last.
      const order = (kind: string) => (kind === 'volume-snapshot' ? 1 : kind === TEMPORARY_GRANT_KIND ? 2 : 0);
      temporaries.sort(([, a], [, b]) => order(a.kind) - order(b.kind));
      if (args.dryRun) {
        for (const [, t] of temporaries) writeLine(context.streams.stdout, `would remove ${t.cloud} ${t.kind} ${t.id} (${t.purpose})`);
        return 0;
      }
      clouds = await settleAll([source, target].map((config) => connect(config, { events: context.events })));
      const [sourceCloud, targetCloud] = clouds as [Cloud, Cloud];
      let failed = 0;
      for (const [key, t] of temporaries) {
        const cloud = t.cloud === 'source' ? sourceCloud : targetCloud;
        try {
          if (t.kind === 'image') await image.images.remove(await cloud.image(), t.id);
          else if (t.kind === 'volume') await blockStorage.volumes.remove(await cloud.blockStorage(), t.id);
          else if (t.kind === 'volume-snapshot') await blockStorage.snapshots.remove(await cloud.blockStorage(), t.id);
          else if (t.kind === TEMPORARY_GRANT_KIND) await revokeTemporaryGrant(await cloud.identity(), t.id);
          else if (t.kind === TEMPORARY_KEYPAIR_KIND) await removeTemporaryKeypair(await cloud.compute(), t.id);
          else throw new PumphouseError('PH1608', `unknown temporary kind ${t.kind}`);
          await store.update((s) => {
            delete s.temporaries[key];
          });
          writeLine(context.streams.stdout, `removed ${t.cloud} ${t.kind} ${t.id} (${t.purpose})`);
        } catch (error) {
          failed += 1;
          writeLine(context.streams.stderr, `could not remove ${t.cloud} ${t.kind} ${t.id}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return failed > 0 ? 1 : 0;
    } finally {
      clouds.forEach((c) => c.close());
      await store.close();
    }
  },
};
