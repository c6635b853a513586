import type { Argv } from 'yargs';
import { connect, type CloudDescription } from '../../openstack/index.js';
import { renderCloudsHuman } from '../../render/human/clouds.js';
import { writeLine } from '../../render/streams.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { cloudsFromArgs, settleAll, type CloudChoice } from './shared.js';

interface CloudsArgs {
  cloud: CloudChoice;
}

/** `pumphouse clouds`: what each cloud is — Keystone, region, services, endpoints, versions. */
export const cloudsCommand: CliCommand<CloudsArgs> = {
  name: 'clouds',
  builder: (yargs: Argv) =>
    yargs.option('cloud', { choices: ['source', 'target', 'both'], default: 'both', describe: 'which cloud to show' }),
  run: async (context: CommandContext, args: CloudsArgs) => {
    const descriptions = await describeClouds(context, args.cloud);
    if (context.format === 'json') writeLine(context.streams.stdout, JSON.stringify({ clouds: descriptions }, null, 2));
    else writeLine(context.streams.stdout, renderCloudsHuman(descriptions, context.color));
    return 0;
  },
};

export async function describeClouds(context: CommandContext, choice: CloudChoice): Promise<CloudDescription[]> {
  const configs = cloudsFromArgs(context, choice);
  return settleAll(configs.map(async (config) => {
    const cloud = await connect(config, { events: context.events });
    return cloud.describe();
  }));
}
