import { compute, collectAll } from '../../openstack/index.js';
import { addressPath } from '../address.js';
import { sortedRecord, type Collector } from './collector.js';

type Aggregate = compute.aggregates.Aggregate;

export const aggregateCollector: Collector<Aggregate> = {
  name: 'aggregate',
  kind: 'aggregate',
  service: 'compute',
  fetch: async (ctx) => collectAll(compute.aggregates.list(await ctx.cloud.compute())),
  naming: (a) => ({ id: String(a.id), name: a.name, path: addressPath(a.name) }),
  build: (a, ctx) => {
    const hosts = a.hosts.map((h) => ctx.existing(`compute-service:${addressPath(h, 'nova-compute')}`)).filter((x): x is string => x !== undefined);
    return ctx.refs()
      .addresses('hosts', hosts)
      .address('availabilityZone', a.availability_zone ? ctx.existing(`availability-zone:${addressPath(a.availability_zone)}`) : undefined)
      .done({ uuid: a.uuid ?? null, availabilityZone: a.availability_zone, hosts: [...a.hosts].sort(), metadata: sortedRecord(a.metadata) });
  },
};
