import type { PumphouseConfig } from '../config/load.js';
import type { CloudConfig } from '../config/types.js';
import type { EventSink } from '../events/sink.js';
import type { Inventory } from '../inventory/model.js';
import type { Cloud, CloudDescription } from '../openstack/index.js';
import { settleAll } from '../apply/session.js';
import { connectCloud, discoverCloud } from '../inventory/clouds.js';

/** Which of the two clouds a command is about. */
export type CloudChoice = 'source' | 'target' | 'both';

/** The configs of `choice`, source first. */
export function cloudConfigs(config: PumphouseConfig, choice: CloudChoice): CloudConfig[] {
  if (choice === 'source') return [config.source];
  if (choice === 'target') return [config.target];
  return [config.source, config.target];
}

/** Runs `work` on each connected cloud of `choice`, closing every connection after. */
export async function withClouds<T>(config: PumphouseConfig, choice: CloudChoice, events: EventSink, work: (cloud: Cloud, cloudConfig: CloudConfig) => Promise<T>): Promise<T[]> {
  return settleAll(cloudConfigs(config, choice).map(async (cloudConfig) => {
    const cloud = await connectCloud(config, cloudConfig, events);
    try {
      return await work(cloud, cloudConfig);
    } finally {
      cloud.close();
    }
  }));
}

export function describeClouds(config: PumphouseConfig, choice: CloudChoice, events: EventSink): Promise<CloudDescription[]> {
  return withClouds(config, choice, events, (cloud) => cloud.describe());
}

export function discoverClouds(config: PumphouseConfig, choice: CloudChoice, events: EventSink): Promise<Inventory[]> {
  return withClouds(config, choice, events, (cloud, cloudConfig) => discoverCloud(config, cloud, cloudConfig.label, events));
}

/**
 * The highest Nova microversion the connected target offers (for the api-features pre-flight
 * check), as its version document announces it; undefined when it announces none.
 */
export async function computeMaxMicroversion(cloud: Cloud): Promise<string | undefined> {
  return (await cloud.compute()).version?.microversions?.max;
}
