import type { Argv } from 'yargs';
import type { CloudChoice } from '../../engine/index.js';
import { renderCloudsHuman } from '../../render/human/clouds.js';
import { writeLine } from '../../render/streams.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';

interface CloudsArgs {
  cloud: CloudChoice;
}

/** `pumphouse clouds`: what each cloud is — Keystone, region, services, endpoints, versions. */
export const cloudsCommand: CliCommand<CloudsArgs> = {
  name: 'clouds',
  builder: (yargs: Argv) =>
    yargs.option('cloud', { choices: ['source', 'target', 'both'], default: 'both', describe: 'which cloud to show' }),
  run: async (context: CommandContext, args: CloudsArgs) => {
    const descriptions = await context.engine.clouds(args.cloud);
    if (context.format === 'json') writeLine(context.streams.stdout, JSON.stringify({ clouds: descriptions }, null, 2));
    else writeLine(context.streams.stdout, renderCloudsHuman(descriptions, context.color));
    return 0;
  },
};
