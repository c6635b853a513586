import { blockStorage, compute, mapLimit, network, type Cloud, type identity, type ServiceType } from '../../openstack/index.js';
import { escapeSegment } from '../address.js';
import { unlessGone, type Collector } from './collector.js';

/** One project's limits in one service; `limits` holds only numbers (-1 = unlimited). */
export interface QuotaItem {
  projectId: string;
  service: ServiceType;
  limits: Record<string, number>;
}

function numbersOnly(record: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(record).sort()) {
    const value = (record as Record<string, unknown>)[key];
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}

/** A quota collector of one service: one call per project, `concurrency` at a time. */
function quotaCollector(service: ServiceType, read: (projectId: string, cloud: Cloud) => Promise<object>): Collector<QuotaItem> {
  return {
    name: `quota/${service}`,
    kind: 'quota',
    service,
    fetch: async (ctx) => {
      await ctx.cloud.service(service); // fail fast (one diagnostic) when the service is missing
      const projects = await ctx.need<identity.projects.Project>('project');
      return mapLimit(projects, ctx.concurrency, async (p) => ({ projectId: p.id, service, limits: numbersOnly(await read(p.id, ctx.cloud)) }));
    },
    fetchOne: async (cloud, id) => {
      const projectId = id.slice(0, id.lastIndexOf('/'));
      return unlessGone(async () => ({ projectId, service, limits: numbersOnly(await read(projectId, cloud)) }));
    },
    naming: (q, ctx) => {
      const project = ctx.projectRef(q.projectId);
      return { id: `${q.projectId}/${service}`, name: service, path: `${ctx.projectPath(q.projectId)}/${escapeSegment(service)}`, ...(project ? { project } : {}) };
    },
    build: (q, ctx) => ctx.refs().one('project', 'project', q.projectId).done({ service, limits: q.limits }),
  };
}

export const computeQuotaCollector = quotaCollector('compute', async (id, cloud) => compute.quotas.get(await cloud.compute(), id));
export const networkQuotaCollector = quotaCollector('network', async (id, cloud) => network.quotas.get(await cloud.network(), id));
export const volumeQuotaCollector = quotaCollector('block-storage', async (id, cloud) => blockStorage.quotas.get(await cloud.blockStorage(), id));
