import { createHash } from 'node:crypto';
import YAML from 'yaml';
import { errorMessage } from '../errors.js';
import { API_CODES, ApiError, sendJson } from './http.js';
import { discoverBoth, discoverSource } from './original/discover.js';
import { originalDocument } from './original/resources.js';
import { canReset, resetCloud, setStateAside } from './original/sandbox-reset.js';
import type { OriginalIntentKind } from './original/translate.js';
import type { OriginalHub } from './original/hub.js';
import type { Route, RouteContext } from './routes.js';
import type { ApiApply } from './work.js';

/**
 * The original Pumphouse's API, for its clients (its UI, its functional tests):
 *   GET /resources       both clouds as the original listed them (original/resources.ts)
 *   POST /reset          the sandbox's clouds back to their scenario's start (404 elsewhere); the
 *                        state file, which describes what the reset takes away, is set aside
 *   POST /tenants/{id}   migrate a project (identity and workloads, rebuilt from their images)
 *   POST /servers/{id}   migrate a server
 *   POST /hosts/{id}     evacuate a host
 *   DELETE /hosts/{id}   reassign a host to the target (evacuate, re-provision through Fuel)
 * Each action is a plan made for the object and applied at once, answering 202 with the plan and
 * apply ids to follow on /v1; its progress is told as the original's events (original/hub.ts) on
 * /v1/events and on the Socket.IO bus at /events. Tenants and servers use the `maps` serve was
 * started with (`serve --maps-from PLAN`), so a target whose networks are named otherwise works.
 */
export const ORIGINAL_ROUTES: Route[] = [
  {
    method: 'GET', path: '/resources',
    async handle(ctx, _req, res) {
      const [{ source, target }, reset] = await Promise.all([discoverBoth(ctx), canReset([ctx.config.source, ctx.config.target])]);
      sendJson(res, 200, originalDocument(source, target, reset));
    },
  },
  {
    method: 'POST', path: '/reset',
    async handle(ctx, _req, res) {
      if (!(await canReset([ctx.config.source, ctx.config.target]))) {
        throw new ApiError(404, API_CODES.notFound, 'there is nothing to reset: the clouds are not a `pumphouse sandbox`', 'POST /reset resets the sandbox\'s simulated clouds only');
      }
      const running = ctx.work.allApplies().find((a) => a.status === 'running');
      if (running) throw new ApiError(409, API_CODES.busy, `apply ${running.id} is running on these clouds`, `wait for it (GET /v1/applies/${running.id}) or cancel it, then reset`);
      setStateAside(ctx.statePath);
      sendJson(res, 201, {});
      const hub = ctx.original;
      hub?.emit('reset start', {});
      for (const [cloud, config] of [['source', ctx.config.source], ['destination', ctx.config.target]] as const) {
        void resetCloud(config)
          .catch((error: unknown) => hub?.emit('log', { level: 'error', message: `Reset of the ${cloud} cloud failed: ${errorMessage(error)}` }))
          .then(() => hub?.emit('reset completed', { cloud }));
      }
    },
  },
  action('POST', '/tenants/{id}', 'tenant', (id, maps) => ({ identity: { projects: [id] }, workloads: [{ projects: [id], strategy: 'rebuild' }], ...maps })),
  action('POST', '/servers/{id}', 'server', (id, maps) => ({ workloads: [{ projects: ['*'], servers: { ids: [id] }, strategy: 'rebuild' }], ...maps })),
  action('POST', '/hosts/{id}', 'evacuation', (id) => ({ hosts: [{ name: id, state: 'evacuated' }] })),
  action('DELETE', '/hosts/{id}', 'reassignment', (id) => ({ hosts: [{ name: id, state: 'upgraded' }] })),
];

type Spec = (id: string, maps: { maps?: Record<string, unknown> }) => Record<string, unknown>;

function action(method: Route['method'], path: string, kind: OriginalIntentKind, spec: Spec): Route {
  return {
    method, path,
    async handle(ctx: RouteContext, _req, res, params) {
      const id = params['id'] ?? '';
      if (ctx.original) settle(ctx, ctx.original);
      if (ctx.original?.busy) throw new ApiError(409, API_CODES.busy, 'another action of the original API is running', 'wait for its end event (action null), then try again');
      const name = planName(`api-${method.toLowerCase()}-${path.split('/')[1]}-${id}`);
      const text = YAML.stringify({ apiVersion: 'pumphouse/v1', kind: 'MigrationPlan', metadata: { name }, spec: spec(id, ctx.maps ? { maps: ctx.maps } : {}) });
      const [made, source] = await Promise.all([ctx.work.createPlan(text), ctx.original ? discoverSource(ctx) : undefined]);
      ctx.original?.begin({ kind, id }, made.plan, source?.resources ?? []);
      let apply: ApiApply;
      try {
        apply = await ctx.work.startApply(made.id);
      } catch (error) {
        ctx.original?.end('error', errorMessage(error));
        throw error;
      }
      if (ctx.original) ctx.original.applyId = apply.id;
      watchEnd(ctx, apply.id);
      sendJson(res, 202, { planId: made.id, applyId: apply.id, status: apply.status, follow: `/v1/applies/${apply.id}` });
    },
  };
}

/**
 * The plan's name marks what it creates (`pumphouse-plan=<name>`): Nova takes tags of at most 60
 * characters, so a long one (a tenant's 32-hex id) is cut and kept unique by a digest of it.
 */
export function planName(wanted: string): string {
  const clean = wanted.replace(/[^A-Za-z0-9._-]+/g, '_');
  if (clean.length <= MAX_PLAN_NAME) return clean;
  return `${clean.slice(0, MAX_PLAN_NAME - 9)}-${createHash('sha256').update(clean).digest('hex').slice(0, 8)}`;
}

const MAX_PLAN_NAME = 60 - 'pumphouse-plan='.length;

/** The original's end event follows the apply's end, whatever ended it. */
function watchEnd(ctx: RouteContext, applyId: string): void {
  const timer = setInterval(() => {
    const hub = ctx.original;
    if (!hub || hub.applyId !== applyId || settle(ctx, hub)) clearInterval(timer);
  }, 200);
  timer.unref();
}

/** Closes the running action once its apply has ended (at once, not at the watcher's next tick); true when none runs now. */
function settle(ctx: RouteContext, hub: OriginalHub): boolean {
  if (!hub.applyId) return !hub.busy;
  const apply = ctx.work.allApplies().find((a) => a.id === hub.applyId);
  if (apply?.status === 'running') return false;
  if (!apply) hub.end('error', 'the apply is no longer known');
  else hub.end(apply.status, apply.error?.message ?? (apply.report?.counts.failed ? `${apply.report.counts.failed} step(s) failed` : undefined));
  return true;
}
