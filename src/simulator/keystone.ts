/**
 * Keystone v3 (identity) under `/identity`: version documents, token issue (password, token,
 * application_credential), token validation, the catalog, and read-only listings of domains,
 * projects, users, roles, role assignments, services, endpoints and regions.
 *
 * Policy is a simplification of Zed's defaults: a token holding the `admin` role may read
 * everything; other tokens may read their own user, their own projects, their token and the
 * regions, and get 403 with Keystone's body for cloud-wide listings.
 */
import { randomUUID } from 'node:crypto';
import { Router, json, header, queryFlag, type SimRequest, type SimResponse } from './http.js';
import { IdFactory, isoMicrosZ } from './ids.js';
import type { ServiceApi, ServiceContext } from './service.js';
import { DEFAULT_DOMAIN_ID, type AssignmentScope, type CloudStore, type Domain, type Project, type User, type Role, type RoleAssignment, isImmutableRole } from './store.js';
import type { AuthContext, Token, TokenScope } from './tokens.js';

/** The services published in the catalog, with their paths on the cloud's single port. */
const CATALOG: { type: string; name: string; path: string }[] = [
  { type: 'identity', name: 'keystone', path: '/identity' },
  { type: 'compute', name: 'nova', path: '/compute/v2.1' },
  { type: 'image', name: 'glance', path: '/image' },
  { type: 'network', name: 'neutron', path: '/network' },
  // Devstack registers Cinder twice; clients look for either type.
  { type: 'block-storage', name: 'cinder', path: '/volume/v3/%(project_id)s' },
  { type: 'volumev3', name: 'cinderv3', path: '/volume/v3/%(project_id)s' },
];
const INTERFACES = ['public', 'internal', 'admin'] as const;

type Ctx = ServiceContext;

function keystoneError(status: number, message: string): SimResponse {
  const titles: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 503: 'Service Unavailable' };
  return json(status, { error: { code: status, message, title: titles[status] ?? 'Error' } });
}

function unauthorized(ctx: Ctx): SimResponse {
  const res = keystoneError(401, 'The request you have made requires authentication.');
  res.headers = { 'www-authenticate': `Keystone uri="${ctx.origin()}/identity/v3"` };
  return res;
}

function forbidden(action: string): SimResponse {
  return keystoneError(403, `You are not authorized to perform the requested action: identity:${action}.`);
}

function notFound(kind: string, id: string): SimResponse {
  return keystoneError(404, `Could not find ${kind}: ${id}.`);
}

const ids = (ctx: Ctx): IdFactory => new IdFactory(`catalog:${ctx.store.meta.name}`);

