import type { GranularAction } from '../engine/index.js';
import { granularPlanText } from '../engine/granular.js';
import { codedMessage, PumphouseError } from '../errors.js';
import { API_CODES, sendJson } from './http.js';
import { originalDocument } from './original/resources.js';
import { canReset, resetCloud } from './original/sandbox-reset.js';
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
      const [[source, target], reset] = await Promise.all([ctx.engine.discover('both'), canReset([ctx.config.source, ctx.config.target])]);
      sendJson(res, 200, originalDocument(source!, target!, reset));
    },
  },
  {
    method: 'POST', path: '/reset',
    async handle(ctx, _req, res) {
      if (!(await canReset([ctx.config.source, ctx.config.target]))) {
        throw new PumphouseError(API_CODES.notFound, 'there is nothing to reset: the clouds are not a `pumphouse sandbox`', { hint: 'POST /reset resets the sandbox\'s simulated clouds only' });
      }
      const running = ctx.work.allApplies().find((a) => a.status === 'running');
      if (running) throw new PumphouseError(API_CODES.busy, `apply ${running.id} is running on these clouds`, { hint: `wait for it (GET /v1/applies/${running.id}) or cancel it, then reset` });
      await ctx.engine.stateSetAside(ctx.statePath);
      sendJson(res, 201, {});
      const hub = ctx.original;
      hub?.emit('reset start', {});
      for (const [cloud, config] of [['source', ctx.config.source], ['destination', ctx.config.target]] as const) {
        void resetCloud(config)
          .catch((error: unknown) => hub?.emit('log', { level: 'error', message: `Reset of the ${cloud} cloud failed: ${codedMessage(error)}` }))
          .then(() => hub?.emit('reset completed', { cloud }));
      }
    },
  },
  action('POST', '/tenants/{id}', 'tenant', (id, maps) => ({ action: 'migrate', kind: 'project', names: [id], strategy: 'rebuild', ...maps })),
  action('POST', '/servers/{id}', 'server', (id, maps) => ({ action: 'migrate', kind: 'server', names: [id], strategy: 'rebuild', ...maps })),
  action('POST', '/hosts/{id}', 'evacuation', (id) => ({ action: 'evacuate', hosts: [id] })),
  action('DELETE', '/hosts/{id}', 'reassignment', (id) => ({ action: 'upgrade', hosts: [id] })),
];

type Maps = { maps?: { networks?: Record<string, string>; volumeTypes?: Record<string, string> } };

/**
 * A route that makes the engine's plan of a granular action (as the CLI's `migrate …`,
 * `evacuate`, `upgrade` do), servers rebuilt from their images as the original's default
 * `provision_server: image` did, with serve's default maps, and applies it at once.
 */
function action(method: Route['method'], path: string, kind: OriginalIntentKind, granular: (id: string, maps: Maps) => GranularAction): Route {
  return {
    method, path,
    async handle(ctx: RouteContext, _req, res, params) {
      const id = params['id'] ?? '';
      if (ctx.original) settle(ctx, ctx.original);
      if (ctx.original?.busy) throw new PumphouseError(API_CODES.busy, 'another action of the original API is running', { hint: 'wait for its end event (action null), then try again' });
      const plan = await ctx.engine.granularPlan(granular(id, mapsOf(ctx.maps)));
      const text = granularPlanText(plan);
      const [made, source] = await Promise.all([ctx.work.createPlan(text), ctx.original ? ctx.engine.discover('source') : []]);
      ctx.original?.begin({ kind, id }, made.plan, source[0]?.resources ?? []);
      let apply: ApiApply;
      try {
        apply = await ctx.work.startApply(made.id);
      } catch (error) {
        ctx.original?.end('error', codedMessage(error));
        throw error;
      }
      if (ctx.original) ctx.original.applyId = apply.id;
      watchEnd(ctx, apply.id);
      sendJson(res, 202, { planId: made.id, applyId: apply.id, status: apply.status, follow: `/v1/applies/${apply.id}` });
    },
  };
}

/** serve's default maps, in the form a granular action takes (external networks and volume types). */
function mapsOf(maps: RouteContext['maps']): Maps {
  if (!maps) return {};
  const pick = (key: string) => (maps[key] && typeof maps[key] === 'object' ? (maps[key] as Record<string, string>) : undefined);
  const networks = pick('networks');
  const volumeTypes = pick('volumeTypes');
  return networks || volumeTypes ? { maps: { ...(networks ? { networks } : {}), ...(volumeTypes ? { volumeTypes } : {}) } } : {};
}

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

