import { compute, collectAll } from '../../openstack/index.js';
import { addressPath } from '../address.js';
import type { Collector } from './collector.js';

type AvailabilityZone = compute.availabilityZones.AvailabilityZone;

/** Compute availability zones and the services in them (heartbeats left out). */
export const availabilityZoneCollector: Collector<AvailabilityZone> = {
  name: 'availability-zone',
  kind: 'availability-zone',
  service: 'compute',
  fetch: async (ctx) => collectAll(compute.availabilityZones.list(await ctx.cloud.compute())),
  naming: (z) => ({ id: z.zoneName, name: z.zoneName, path: addressPath(z.zoneName) }),
  build: (z, ctx) => {
    const services: string[] = [];
    for (const [host, binaries] of Object.entries(z.hosts ?? {})) {
      for (const binary of Object.keys(binaries)) {
        const address = ctx.existing(`compute-service:${addressPath(host, binary)}`);
        if (address) services.push(address);
      }
    }
    return ctx.refs().addresses('services', services).done({ available: z.zoneState.available, hosts: Object.keys(z.hosts ?? {}).sort() });
  },
};