function versionDoc(ctx: Ctx): unknown {
  return {
    id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${ctx.origin()}/identity/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

// ---- renderers -----------------------------------------------------------------------------

const self = (ctx: Ctx, path: string): { self: string } => ({ self: `${ctx.origin()}/identity/v3/${path}` });
const listLinks = (req: SimRequest, ctx: Ctx): unknown => ({
  next: null, previous: null, self: `${ctx.origin()}/identity${req.path}${req.query.size ? `?${req.query}` : ''}`,
});

function renderDomain(ctx: Ctx, d: Domain): unknown {
  return { id: d.id, name: d.name, description: d.description, enabled: d.enabled, tags: [], options: {}, links: self(ctx, `domains/${d.id}`) };
}

function renderProject(ctx: Ctx, p: Project): unknown {
  return {
    id: p.id, name: p.name, domain_id: p.domainId, description: p.description, enabled: p.enabled,
    parent_id: p.parentId, is_domain: false, tags: p.tags, options: {}, links: self(ctx, `projects/${p.id}`),
  };
}

function renderUser(ctx: Ctx, u: User): unknown {
  return {
    ...(u.email !== undefined ? { email: u.email } : {}), id: u.id, name: u.name, domain_id: u.domainId, enabled: u.enabled,
    ...(u.defaultProjectId !== undefined ? { default_project_id: u.defaultProjectId } : {}),
    ...(u.description !== undefined ? { description: u.description } : {}),
    password_expires_at: null, options: {}, links: self(ctx, `users/${u.id}`),
  };
}

function renderRole(ctx: Ctx, r: Role): unknown {
  return { id: r.id, name: r.name, domain_id: null, description: r.description ?? null, options: isImmutableRole(r) ? { immutable: true } : {}, links: self(ctx, `roles/${r.id}`) };
}

function domainRef(store: CloudStore, domainId: string): { id: string; name: string } {
  return { id: domainId, name: store.domains.get(domainId)?.name ?? domainId };
}

function renderAssignment(ctx: Ctx, a: RoleAssignment, names: boolean): unknown {
  const { store } = ctx;
  const user = store.users.get(a.userId);
  const role = store.roles.get(a.roleId);
  const scopePath = 'projectId' in a.scope ? `projects/${a.scope.projectId}` : `domains/${a.scope.domainId}`;
  let scope: unknown;
  if ('projectId' in a.scope) {
    const project = store.projects.get(a.scope.projectId);
    scope = { project: names && project ? { id: project.id, name: project.name, domain: domainRef(store, project.domainId) } : { id: a.scope.projectId } };
  } else {
    scope = { domain: names ? domainRef(store, a.scope.domainId) : { id: a.scope.domainId } };
  }
  return {
    links: { assignment: `${ctx.origin()}/identity/v3/${scopePath}/users/${a.userId}/roles/${a.roleId}` },
    scope,
    user: names && user ? { id: user.id, name: user.name, domain: domainRef(store, user.domainId) } : { id: a.userId },
    role: names && role ? { id: role.id, name: role.name } : { id: a.roleId },
  };
}

function endpointUrl(ctx: Ctx, path: string): string {
  return `${ctx.origin()}${path}`;
}

/** The token's catalog: endpoints needing a project id are left out of non-project tokens, as Keystone does. */
function renderCatalog(ctx: Ctx, projectId: string | undefined): unknown[] {
  const f = ids(ctx);
  return CATALOG.map((svc) => ({
    endpoints: INTERFACES.flatMap((iface) => {
      if (svc.path.includes('%(project_id)s') && projectId === undefined) return [];
      return [{
        id: f.hex32(`endpoint:${svc.name}:${iface}`), interface: iface, region_id: ctx.store.meta.region,
        url: endpointUrl(ctx, svc.path.replace('%(project_id)s', projectId ?? '')), region: ctx.store.meta.region,
      }];
    }),
    id: f.hex32(`service:${svc.name}`), type: svc.type, name: svc.name,
  }));
}

function renderToken(ctx: Ctx, token: Token): unknown {
  const { store } = ctx;
  const user = store.users.get(token.userId);
  const body: Record<string, unknown> = {
    methods: token.methods,
    user: { domain: domainRef(store, user?.domainId ?? ''), id: token.userId, name: user?.name ?? '', password_expires_at: null },
    audit_ids: [token.auditId],
    expires_at: isoMicrosZ(token.expiresAt),
    issued_at: isoMicrosZ(token.issuedAt),
  };
  if (token.scope) {
    if ('projectId' in token.scope) {
      const project = store.projects.get(token.scope.projectId);
      body['project'] = { domain: domainRef(store, project?.domainId ?? ''), id: token.scope.projectId, name: project?.name ?? '' };
      body['is_domain'] = false;
    } else {
      body['domain'] = domainRef(store, token.scope.domainId);
    }
    body['roles'] = token.roleIds.map((id) => ({ id, name: store.roles.get(id)?.name ?? '' }));
    body['catalog'] = renderCatalog(ctx, 'projectId' in token.scope ? token.scope.projectId : undefined);
  }
  if (token.applicationCredentialId) {
    const cred = store.applicationCredentials.get(token.applicationCredentialId);
    body['application_credential'] = { id: token.applicationCredentialId, name: cred?.name ?? '', restricted: !(cred?.unrestricted ?? false) };
  }
  return { token: body };
}

// ---- token issue -----------------------------------------------------------------------------

type Issue = { ok: true; userId: string; methods: string[]; expiresAt?: number; appCredId?: string; fixedScope?: TokenScope; roleIds?: string[] } | { ok: false; res: SimResponse };

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function resolveDomain(store: CloudStore, ref: unknown): string | undefined {
  const d = obj(ref);
  if (!d) return undefined;
  if (str(d['id'])) return store.domains.get(d['id'] as string)?.id;
  if (str(d['name'])) return store.domainByName(d['name'] as string)?.id;
  return undefined;
}

function resolveUser(store: CloudStore, ref: unknown): User | undefined {
  const u = obj(ref);
  if (!u) return undefined;
  if (str(u['id'])) return store.users.get(u['id'] as string);
  const domainId = resolveDomain(store, u['domain']);
  return str(u['name']) && domainId ? store.userByName(u['name'] as string, domainId) : undefined;
}

function identify(ctx: Ctx, identity: Record<string, unknown>): Issue {
  const { store } = ctx;
  const methods = Array.isArray(identity['methods']) ? identity['methods'].filter((m): m is string => typeof m === 'string') : [];
  const fail = { ok: false as const, res: unauthorized(ctx) };
  if (methods.length === 0) return { ok: false, res: keystoneError(400, "Invalid input for field 'identity/methods': [] is too short") };
  const method = methods[0];
  if (method === 'password') {
    const user = resolveUser(store, obj(identity['password'])?.['user']);
    const password = obj(obj(identity['password'])?.['user'])?.['password'];
    if (!user || !user.enabled || typeof password !== 'string' || password !== user.password) return fail;
    return { ok: true, userId: user.id, methods: ['password'] };
  }
  if (method === 'token') {
    const found = ctx.tokens.lookup(str(obj(identity['token'])?.['id']));
    if (!found.ok) return fail;
    // Re-scoping keeps the original expiry, as Keystone does; an app-credential token may not re-scope.
    if (found.token.applicationCredentialId) return fail;
    return { ok: true, userId: found.token.userId, methods: [...new Set([...found.token.methods, 'token'])], expiresAt: found.token.expiresAt };
  }
  if (method === 'application_credential') {
    const ref = obj(identity['application_credential']) ?? {};
    let cred = str(ref['id']) ? store.applicationCredentials.get(ref['id'] as string) : undefined;
    if (!cred && str(ref['name'])) {
      const user = resolveUser(store, ref['user']);
      cred = user ? store.applicationCredentials.by('user', user.id).find((c) => c.name === ref['name']) : undefined;
    }
    if (!cred || cred.secret !== ref['secret'] || (cred.expiresAt !== null && cred.expiresAt <= Date.now())) return fail;
    return { ok: true, userId: cred.userId, methods: ['application_credential'], appCredId: cred.id, fixedScope: { projectId: cred.projectId }, roleIds: cred.roleIds };
  }
  return { ok: false, res: keystoneError(401, `Attempted to authenticate with an unsupported method.`) };
}

function resolveScope(ctx: Ctx, user: User, scope: unknown): TokenScope | 'invalid' {
  const { store } = ctx;
  if (scope === undefined) {
    // No scope: Keystone scopes to the default project when the user has a role there.
    const p = user.defaultProjectId;
    return p && store.roleIdsOn(user.id, { projectId: p }).length > 0 ? { projectId: p } : null;
  }
  if (scope === 'unscoped') return null;
  const s = obj(scope);
  const project = obj(s?.['project']);
  if (project) {
    let found: Project | undefined;
    if (str(project['id'])) found = store.projects.get(project['id'] as string);
    else {
      const domainId = resolveDomain(store, project['domain']);
      found = str(project['name']) && domainId ? store.projectByName(project['name'] as string, domainId) : undefined;
    }
    return found ? { projectId: found.id } : 'invalid';
  }
  if (s?.['domain'] !== undefined) {
    const domainId = resolveDomain(store, s['domain']);
    return domainId ? { domainId } : 'invalid';
  }
  return 'invalid';
}

function issueToken(req: SimRequest, ctx: Ctx): SimResponse {
  const auth = obj(obj(req.body)?.['auth']);
  const identity = obj(auth?.['identity']);
  if (!auth || !identity) return keystoneError(400, "Invalid input for field 'auth': 'identity' is a required property");
  const who = identify(ctx, identity);
  if (!who.ok) return who.res;
  const user = ctx.store.users.get(who.userId);
  if (!user) return unauthorized(ctx);
  let scope: TokenScope | 'invalid';
  if (who.fixedScope !== undefined) scope = auth['scope'] === undefined ? who.fixedScope : 'invalid';
  else scope = resolveScope(ctx, user, auth['scope']);
  if (scope === 'invalid') return unauthorized(ctx);
  let roleIds: string[] = [];
  if (scope) {
    const held = ctx.store.roleIdsOn(user.id, scope);
    roleIds = who.roleIds ? who.roleIds.filter((r) => held.includes(r)) : held;
    if (roleIds.length === 0) return unauthorized(ctx);
  }
  const token = ctx.tokens.issue({
    userId: user.id, scope, roleIds, methods: who.methods, ttlSeconds: ctx.faults.current.tokenTtlSeconds,
    ...(who.expiresAt !== undefined ? { expiresAt: who.expiresAt } : {}),
    ...(who.appCredId !== undefined ? { applicationCredentialId: who.appCredId } : {}),
  });
  const body = renderToken(ctx, token);
  if (queryFlag(req, 'nocatalog')) delete (body as { token: Record<string, unknown> }).token['catalog'];
  return json(201, body, { 'x-subject-token': token.id, vary: 'X-Auth-Token' });
}

// ---- authenticated reads ---------------------------------------------------------------------

type Authed = (req: SimRequest, ctx: Ctx, caller: AuthContext) => SimResponse;

/** Wraps a handler that needs a valid token; `adminAction` names the policy a non-admin fails. */
function authed(handler: Authed, adminAction?: string): (req: SimRequest, ctx: Ctx) => SimResponse {
  return (req, ctx) => {
    const caller = ctx.tokens.authenticate(header(req, 'x-auth-token'));
    if (!caller) return unauthorized(ctx);
    if (adminAction && !caller.isAdmin) return forbidden(adminAction);
    return handler(req, ctx, caller);
  };
}

function filterByQuery<T>(req: SimRequest, rows: T[], fields: Record<string, (row: T) => unknown>): T[] {
  let out = rows;
  for (const [param, get] of Object.entries(fields)) {
    const want = req.query.get(param);
    if (want !== null) out = out.filter((row) => String(get(row)) === (want === 'True' ? 'true' : want === 'False' ? 'false' : want));
  }
  return out;
}

function validateToken(req: SimRequest, ctx: Ctx, caller: AuthContext): SimResponse {
  const subject = header(req, 'x-subject-token');
  const found = ctx.tokens.lookup(subject);
  if (!found.ok) return keystoneError(404, 'Could not recognize Fernet token');
  // A non-admin may validate only its own tokens.
  if (!caller.isAdmin && found.token.userId !== caller.token.userId) return forbidden('validate_token');
  const body = renderToken(ctx, found.token);
  if (queryFlag(req, 'nocatalog')) delete (body as { token: Record<string, unknown> }).token['catalog'];
  return json(200, body, { 'x-subject-token': found.token.id });
}

function listRoleAssignments(req: SimRequest, ctx: Ctx): SimResponse {
  const q = req.query;
  const userId = q.get('user.id');
  let rows = userId ? [...ctx.store.roleAssignments.by('user', userId)] : ctx.store.roleAssignments.all();
  const projectId = q.get('scope.project.id');
  if (projectId) rows = rows.filter((a) => 'projectId' in a.scope && a.scope.projectId === projectId);
  const domainId = q.get('scope.domain.id');
  if (domainId) rows = rows.filter((a) => 'domainId' in a.scope && a.scope.domainId === domainId);
  const roleId = q.get('role.id');
  if (roleId) rows = rows.filter((a) => a.roleId === roleId);
  const names = queryFlag(req, 'include_names');
  return json(200, { role_assignments: rows.map((a) => renderAssignment(ctx, a, names)), links: listLinks(req, ctx) });
}

function renderService(ctx: Ctx, svc: (typeof CATALOG)[number]): unknown {
  const id = ids(ctx).hex32(`service:${svc.name}`);
  return { name: svc.name, id, type: svc.type, enabled: true, links: self(ctx, `services/${id}`) };
}

function listEndpoints(req: SimRequest, ctx: Ctx): SimResponse {
  const f = ids(ctx);
  const endpoints = CATALOG.flatMap((svc) => INTERFACES.map((iface) => {
    const id = f.hex32(`endpoint:${svc.name}:${iface}`);
    return {
      id, interface: iface, region_id: ctx.store.meta.region, service_id: f.hex32(`service:${svc.name}`),
      url: endpointUrl(ctx, svc.path), enabled: true, region: ctx.store.meta.region, links: self(ctx, `endpoints/${id}`),
    };
  }));
  const filtered = endpoints.filter((e) => (req.query.get('interface') ?? e.interface) === e.interface
    && (req.query.get('service_id') ?? e.service_id) === e.service_id
    && (req.query.get('region_id') ?? e.region_id) === e.region_id);
  return json(200, { endpoints: filtered, links: listLinks(req, ctx) });
}

function buildRouter(): Router<Ctx> {
  const r = new Router<Ctx>();
  const versions = (_req: SimRequest, ctx: Ctx): SimResponse =>
    json(300, { versions: { values: [versionDoc(ctx)] } }, { location: `${ctx.origin()}/identity/v3/` });
  r.get('/', versions);
  r.get('/v3', (_req, ctx) => json(200, { version: versionDoc(ctx) }));
  r.add('POST', '/v3/auth/tokens', issueToken);
  r.get('/v3/auth/tokens', authed(validateToken));
  r.get('/v3/auth/catalog', authed((req, ctx, c) => json(200, { catalog: renderCatalog(ctx, c.projectId), links: listLinks(req, ctx) })));
  r.get('/v3/auth/projects', authed((req, ctx, c) => json(200, {
    projects: ctx.store.projectsOfUser(c.token.userId).map((p) => renderProject(ctx, p)), links: listLinks(req, ctx),
  })));
  r.get('/v3/auth/domains', authed((req, ctx, c) => {
    const ids = new Set(ctx.store.roleAssignments.by('user', c.token.userId).flatMap((a) => ('domainId' in a.scope ? [a.scope.domainId] : [])));
    const domains = [...ids].map((id) => ctx.store.domains.get(id)).filter((d): d is Domain => d !== undefined);
    return json(200, { domains: domains.map((d) => renderDomain(ctx, d)), links: listLinks(req, ctx) });
  }));
  r.get('/v3/domains', authed((req, ctx) => json(200, {
    domains: filterByQuery(req, ctx.store.domains.all(), { name: (d) => d.name, enabled: (d) => d.enabled }).map((d) => renderDomain(ctx, d)),
    links: listLinks(req, ctx),
  }), 'list_domains'));
  r.get('/v3/domains/:id', authed((req, ctx, c) => {
    const d = ctx.store.domains.get(req.params['id'] ?? '') ?? ctx.store.domainByName(req.params['id'] ?? '');
    const own = ctx.store.users.get(c.token.userId)?.domainId;
    if (!c.isAdmin && d?.id !== own) return forbidden('get_domain');
    return d ? json(200, { domain: renderDomain(ctx, d) }) : notFound('domain', req.params['id'] ?? '');
  }));
  r.get('/v3/projects', authed((req, ctx) => json(200, {
    projects: filterByQuery(req, ctx.store.projects.all(), {
      name: (p) => p.name, domain_id: (p) => p.domainId, enabled: (p) => p.enabled, parent_id: (p) => p.parentId,
    }).filter((p) => { const tag = req.query.get('tags'); return tag === null || tag.split(',').every((t) => p.tags.includes(t)); })
      .map((p) => renderProject(ctx, p)),
    links: listLinks(req, ctx),
  }), 'list_projects'));
  r.get('/v3/projects/:id', authed((req, ctx, c) => {
    const p = ctx.store.projects.get(req.params['id'] ?? '');
    if (!p) return c.isAdmin ? notFound('project', req.params['id'] ?? '') : forbidden('get_project');
    if (!c.isAdmin && ctx.store.roleIdsOn(c.token.userId, { projectId: p.id }).length === 0) return forbidden('get_project');
    return json(200, { project: renderProject(ctx, p) });
  }));
  r.get('/v3/users', authed((req, ctx) => json(200, {
    users: filterByQuery(req, ctx.store.users.all(), { name: (u) => u.name, domain_id: (u) => u.domainId, enabled: (u) => u.enabled })
      .map((u) => renderUser(ctx, u)),
    links: listLinks(req, ctx),
  }), 'list_users'));
  r.get('/v3/users/:id', authed((req, ctx, c) => {
    const id = req.params['id'] ?? '';
    if (!c.isAdmin && id !== c.token.userId) return forbidden('get_user');
    const u = ctx.store.users.get(id);
    return u ? json(200, { user: renderUser(ctx, u) }) : notFound('user', id);
  }));
  r.get('/v3/users/:id/projects', authed((req, ctx, c) => {
    const id = req.params['id'] ?? '';
    if (!c.isAdmin && id !== c.token.userId) return forbidden('list_user_projects');
    if (!ctx.store.users.get(id)) return notFound('user', id);
    return json(200, { projects: ctx.store.projectsOfUser(id).map((p) => renderProject(ctx, p)), links: listLinks(req, ctx) });
  }));
  r.get('/v3/roles', authed((req, ctx) => json(200, {
    roles: filterByQuery(req, ctx.store.roles.all(), { name: (role) => role.name }).map((role) => renderRole(ctx, role)),
    links: listLinks(req, ctx),
  }), 'list_roles'));
  r.get('/v3/roles/:id', authed((req, ctx) => {
    const role = ctx.store.roles.get(req.params['id'] ?? '');
    return role ? json(200, { role: renderRole(ctx, role) }) : notFound('role', req.params['id'] ?? '');
  }, 'get_role'));
  r.get('/v3/role_assignments', authed((req, ctx) => listRoleAssignments(req, ctx), 'list_role_assignments'));
  r.get('/v3/services', authed((req, ctx) => json(200, {
    services: CATALOG.filter((s) => (req.query.get('type') ?? s.type) === s.type).map((s) => renderService(ctx, s)), links: listLinks(req, ctx),
  }), 'list_services'));
  r.get('/v3/endpoints', authed(listEndpoints, 'list_endpoints'));
  r.get('/v3/regions', authed((req, ctx) => json(200, {
    regions: [{ id: ctx.store.meta.region, description: '', parent_region_id: null, links: self(ctx, `regions/${ctx.store.meta.region}`) }],
    links: listLinks(req, ctx),
  })));
  addWrites(r);
  return r;
}

// ---- writes (admin) ----------------------------------------------------------------------------

const newId = (): string => randomUUID().replace(/-/g, '');
const conflict = (message: string): SimResponse => keystoneError(409, message);
const badRequest = (message: string): SimResponse => keystoneError(400, message);

/** Keystone keeps any default project id, even an unknown one, but not a domain's. */
function defaultProjectRefusal(ctx: Ctx, id: unknown): SimResponse | undefined {
  return typeof id === 'string' && ctx.store.domains.get(id) ? badRequest(`User's default project ID cannot be a domain ID: ${id}`) : undefined;
}

/** Keystone's create/update/delete of domains, projects, users, roles and grants (see SPEC.md). */
function addWrites(r: Router<Ctx>): void {
  r.add('POST', '/v3/domains', authed((req, ctx) => {
    const body = obj(obj(req.body)?.['domain']);
    const name = str(body?.['name']);
    if (!body || !name) return badRequest("Invalid input for field 'domain': 'name' is a required property");
    if (ctx.store.domainByName(name)) return conflict(`Conflict occurred attempting to store domain - Duplicate entry found with name ${name}.`);
    const domain = ctx.store.domains.insert({ id: newId(), name, description: str(body['description']) ?? '', enabled: body['enabled'] !== false });
    return json(201, { domain: renderDomain(ctx, domain) });
  }, 'create_domain'));

  r.add('PATCH', '/v3/domains/:id', authed((req, ctx) => {
    const domain = ctx.store.domains.get(req.params['id'] ?? '');
    if (!domain) return notFound('domain', req.params['id'] ?? '');
    const body = obj(obj(req.body)?.['domain']) ?? {};
    ctx.store.domains.update(domain, (d) => {
      if (typeof body['description'] === 'string') d.description = body['description'];
      if (typeof body['enabled'] === 'boolean') d.enabled = body['enabled'];
    });
    return json(200, { domain: renderDomain(ctx, domain) });
  }, 'update_domain'));

  r.add('POST', '/v3/projects', authed((req, ctx) => {
    const body = obj(obj(req.body)?.['project']);
    const name = str(body?.['name']);
    if (!body || !name) return badRequest("Invalid input for field 'project': 'name' is a required property");
    const domainId = str(body['domain_id']) ?? DEFAULT_DOMAIN_ID;
    if (!ctx.store.domains.get(domainId)) return notFound('domain', domainId);
    if (ctx.store.projectByName(name, domainId)) {
      return conflict(`Conflict occurred attempting to store project - it is not permitted to have two projects with the same name in the same domain : ${name}.`);
    }
    const tags = Array.isArray(body['tags']) ? (body['tags'] as unknown[]).map(String) : [];
    const project = ctx.store.projects.insert({
      id: newId(), name, domainId, description: str(body['description']) ?? '', enabled: body['enabled'] !== false, tags,
      parentId: str(body['parent_id']) ?? domainId,
    });
    return json(201, { project: renderProject(ctx, project) });
  }, 'create_project'));
  r.add('PATCH', '/v3/projects/:id', authed((req, ctx) => {
    const project = ctx.store.projects.get(req.params['id'] ?? '');
    if (!project) return notFound('project', req.params['id'] ?? '');
    const body = obj(obj(req.body)?.['project']) ?? {};
    ctx.store.projects.update(project, (p) => {
      if (typeof body['name'] === 'string') p.name = body['name'];
      if (typeof body['description'] === 'string') p.description = body['description'];
      if (typeof body['enabled'] === 'boolean') p.enabled = body['enabled'];
      if (Array.isArray(body['tags'])) p.tags = (body['tags'] as unknown[]).map(String);
    });
    return json(200, { project: renderProject(ctx, project) });
  }, 'update_project'));
  r.add('PUT', '/v3/projects/:id/tags/:tag', authed((req, ctx) => {
    const project = ctx.store.projects.get(req.params['id'] ?? '');
    if (!project) return notFound('project', req.params['id'] ?? '');
    const tag = req.params['tag'] ?? '';
    if (!project.tags.includes(tag)) project.tags.push(tag);
    return json(201, { tags: project.tags });
  }, 'create_project_tag'));
  r.add('DELETE', '/v3/projects/:id', authed((req, ctx) => {
    const id = req.params['id'] ?? '';
    if (!ctx.store.projects.get(id)) return notFound('project', id);
    ctx.store.projects.delete(id);
    for (const a of ctx.store.roleAssignments.by('project', id)) ctx.store.roleAssignments.delete(a.id);
    return { status: 204 };
  }, 'delete_project'));

  r.add('POST', '/v3/users', authed((req, ctx) => {
    const body = obj(obj(req.body)?.['user']);
    const name = str(body?.['name']);
    if (!body || !name) return badRequest("Invalid input for field 'user': 'name' is a required property");
    const domainId = str(body['domain_id']) ?? DEFAULT_DOMAIN_ID;
    if (!ctx.store.domains.get(domainId)) return notFound('domain', domainId);
    if (ctx.store.userByName(name, domainId)) return conflict(`Conflict occurred attempting to store user - Duplicate entry found with name ${name} at domain ID ${domainId}.`);
    const domainAsProject = defaultProjectRefusal(ctx, body['default_project_id']);
    if (domainAsProject) return domainAsProject;
    const user = ctx.store.users.insert({
      id: newId(), name, domainId, enabled: body['enabled'] !== false, email: str(body['email']), description: str(body['description']),
      defaultProjectId: str(body['default_project_id']),
      // No password: nobody can log in as this user until one is set (Keystone does the same).
      password: str(body['password']) ?? `!no-password-${randomUUID()}`,
    });
    return json(201, { user: renderUser(ctx, user) });
  }, 'create_user'));
  r.add('PATCH', '/v3/users/:id', authed((req, ctx) => {
    const user = ctx.store.users.get(req.params['id'] ?? '');
    if (!user) return notFound('user', req.params['id'] ?? '');
    const body = obj(obj(req.body)?.['user']) ?? {};
    const domainAsProject = defaultProjectRefusal(ctx, body['default_project_id']);
    if (domainAsProject) return domainAsProject;
    const name = str(body['name']);
    if (name !== undefined && name !== user.name && ctx.store.userByName(name, user.domainId)) {
      return conflict(`Conflict occurred attempting to store user - Duplicate entry found with name ${name} at domain ID ${user.domainId}.`);
    }
    ctx.store.users.update(user, (u) => {
      if (name !== undefined) u.name = name;
      if (typeof body['enabled'] === 'boolean') u.enabled = body['enabled'];
      // Keystone keeps an unknown default project (it only refuses a domain), and null clears it.
      if ('default_project_id' in body) u.defaultProjectId = str(body['default_project_id']);
      if (typeof body['email'] === 'string') u.email = body['email'];
      else if (body['email'] === null) delete u.email;
      if (typeof body['description'] === 'string') u.description = body['description'];
      if (typeof body['password'] === 'string') u.password = body['password'];
      if (typeof body['default_project_id'] === 'string') u.defaultProjectId = body['default_project_id'];
      else if (body['default_project_id'] === null) delete u.defaultProjectId;
    });
    return json(200, { user: renderUser(ctx, user) });
  }, 'update_user'));
  r.add('DELETE', '/v3/users/:id', authed((req, ctx) => {
    const id = req.params['id'] ?? '';
    if (!ctx.store.users.get(id)) return notFound('user', id);
    ctx.store.users.delete(id);
    return { status: 204 };
  }, 'delete_user'));

  r.add('POST', '/v3/roles', authed((req, ctx) => {
    const name = str(obj(obj(req.body)?.['role'])?.['name']);
    if (!name) return badRequest("Invalid input for field 'role': 'name' is a required property");
    if (ctx.store.roles.by('name', name).length > 0) return conflict(`Conflict occurred attempting to store role - Duplicate entry found with name ${name}.`);
    const description = str(obj(obj(req.body)?.['role'])?.['description']);
    return json(201, { role: renderRole(ctx, ctx.store.roles.insert({ id: newId(), name, ...(description !== undefined ? { description } : {}) })) });
  }, 'create_role'));
  r.add('PATCH', '/v3/roles/:id', authed((req, ctx) => {
    const role = ctx.store.roles.get(req.params['id'] ?? '');
    if (!role) return notFound('role', req.params['id'] ?? '');
    const body = obj(obj(req.body)?.['role']) ?? {};
    const immutable = obj(body['options'])?.['immutable'];
    // Keystone changes an immutable role only in a request that also lifts the option.
    if (isImmutableRole(role) && immutable !== false) {
      return keystoneError(403, `Unable to update immutable role resource: \`${role.id}. Set resource option "immutable" to false first.`);
    }
    ctx.store.roles.update(role, (x) => {
      if (typeof body['description'] === 'string' || body['description'] === null) x.description = body['description'] as string | null;
      if (typeof immutable === 'boolean') x.immutable = immutable;
    });
    return json(200, { role: renderRole(ctx, role) });
  }, 'update_role'));

  // Grants: PUT (idempotent), HEAD/GET (204 or 404), DELETE, on a project or a domain.
  for (const scopeKind of ['projects', 'domains'] as const) {
    const path = `/v3/${scopeKind}/:scope/users/:user/roles/:role`;
    const resolve = (req: SimRequest, ctx: Ctx): { scope: AssignmentScope; userId: string; roleId: string } | SimResponse => {
      const scopeId = req.params['scope'] ?? '';
      const userId = req.params['user'] ?? '';
      const roleId = req.params['role'] ?? '';
      if (scopeKind === 'projects' ? !ctx.store.projects.get(scopeId) : !ctx.store.domains.get(scopeId)) return notFound(scopeKind === 'projects' ? 'project' : 'domain', scopeId);
      if (!ctx.store.users.get(userId)) return notFound('user', userId);
      if (!ctx.store.roles.get(roleId)) return notFound('role', roleId);
      return { scope: scopeKind === 'projects' ? { projectId: scopeId } : { domainId: scopeId }, userId, roleId };
    };
    const existing = (ctx: Ctx, g: { scope: AssignmentScope; userId: string; roleId: string }) =>
      ctx.store.roleAssignments.by('user', g.userId).find((a) => a.roleId === g.roleId && JSON.stringify(a.scope) === JSON.stringify(g.scope));
    r.add('PUT', path, authed((req, ctx) => {
      const g = resolve(req, ctx);
      if ('status' in g) return g;
      if (!existing(ctx, g)) ctx.store.roleAssignments.insert({ id: newId(), userId: g.userId, roleId: g.roleId, scope: g.scope });
      return { status: 204 };
    }, 'create_grant'));
    const check = authed((req, ctx) => {
      const g = resolve(req, ctx);
      if ('status' in g) return g;
      return existing(ctx, g) ? { status: 204 } : keystoneError(404, `Could not find role assignment with role: ${g.roleId}, user or group: ${g.userId}, project, domain, or system: ${JSON.stringify(g.scope)}.`);
    }, 'check_grant');
    r.add('HEAD', path, check);
    r.add('GET', path, check);
    r.add('DELETE', path, authed((req, ctx) => {
      const g = resolve(req, ctx);
      if ('status' in g) return g;
      const a = existing(ctx, g);
      if (!a) return keystoneError(404, `Could not find role assignment with role: ${g.roleId}.`);
      ctx.store.roleAssignments.delete(a.id);
      return { status: 204 };
    }, 'revoke_grant'));
  }
}

const router = buildRouter();

export const keystone: ServiceApi = {
  name: 'identity',
  prefix: '/identity',
  async handle(req, ctx) {
    const m = router.match(req.method, req.path);
    if (m.kind === 'found') return m.handler({ ...req, params: m.params }, ctx);
    if (m.kind === 'method-not-allowed') return keystoneError(405, 'The method is not allowed for the requested URL.');
    return keystoneError(404, 'The resource could not be found.');
  },
  error: (_req, status, message) => keystoneError(status, message),
  requestIdHeaders: (id) => ({ 'x-openstack-request-id': id, vary: 'X-Auth-Token' }),
};
