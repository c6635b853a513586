import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { shippedPath } from '../engine/files.js';
import type { PumphouseConfig } from '../config/load.js';
import type { Engine } from '../engine/index.js';
import type { EventJournal } from './events.js';
import { PumphouseError, quoted } from '../errors.js';
import { API_CODES, decodePathPart, readBody, readJson, sendJson } from './http.js';
import type { ApiWork } from './work.js';
import type { OriginalHub } from './original/hub.js';

/**
 * The API's routes under /v1 (schemas/openapi.yaml describes each; a test keeps the two the same).
 * A route is a method, a path pattern with `{param}` segments, and a handler.
 */
export interface RouteContext {
  config: PumphouseConfig;
  /** Every route reaches the engine through its facade, and only through it. */
  engine: Engine;
  statePath: string;
  work: ApiWork;
  journal: EventJournal;
  /** The original API's events (its Socket.IO bus and the translation of ours). */
  original?: OriginalHub;
  /** The default `spec.maps` of the plans the original API's actions make (`serve --maps-from`). */
  maps?: Record<string, unknown>;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** OpenAPI-style: /v1/plans/{id}. */
  path: string;
  handle(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, params: Record<string, string>, url: URL): Promise<void> | void;
}

const PLAN_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

export const ROUTES: Route[] = [
  {
    method: 'GET', path: '/v1/clouds',
    async handle(ctx, _req, res) {
      sendJson(res, 200, { clouds: await ctx.engine.clouds('both') });
    },
  },
  {
    method: 'GET', path: '/v1/inventory/{cloud}',
    async handle(ctx, _req, res, params) {
      const which = params['cloud'];
      if (which !== 'source' && which !== 'target') throw new PumphouseError(API_CODES.notFound, `no cloud ${quoted(String(which))}`, { hint: 'use /v1/inventory/source or /v1/inventory/target' });
      const [inventory] = await ctx.engine.discover(which);
      sendJson(res, 200, inventory);
    },
  },
  {
    method: 'GET', path: '/v1/hosts',
    async handle(ctx, _req, res, _params, url) {
      sendJson(res, 200, await ctx.engine.hosts({ check: url.searchParams.get('check') === 'true' }));
    },
  },
  {
    method: 'POST', path: '/v1/plans',
    async handle(ctx, req, res) {
      const made = await ctx.work.createPlan(await readBody(req, PLAN_TYPES));
      sendJson(res, 201, { id: made.id, createdAt: made.createdAt, plan: made.plan });
    },
  },
  {
    method: 'GET', path: '/v1/plans/{id}',
    handle(ctx, _req, res, params) {
      const made = ctx.work.plan(params['id'] ?? '');
      sendJson(res, 200, { id: made.id, createdAt: made.createdAt, plan: made.plan });
    },
  },
  {
    method: 'POST', path: '/v1/applies',
    async handle(ctx, req, res) {
      const body = await readJson(req);
      if (typeof body['planId'] !== 'string') throw new PumphouseError(API_CODES.badRequest, 'the body needs "planId": the id POST /v1/plans answered');
      sendJson(res, 202, await ctx.work.startApply(body['planId']));
    },
  },
  {
    method: 'GET', path: '/v1/applies',
    handle(ctx, _req, res) {
      sendJson(res, 200, { applies: ctx.work.allApplies() });
    },
  },
  {
    method: 'GET', path: '/v1/applies/{id}',
    handle(ctx, _req, res, params) {
      sendJson(res, 200, ctx.work.apply(params['id'] ?? ''));
    },
  },
  {
    method: 'POST', path: '/v1/applies/{id}/cancel',
    handle(ctx, _req, res, params) {
      sendJson(res, 202, ctx.work.cancel(params['id'] ?? ''));
    },
  },
  {
    method: 'GET', path: '/v1/state',
    async handle(ctx, _req, res) {
      const state = await ctx.engine.stateRead(ctx.statePath);
      if (!state) throw new PumphouseError(API_CODES.notFound, `no state file at ${ctx.statePath} yet`, { hint: 'it is written by the first apply' });
      sendJson(res, 200, state);
    },
  },
  {
    method: 'GET', path: '/v1/openapi.yaml',
    handle(_ctx, _req, res) {
      const body = readFileSync(shippedPath('schemas', 'openapi.yaml'));
      res.writeHead(200, { 'content-type': 'application/yaml; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-cache' });
      res.end(body);
    },
  },
  {
    method: 'GET', path: '/v1/events',
    handle(ctx, req, res, _params, url) {
      ctx.journal.stream(req, res, url);
    },
  },
];

/** The route for a method and path, with its parameters; 404 or 405 otherwise. */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): { route: Route; params: Record<string, string> } {
  const segments = pathname.replace(/\/+$/, '').split('/');
  let pathKnown = false;
  for (const route of routes) {
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = pattern.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part.startsWith('{') && part.endsWith('}')) {
        if (segment === '') return false;
        params[part.slice(1, -1)] = decodePathPart(segment);
        return true;
      }
      return part === segment;
    });
    if (!fits) continue;
    pathKnown = true;
    if (route.method === method) return { route, params };
  }
  if (pathKnown) throw new PumphouseError(API_CODES.methodNotAllowed, `${quoted(method)} is not allowed on ${quoted(pathname)}`);
  throw new PumphouseError(API_CODES.notFound, `no route ${quoted(method)} ${quoted(pathname)}`, { hint: 'the routes are in schemas/openapi.yaml' });
}
