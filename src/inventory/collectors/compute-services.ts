import { compute, collectAll } from '../../openstack/index.js';
import { addressPath } from '../address.js';
import type { Collector } from './collector.js';

type ComputeService = compute.services.ComputeService;

/** Nova services as `host/binary`. `updated_at` (a heartbeat) is left out: it would change every inventory. */
export const computeServiceCollector: Collector<ComputeService> = {
  name: 'compute-service',
  kind: 'compute-service',
  service: 'compute',
  fetch: async (ctx) => collectAll(compute.services.list(await ctx.cloud.compute())),
  naming: (s) => ({ id: String(s.id), name: `${s.host}/${s.binary}`, path: addressPath(s.host, s.binary) }),
  build: (s, ctx) =>
    ctx.refs()
      .address('availabilityZone', ctx.existing(`availability-zone:${addressPath(s.zone)}`))
      .done({ host: s.host, binary: s.binary, zone: s.zone, status: s.status, state: s.state, disabledReason: s.disabled_reason, forcedDown: s.forced_down ?? false }),
};
