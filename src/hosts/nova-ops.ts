import { collectAll, compute, isNotFound, type Cloud } from '../openstack/index.js';
import type { ComputeServiceView, EvacuationMove, HostServerView, NovaHostOps } from './ports.js';

/**
 * NovaHostOps over the compute client of one cloud (admin): the host steps' view of Nova.
 * Live migration lets Nova choose block or shared storage ("auto"); a destination, when the
 * plan names hosts, is the first of them (the scheduler's choice otherwise).
 */
export function novaHostOps(cloud: Cloud): NovaHostOps {
  const client = () => cloud.compute();
  const view = (s: compute.services.ComputeService): ComputeServiceView => ({
    id: String(s.id), host: s.host, status: s.status, state: s.state, forcedDown: s.forced_down === true, disabledReason: s.disabled_reason,
  });
  const server = (s: compute.servers.Server): HostServerView => ({
    id: s.id, name: s.name, status: s.status, taskState: s['OS-EXT-STS:task_state'] ?? null, host: s['OS-EXT-SRV-ATTR:host'] ?? null,
  });
  return {
    async computeService(host) {
      const services = await collectAll(compute.services.list(await client(), { host, binary: 'nova-compute' }));
      const found = services.find((s) => s.host === host && s.binary === 'nova-compute');
      return found ? view(found) : undefined;
    },
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
      return (await collectAll(compute.servers.list(await client(), { all_tenants: true, host }))).filter((s) => s['OS-EXT-SRV-ATTR:host'] === host).map(server);
    },
    async server(id) {
      try {
        return server(await compute.servers.get(await client(), id));
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
