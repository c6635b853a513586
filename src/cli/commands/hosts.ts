import type { Argv } from 'yargs';
import { renderHostsHuman } from '../../render/human/hosts.js';
import { writeLine } from '../../render/streams.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';

interface HostsArgs {
  check: boolean;
}

/**
 * `pumphouse hosts [--check]`: the source's hypervisors as the Hosts wave sees them — compute
 * service, the servers still on each (with what they use), the BMC pumphouse.yaml maps it to —
 * and with --check what each BMC says (power) and which Fuel node has its MAC. Reads only.
 * `--output json` follows schemas/hosts.schema.json.
 */
export const hostsCommand: CliCommand<HostsArgs> = {
  name: 'hosts',
  builder: (yargs: Argv) => yargs.option('check', { type: 'boolean', default: false, describe: 'ask the BMCs and the Fuel master (reads only)' }),
  run: async (context: CommandContext, args: HostsArgs) => {
    const report = await context.engine.hosts({ check: args.check });
    if (context.format === 'json') writeLine(context.streams.stdout, JSON.stringify(report, null, 2));
    else writeLine(context.streams.stdout, renderHostsHuman(report, { color: context.color, checked: args.check }));
    const failed = report.hosts.some((h) => h.check?.powerError || h.check?.fuelError);
    return failed ? 1 : 0;
  },
};
