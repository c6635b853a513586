import { compute, collectAll } from '../../openstack/index.js';
import { addressPath } from '../address.js';
import type { Collector } from './collector.js';

type Hypervisor = compute.hypervisors.Hypervisor;

/** Hypervisors by hostname. Capacity fields exist up to microversion 2.87 (see CLIENT_MICROVERSIONS). */
export const hypervisorCollector: Collector<Hypervisor> = {
  name: 'hypervisor',
  kind: 'hypervisor',
  service: 'compute',
  fetch: async (ctx) => collectAll(compute.hypervisors.list(await ctx.cloud.compute(), { pageSize: ctx.pageSize })),
  naming: (h) => ({ id: String(h.id), name: h.hypervisor_hostname, path: addressPath(h.hypervisor_hostname) }),
  build: (h, ctx) =>
    ctx.refs()
      .address('service', ctx.existing(`compute-service:${addressPath(h.service.host, 'nova-compute')}`), h.service.host)
      .done({
        type: h.hypervisor_type ?? null,
        version: h.hypervisor_version ?? null,
        state: h.state,
        status: h.status,
        hostIp: h.host_ip ?? null,
        serviceHost: h.service.host,
        disabledReason: h.service.disabled_reason ?? null,
        vcpus: h.vcpus ?? null,
        vcpusUsed: h.vcpus_used ?? null,
        memoryMb: h.memory_mb ?? null,
        memoryMbUsed: h.memory_mb_used ?? null,
        localGb: h.local_gb ?? null,
        localGbUsed: h.local_gb_used ?? null,
        runningVms: h.running_vms ?? null,
      }),
};
