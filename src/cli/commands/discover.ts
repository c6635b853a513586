import { writeFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { PumphouseError } from '../../errors.js';
import type { CloudChoice } from '../../engine/index.js';
import { renderInventoryHuman } from '../../render/human/inventory.js';
import { writeLine } from '../../render/streams.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';

interface DiscoverArgs {
  cloud: CloudChoice;
  out?: string;
}

/**
 * `pumphouse discover`: the normalised inventory of a cloud (schemas/inventory.schema.json).
 * JSON output is one inventory, so `--output json` wants one cloud (source by default).
 */
export const discoverCommand: CliCommand<DiscoverArgs> = {
  name: 'discover',
  builder: (yargs: Argv) =>
    yargs
      .option('cloud', { choices: ['source', 'target', 'both'], describe: 'which cloud (human output: both by default; JSON: source by default)' })
      .option('out', { type: 'string', describe: 'also write the inventory JSON to this file (one cloud)' }),
  run: async (context: CommandContext, args: DiscoverArgs) => {
    const single = context.format === 'json' || args.out !== undefined;
    const choice: CloudChoice = args.cloud ?? (single ? 'source' : 'both');
    if (single && choice === 'both') {
      throw new PumphouseError('PH0003', '--cloud both cannot be combined with --output json or --out: an inventory is one cloud', {
        hint: 'run discover once per cloud: --cloud source, then --cloud target',
      });
    }
    const inventories = await context.engine.discover(choice);
    if (args.out) writeFileSync(args.out, `${JSON.stringify(inventories[0], null, 2)}\n`);
    if (context.format === 'json') writeLine(context.streams.stdout, JSON.stringify(inventories[0], null, 2));
    else writeLine(context.streams.stdout, inventories.map((inv) => renderInventoryHuman(inv, context.color)).join('\n\n'));
    return 0;
  },
};
