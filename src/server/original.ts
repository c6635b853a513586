import type { GranularAction } from '../engine/index.js';
import { granularPlanText } from '../engine/granular.js';
import type { Inventory } from '../inventory/model.js';
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
      const [source, target] = (await ctx.engine.discover('both')).map(summary);
      sendJson(res, 200, { source, target });
    },
  },
  action('POST', '/tenants/{id}', (id) => ({ action: 'migrate', kind: 'project', names: [id] })),
  action('POST', '/servers/{id}', (id) => ({ action: 'migrate', kind: 'server', names: [id] })),
  action('POST', '/hosts/{id}', (id) => ({ action: 'evacuate', hosts: [id] })),
  action('DELETE', '/hosts/{id}', (id) => ({ action: 'upgrade', hosts: [id] })),
];

/** A route that makes the engine's plan of a granular action (the CLI's `migrate …`, `evacuate`, `upgrade` make the same) and applies it at once. */
function action(method: Route['method'], path: string, granular: (id: string) => GranularAction): Route {
  return {
    method, path,
    async handle(ctx: RouteContext, _req, res, params) {
      const plan = await ctx.engine.granularPlan(granular(params['id'] ?? ''));
      const made = await ctx.work.createPlan(granularPlanText(plan));
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
