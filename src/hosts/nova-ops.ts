import { collectAll, compute, isNotFound, type Cloud } from '../openstack/index.js';
import type { ComputeServiceView, EvacuationMove, HostServerView, NovaHostOps, PlacementSnapshot } from './adapters.js';

/**
 * NovaHostOps over the compute client of one cloud (admin): the host steps' view of Nova.
 * Live migration lets Nova choose block or shared storage ("auto"); a destination, when the
 * plan names hosts, is the first of them (the scheduler's choice otherwise).
 */
export function novaHostOps(cloud: Cloud): NovaHostOps {
  const client = () => cloud.compute();
  return {
    async computeService(host) {
      const services = await collectAll(compute.services.list(await client(), { host, binary: 'nova-compute' }));
      const found = services.find((s) => s.host === host && s.binary === 'nova-compute');
      return found ? serviceView(found) : undefined;
    },
    async services(host) {
      return (await collectAll(compute.services.list(await client(), { host }))).filter((s) => s.host === host).map(serviceView);
    },
    placementSnapshot: async () => placementSnapshot(await client()),
    async disableService(service, reason) {
      await compute.services.disable(await client(), service.id, reason);
    },
    async forceDown(service, down) {
      await compute.services.forceDown(await client(), service.id, down);
    },
    async deleteService(service) {
      await compute.services.remove(await client(), service.id);
    },
    async serversOn(host) {
      return (await collectAll(compute.servers.list(await client(), { all_tenants: true, host }))).filter((s) => s['OS-EXT-SRV-ATTR:host'] === host).map(serverView);
    },
    async server(id) {
      try {
        return serverView(await compute.servers.get(await client(), id));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async move(id, how: EvacuationMove, to) {
      const c = await client();
      const host = to[0];
      if (how === 'live') await compute.servers.liveMigrate(c, id, { blockMigration: 'auto', ...(host ? { host } : {}) });
      else if (how === 'cold') await compute.servers.migrate(c, id, host ? { host } : {});
      else await compute.servers.evacuate(c, id, host ? { host } : {});
    },
    async confirmResize(id) {
      await compute.servers.confirmResize(await client(), id);
    },
  };
}

function serviceView(s: compute.services.ComputeService): ComputeServiceView {
  return { id: String(s.id), host: s.host, binary: s.binary, status: s.status, state: s.state, forcedDown: s.forced_down === true, disabledReason: s.disabled_reason };
}

function serverView(s: compute.servers.Server): HostServerView {
  return { id: s.id, name: s.name, status: s.status, taskState: s['OS-EXT-STS:task_state'] ?? null, host: s['OS-EXT-SRV-ATTR:host'] ?? null };
}

type ComputeClient = Awaited<ReturnType<Cloud['compute']>>;

/** Hypervisors with their services' state and free room, every server with its flavor's size, the server groups. */
async function placementSnapshot(c: ComputeClient): Promise<PlacementSnapshot> {
  const [hypervisors, services, servers, groups] = await Promise.all([
    collectAll(compute.hypervisors.list(c)),
    collectAll(compute.services.list(c, { binary: 'nova-compute' })),
    collectAll(compute.servers.list(c, { all_tenants: true })),
    collectAll(compute.serverGroups.list(c, { all_projects: true })),
  ]);
  const serviceOf = new Map(services.map((s) => [s.host, s]));
  return {
    hypervisors: hypervisors.map((h) => {
      const service = serviceOf.get(h.service.host);
      return {
        name: h.hypervisor_hostname, serviceHost: h.service.host,
        enabled: h.status === 'enabled' && service?.status !== 'disabled',
        up: h.state === 'up' && service?.state !== 'down' && service?.forced_down !== true,
        // Nova 2.88+ reports no capacity: unbounded, the scheduler decides.
        freeRamMb: h.memory_mb === undefined ? Number.POSITIVE_INFINITY : h.memory_mb - (h.memory_mb_used ?? 0),
        freeDiskGb: h.local_gb === undefined ? Number.POSITIVE_INFINITY : h.local_gb - (h.local_gb_used ?? 0),
      };
    }),
    servers: servers.filter((s) => s['OS-EXT-SRV-ATTR:host']).map((s) => ({
      id: s.id, name: s.name, host: s['OS-EXT-SRV-ATTR:hypervisor_hostname'] ?? (s['OS-EXT-SRV-ATTR:host'] as string),
      ramMb: s.flavor.ram ?? 0, diskGb: s.image === '' ? 0 : s.flavor.disk ?? 0,
    })),
    groups: groups.map((g) => ({ name: g.name, policy: compute.serverGroups.policyOf(g) ?? '', members: g.members })),
  };
}
