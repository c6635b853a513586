import YAML from 'yaml';
import { discoverInventory } from '../inventory/index.js';
import type { Inventory } from '../inventory/model.js';
import { connect } from '../openstack/index.js';
import { sendJson } from './http.js';
import type { Route, RouteContext } from './routes.js';

/**
 * The original Pumphouse's API, for its clients: `GET /resources` (both clouds' projects,
 * servers, images and hosts with their status) and the actions, each a plan made for the
 * object and applied at once, answering 202 with the plan and apply ids to follow on /v1:
 *   POST /tenants/{id}   migrate a project (identity and workloads)
 *   POST /servers/{id}   migrate a server
 *   POST /hosts/{id}     evacuate a host
 *   DELETE /hosts/{id}   reassign a host to the target (evacuate, re-provision through Fuel)
 */
export const ORIGINAL_ROUTES: Route[] = [
  {
    method: 'GET', path: '/resources',
    async handle(ctx, _req, res) {
      const [source, target] = await Promise.all([ctx.config.source, ctx.config.target].map(async (config) => {
        const cloud = await connect(config, { events: ctx.journal.bus, maxInFlight: ctx.config.settings.discovery.concurrency });
        try {
          return summary(await discoverInventory(cloud, { label: config.label, events: ctx.journal.bus, pageSize: ctx.config.settings.discovery.pageSize }));
        } finally {
          cloud.close();
        }
      }));
      sendJson(res, 200, { source, target });
    },
  },
  action('POST', '/tenants/{id}', (id) => ({ identity: { projects: [id] }, workloads: [{ projects: [id] }] })),
  action('POST', '/servers/{id}', (id) => ({ workloads: [{ projects: ['*'], servers: { ids: [id] } }] })),
  action('POST', '/hosts/{id}', (id) => ({ hosts: [{ name: id, state: 'evacuated' }] })),
  action('DELETE', '/hosts/{id}', (id) => ({ hosts: [{ name: id, state: 'upgraded' }] })),
];

function action(method: Route['method'], path: string, spec: (id: string) => Record<string, unknown>): Route {
  return {
    method, path,
    async handle(ctx: RouteContext, _req, res, params) {
      const id = params['id'] ?? '';
      const name = `api-${method.toLowerCase()}-${path.split('/')[1]}-${id}`.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100);
      const text = YAML.stringify({ apiVersion: 'pumphouse/v1', kind: 'MigrationPlan', metadata: { name }, spec: spec(id) });
      const made = await ctx.work.createPlan(text);
      const apply = await ctx.work.startApply(made.id);
      sendJson(res, 202, { planId: made.id, applyId: apply.id, status: apply.status, follow: `/v1/applies/${apply.id}` });
    },
  };
}

function summary(inventory: Inventory): Record<string, unknown> {
  const of = (kind: string) => inventory.resources.filter((r) => r.kind === kind);
  return {
    cloud: inventory.cloud,
    projects: of('project').map((p) => ({ id: p.id, name: p.name, enabled: p.attributes['enabled'] !== false })),
    servers: of('server').map((s) => ({ id: s.id, name: s.name, project: s.project?.name ?? null, status: s.attributes['status'], host: s.attributes['host'] ?? null })),
    images: of('image').map((i) => ({ id: i.id, name: i.name, status: i.attributes['status'] })),
    hosts: of('hypervisor').map((h) => ({ name: h.name, status: h.attributes['status'], state: h.attributes['state'], runningVms: h.attributes['runningVms'] ?? null })),
  };
}
