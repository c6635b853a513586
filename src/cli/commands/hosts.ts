import type { Argv } from 'yargs';
import { connectFuel } from '../../fuel/index.js';
import { powerDriverFor } from '../../hardware/index.js';
import { checkHosts } from '../../hosts/check.js';
import { hostReport } from '../../hosts/report.js';
import { discoverInventory } from '../../inventory/index.js';
import { computeServiceCollector } from '../../inventory/collectors/compute-services.js';
import { flavorCollector } from '../../inventory/collectors/flavors.js';
import { hypervisorCollector } from '../../inventory/collectors/hypervisors.js';
import { serverCollector } from '../../inventory/collectors/servers.js';
import { connect } from '../../openstack/index.js';
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
  describe: 'List the source\'s hypervisors with their service, servers and BMC; --check asks each BMC for its power state and Fuel which node it is',
  builder: (yargs: Argv) => yargs.option('check', { type: 'boolean', default: false, describe: 'ask the BMCs and the Fuel master (reads only)' }),
  run: async (context: CommandContext, args: HostsArgs) => {
    const config = context.config();
    const cloud = await connect(config.source, { events: context.events, maxInFlight: config.settings.discovery.concurrency });
    let report;
    try {
      const inventory = await discoverInventory(cloud, {
        label: config.source.label, events: context.events, pageSize: config.settings.discovery.pageSize,
        collectors: [flavorCollector, hypervisorCollector, computeServiceCollector, serverCollector],
      });
      report = hostReport(inventory, config.hosts);
    } finally {
      cloud.close();
    }
    if (args.check) {
      const fuel = config.fuel;
      report = await checkHosts(report, config.hosts, {
        powerDriver: (host) => powerDriverFor(host.bmc),
        ...(fuel ? {
          fuelNodes: async () => {
            const client = await connectFuel({ url: fuel.url, username: fuel.username, password: fuel.password, events: context.events });
            try {
              return await client.nodes();
            } finally {
              client.close();
            }
          },
        } : {}),
      });
    }
    if (context.format === 'json') writeLine(context.streams.stdout, JSON.stringify(report, null, 2));
    else writeLine(context.streams.stdout, renderHostsHuman(report, { color: context.color, checked: args.check }));
    const failed = report.hosts.some((h) => h.check?.powerError || h.check?.fuelError);
    return failed ? 1 : 0;
  },
};
