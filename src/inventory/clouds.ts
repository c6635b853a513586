import type { PumphouseConfig } from '../config/load.js';
import type { CloudConfig } from '../config/types.js';
import type { EventSink } from '../events/sink.js';
import { connect, type Cloud } from '../openstack/index.js';
import { discoverInventory, type DiscoverOptions } from './discover.js';
import type { Inventory } from './model.js';

/**
 * The one way to connect to a cloud and to discover it: pumphouse.yaml's discovery concurrency
 * caps the requests in flight and its page size pages the listings; events go to the run's sink.
 * The engine's clouds and discover, a plan's and an apply's session and `hosts` all go through here.
 */
export function connectCloud(config: PumphouseConfig, cloud: CloudConfig, events: EventSink): Promise<Cloud> {
  return connect(cloud, { events, maxInFlight: config.settings.discovery.concurrency });
}

/** Every kind, or only `collectors` (what `hosts` needs). */
export function discoverCloud(config: PumphouseConfig, cloud: Cloud, label: string, events: EventSink, collectors?: DiscoverOptions['collectors']): Promise<Inventory> {
  const { concurrency, pageSize } = config.settings.discovery;
  return discoverInventory(cloud, { label, events, concurrency, pageSize, ...(collectors ? { collectors } : {}) });
}
