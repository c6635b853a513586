import type { PumphouseConfig } from '../config/load.js';
import type { EventSink } from '../events/sink.js';
import { connectFuel, fuelConnectOptions } from '../fuel/index.js';
import { powerDriverFor } from '../hardware/index.js';
import { computeServiceCollector } from '../inventory/collectors/compute-services.js';
import { flavorCollector } from '../inventory/collectors/flavors.js';
import { hypervisorCollector } from '../inventory/collectors/hypervisors.js';
import { serverCollector } from '../inventory/collectors/servers.js';
import { connectCloud, discoverCloud } from '../inventory/clouds.js';
import { checkHosts } from './check.js';
import { hostReport, type HostReport } from './report.js';

/**
 * What `pumphouse hosts` and `GET /v1/hosts` show: the source's hypervisors from a discovery of
 * just what they need (hypervisors, services, servers, flavors), with pumphouse.yaml's hardware;
 * with `check`, each BMC's power state and the host's Fuel node. Reads only.
 */
export async function surveyHosts(config: PumphouseConfig, events: EventSink, options: { check: boolean }): Promise<HostReport> {
  const cloud = await connectCloud(config, config.source, events);
  let report: HostReport;
  try {
    const inventory = await discoverCloud(config, cloud, config.source.label, events, [flavorCollector, hypervisorCollector, computeServiceCollector, serverCollector]);
    report = hostReport(inventory, config.hosts, config.hostManagement);
  } finally {
    cloud.close();
  }
  if (!options.check) return report;
  const fuel = config.fuel;
  return checkHosts(report, config.hosts, {
    powerDriver: (host) => powerDriverFor(host.bmc as NonNullable<typeof host.bmc>),
    ...(fuel ? {
      fuel: async () => {
        const client = await connectFuel(fuelConnectOptions(fuel, events));
        try {
          const [nodes, clusters] = await Promise.all([client.nodes(), client.clusters()]);
          return { nodes, environments: clusters.map((c) => ({ id: c.id, name: c.name })) };
        } finally {
          client.close();
        }
      },
    } : {}),
  });
}
