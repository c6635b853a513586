/**
 * Neutron (networking API v2.0) under `/network`, read side: networks, subnets, ports, routers,
 * floating IPs, security groups and rules, quotas, extensions, availability zones.
 *
 * Every collection supports Neutron's generic query model: equality filters on any rendered
 * attribute (repeat a parameter to OR values), `fields` projection, and native pagination
 * (`limit`, `marker`, `page_reverse`, `<collection>_links` with rel next/previous). Filters that
 * an index can answer (project, network, device) narrow the walk first, so paging stays cheap.
 */
import { Router, json, queryLimit, linkWith, type SimRequest, type SimResponse } from './http.js';
import { isoSeconds } from './ids.js';
import { addNeutronUpdates } from './neutron-updates.js';
import { addNeutronWrites } from './neutron-writes.js';
import { callerOf, middlewareUnauthorized, type ServiceApi, type ServiceContext } from './service.js';
import type { CloudStore, FloatingIp, Network, Port, Router as NeutronRouter, SecurityGroup, SecurityGroupRule, Subnet } from './store.js';
import type { Table } from './table.js';
import type { AuthContext } from './tokens.js';

interface Call { req: SimRequest; ctx: ServiceContext; caller: AuthContext; store: CloudStore }

export function neutronError(status: number, type: string, message: string): SimResponse {
  return json(status, { NeutronError: { type, message, detail: '' } });
}

const HTTP_TYPES: Record<number, string> = { 400: 'HTTPBadRequest', 403: 'HTTPForbidden', 404: 'HTTPNotFound', 405: 'HTTPMethodNotAllowed', 409: 'HTTPConflict', 500: 'HTTPInternalServerError', 503: 'HTTPServiceUnavailable' };

/** Neutron's standard attributes, stamped on every resource. */
function standard(createdAt: number, projectId: string, tags: string[]): Record<string, unknown> {
  return { tags: [...tags], created_at: isoSeconds(createdAt), updated_at: isoSeconds(createdAt), revision_number: 1, project_id: projectId };
}

// ---- renderers -------------------------------------------------------------------------------

function renderNetwork(call: Call, n: Network): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: n.id, name: n.name, tenant_id: n.projectId, admin_state_up: n.adminStateUp, mtu: n.mtu, status: n.status,
    subnets: call.store.subnets.by('network', n.id).map((s) => s.id), shared: n.shared,
    availability_zone_hints: [...n.availabilityZoneHints], availability_zones: [...n.availabilityZoneHints],
    ipv4_address_scope: null, ipv6_address_scope: null, 'router:external': n.external, description: n.description,
    port_security_enabled: n.portSecurityEnabled, ...standard(n.createdAt, n.projectId, n.tags),
  };
  // Provider attributes are admin-only in Neutron's default policy.
  if (call.caller.isAdmin) {
    Object.assign(body, { 'provider:network_type': n.providerNetworkType, 'provider:physical_network': n.providerPhysicalNetwork, 'provider:segmentation_id': n.providerSegmentationId });
  }
  return body;
}

function renderSubnet(_call: Call, s: Subnet): Record<string, unknown> {
  return {
    id: s.id, name: s.name, tenant_id: s.projectId, network_id: s.networkId, ip_version: s.ipVersion, subnetpool_id: null,
    enable_dhcp: s.enableDhcp, ipv6_ra_mode: null, ipv6_address_mode: null, gateway_ip: s.gatewayIp, cidr: s.cidr,
    allocation_pools: s.allocationPools.map((p) => ({ ...p })), host_routes: s.hostRoutes.map((r) => ({ ...r })),
    dns_nameservers: [...s.dnsNameservers], description: s.description, service_types: [], ...standard(s.createdAt, s.projectId, s.tags),
  };
}

function renderPort(call: Call, p: Port): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: p.id, name: p.name, network_id: p.networkId, tenant_id: p.projectId, mac_address: p.macAddress, admin_state_up: p.adminStateUp,
    status: p.status, device_id: p.deviceId, device_owner: p.deviceOwner,
    fixed_ips: p.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })),
    allowed_address_pairs: (p.allowedAddressPairs ?? []).map((x) => ({ ip_address: x.ipAddress, mac_address: x.macAddress })), extra_dhcp_opts: [], security_groups: [...p.securityGroupIds], description: p.description,
    port_security_enabled: p.portSecurityEnabled, qos_policy_id: null, qos_network_policy_id: null, ...standard(p.createdAt, p.projectId, p.tags),
  };
  if (call.caller.isAdmin) {
    Object.assign(body, {
      'binding:host_id': p.bindingHostId, 'binding:profile': {}, 'binding:vif_details': p.bindingHostId ? { port_filter: true, connectivity: 'l2' } : {},
      'binding:vif_type': p.bindingHostId ? 'ovs' : 'unbound', 'binding:vnic_type': 'normal',
    });
  }
  return body;
}

function renderRouter(call: Call, r: NeutronRouter): Record<string, unknown> {
  const gw = r.externalGateway;
  return {
    id: r.id, name: r.name, tenant_id: r.projectId, admin_state_up: r.adminStateUp, status: r.status,
    external_gateway_info: gw ? { network_id: gw.networkId, external_fixed_ips: gw.externalFixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })), enable_snat: gw.enableSnat } : null,
    description: r.description, availability_zones: [...(r.availabilityZoneHints ?? [])], availability_zone_hints: [...(r.availabilityZoneHints ?? [])], routes: r.routes.map((x) => ({ ...x })), flavor_id: null,
    ...(call.caller.isAdmin ? { distributed: false, ha: false } : {}), ...standard(r.createdAt, r.projectId, r.tags),
  };
}

function renderFloatingIp(call: Call, f: FloatingIp): Record<string, unknown> {
  const port = f.portId ? call.store.ports.get(f.portId) : undefined;
  return {
    id: f.id, tenant_id: f.projectId, floating_ip_address: f.floatingIpAddress, floating_network_id: f.floatingNetworkId,
    router_id: f.routerId, port_id: f.portId, fixed_ip_address: f.fixedIpAddress, status: f.status, description: f.description,
    port_details: port ? { name: port.name, network_id: port.networkId, mac_address: port.macAddress, admin_state_up: port.adminStateUp, status: port.status, device_id: port.deviceId, device_owner: port.deviceOwner } : null,
    port_forwardings: [], ...standard(f.createdAt, f.projectId, f.tags),
  };
}

function renderRule(_call: Call, r: SecurityGroupRule): Record<string, unknown> {
  return {
    id: r.id, tenant_id: r.projectId, security_group_id: r.securityGroupId, ethertype: r.ethertype, direction: r.direction,
    protocol: r.protocol, port_range_min: r.portRangeMin, port_range_max: r.portRangeMax, remote_ip_prefix: r.remoteIpPrefix,
    remote_address_group_id: null, normalized_cidr: r.remoteIpPrefix, remote_group_id: r.remoteGroupId, description: r.description,
    ...standard(r.createdAt, r.projectId, []),
  };
}

function renderSecurityGroup(call: Call, g: SecurityGroup): Record<string, unknown> {
  return {
    id: g.id, name: g.name, stateful: g.stateful, tenant_id: g.projectId, description: g.description, shared: false,
    security_group_rules: call.store.securityGroupRules.by('group', g.id).map((r) => renderRule(call, r)), ...standard(g.createdAt, g.projectId, g.tags),
  };
}

// ---- generic collections ---------------------------------------------------------------------

interface Collection<T extends { id: string }> {
  /** URL and body key, e.g. `security-groups` / `security_groups`. */
  path: string; plural: string; singular: string;
  table: (s: CloudStore) => Table<T>;
  render: (call: Call, row: T) => Record<string, unknown>;
  /** Non-admin visibility (admins see everything). */
  visible: (call: Call, row: T) => boolean;
  /** Query parameter → index that answers it exactly. */
  indexed: Record<string, string>;
  notFound: (id: string) => SimResponse;
}

const own = (call: Call, row: { projectId: string }): boolean => row.projectId === call.caller.projectId;
const projectIndexes = { project_id: 'project', tenant_id: 'project' };

const COLLECTIONS: Collection<never>[] = [
  {
    path: 'networks', plural: 'networks', singular: 'network', table: (s) => s.networks, render: renderNetwork,
    visible: (c, n: Network) => own(c, n) || n.shared || n.external, indexed: projectIndexes,
    notFound: (id) => neutronError(404, 'NetworkNotFound', `Network ${id} could not be found.`),
  } satisfies Collection<Network>,
  {
    path: 'subnets', plural: 'subnets', singular: 'subnet', table: (s) => s.subnets, render: renderSubnet,
    visible: (c, s: Subnet) => { const n = c.store.networks.get(s.networkId); return own(c, s) || (n !== undefined && (n.shared || n.external)); },
    indexed: { ...projectIndexes, network_id: 'network' },
    notFound: (id) => neutronError(404, 'SubnetNotFound', `Subnet ${id} could not be found.`),
  } satisfies Collection<Subnet>,
  {
    path: 'ports', plural: 'ports', singular: 'port', table: (s) => s.ports, render: renderPort, visible: own,
    indexed: { ...projectIndexes, network_id: 'network', device_id: 'device' },
    notFound: (id) => neutronError(404, 'PortNotFound', `Port ${id} could not be found.`),
  } satisfies Collection<Port>,
  {
    path: 'routers', plural: 'routers', singular: 'router', table: (s) => s.routers, render: renderRouter, visible: own, indexed: projectIndexes,
    notFound: (id) => neutronError(404, 'RouterNotFound', `Router ${id} could not be found`),
  } satisfies Collection<NeutronRouter>,
  {
    path: 'floatingips', plural: 'floatingips', singular: 'floatingip', table: (s) => s.floatingIps, render: renderFloatingIp, visible: own,
    indexed: { ...projectIndexes, port_id: 'port' },
    notFound: (id) => neutronError(404, 'FloatingIPNotFound', `Floating IP ${id} could not be found`),
  } satisfies Collection<FloatingIp>,
  {
    path: 'security-groups', plural: 'security_groups', singular: 'security_group', table: (s) => s.securityGroups, render: renderSecurityGroup,
    visible: own, indexed: projectIndexes,
    notFound: (id) => neutronError(404, 'SecurityGroupNotFound', `Security group ${id} does not exist`),
  } satisfies Collection<SecurityGroup>,
  {
    path: 'security-group-rules', plural: 'security_group_rules', singular: 'security_group_rule', table: (s) => s.securityGroupRules,
    render: renderRule, visible: own, indexed: { ...projectIndexes, security_group_id: 'group' },
    notFound: (id) => neutronError(404, 'SecurityGroupRuleNotFound', `Security group rule ${id} does not exist`),
  } satisfies Collection<SecurityGroupRule>,
] as unknown as Collection<never>[];

/** Query parameters that steer the listing rather than filter it. */
const CONTROL_PARAMS = new Set(['fields', 'limit', 'marker', 'page_reverse', 'sort_key', 'sort_dir']);

/** Neutron equality on a rendered attribute; `fixed_ips=ip_address=…` and tag filters are special. */
function matchesFilter(body: Record<string, unknown>, key: string, wanted: string[]): boolean {
  if (key === 'fixed_ips') {
    const ips = (body['fixed_ips'] as { subnet_id: string; ip_address: string }[] | undefined) ?? [];
    return wanted.every((w) => {
      const [k, v] = w.split('=', 2);
      return ips.some((ip) => (k === 'subnet_id' ? ip.subnet_id === v : k === 'ip_address' ? ip.ip_address === v : k === 'ip_address_substr' ? ip.ip_address.includes(v ?? '') : false));
    });
  }
  const tags = (body['tags'] as string[] | undefined) ?? [];
  if (key === 'tags') return wanted.flatMap((w) => w.split(',')).every((t) => tags.includes(t));
  if (key === 'tags-any') return wanted.flatMap((w) => w.split(',')).some((t) => tags.includes(t));
  if (key === 'not-tags') return !wanted.flatMap((w) => w.split(',')).every((t) => tags.includes(t));
  if (key === 'not-tags-any') return !wanted.flatMap((w) => w.split(',')).some((t) => tags.includes(t));
  if (!(key in body)) return true; // unknown attributes are ignored here (see SPEC.md)
  const value = body[key];
  if (Array.isArray(value)) return wanted.some((w) => value.includes(w));
  const text = value === null ? '' : String(value);
  return wanted.some((w) => (typeof value === 'boolean' ? w.toLowerCase() === text : w === text));
}

function project(body: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  if (fields.length === 0) return body;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in body) out[f] = body[f];
  return out;
}

function listCollection(col: Collection<{ id: string; projectId: string }>, call: Call): SimResponse {
  const { req, store } = call;
  const table = col.table(store);
  const limit = queryLimit(req);
  if (limit === null) return neutronError(400, 'BadRequest', `Bad limit request: Limit must be an integer 0 or greater and not '${req.query.get('limit')}'.`);
  const filters = new Map<string, string[]>();
  for (const key of new Set(req.query.keys())) if (!CONTROL_PARAMS.has(key)) filters.set(key, req.query.getAll(key));
  // Start from an index when a single-valued filter can use one.
  let source: readonly { id: string; projectId: string }[] | undefined;
  for (const [param, index] of Object.entries(col.indexed)) {
    const values = filters.get(param);
    if (values?.length === 1 && values[0] !== undefined) {
      source = table.by(index, values[0]);
      break;
    }
  }
  const fields = req.query.getAll('fields').flatMap((f) => f.split(',')).filter((f) => f !== '');
  const rendered = new Map<string, Record<string, unknown>>();
  // Tag filters are answered from the row itself, before the (costlier) render.
  const tagFilters = [...filters].filter(([k]) => k === 'tags' || k === 'tags-any' || k === 'not-tags' || k === 'not-tags-any');
  const filter = (row: { id: string; projectId: string }): boolean => {
    if (!call.caller.isAdmin && !col.visible(call, row)) return false;
    if (filters.size === 0) return true;
    const tags = (row as { tags?: string[] }).tags;
    if (tags && !tagFilters.every(([k, v]) => matchesFilter({ tags }, k, v))) return false;
    const body = col.render(call, row);
    if (![...filters].every(([k, v]) => matchesFilter(body, k, v))) return false;
    rendered.set(row.id, body);
    return true;
  };
  const reverse = (req.query.get('page_reverse') ?? '').toLowerCase() === 'true';
  const size = limit === undefined || limit === 0 ? Number.MAX_SAFE_INTEGER : limit;
  const page = table.page({ marker: req.query.get('marker') ?? undefined, limit: size, filter, reverse }, source);
  if (!page.ok) return neutronError(404, `${col.singular.replace(/(^|_)(\w)/g, (_m, _u, c: string) => c.toUpperCase())}NotFound`, `Marker ${req.query.get('marker')} could not be found.`);
  const items = page.items.map((row) => project(rendered.get(row.id) ?? col.render(call, row), fields));
  const body: Record<string, unknown> = { [col.plural]: items };
  if (size !== Number.MAX_SAFE_INTEGER) body[`${col.plural}_links`] = pageLinks(req, page.items, page.more, reverse, size);
  return json(200, body);
}

/**
 * Neutron's links: `next` when more rows follow (walking forward), `previous` always, pointing
 * before the first row of the page (or, on an empty page, at the marker-less reverse listing).
 */
function pageLinks(req: SimRequest, items: { id: string }[], more: boolean, reverse: boolean, limit: number): unknown[] {
  const first = items[0]?.id;
  const last = items[items.length - 1]?.id;
  const links: unknown[] = [];
  const forwardMore = reverse ? req.query.get('marker') !== null : more;
  const backwardMore = reverse ? more : true;
  if (forwardMore && last !== undefined) links.push({ rel: 'next', href: linkWith(req, { limit: String(limit), marker: last, page_reverse: undefined }) });
  if (backwardMore) links.push({ rel: 'previous', href: linkWith(req, { limit: String(limit), marker: first, page_reverse: 'True' }) });
  return links;
}

function showResource(col: Collection<{ id: string; projectId: string }>, call: Call): SimResponse {
  const id = call.req.params['id'] ?? '';
  const row = col.table(call.store).get(id);
  if (!row || (!call.caller.isAdmin && !col.visible(call, row))) return col.notFound(id);
  const fields = call.req.query.getAll('fields').flatMap((f) => f.split(','));
  return json(200, { [col.singular]: project(col.render(call, row), fields.filter((f) => f !== '')) });
}

// ---- quotas and extensions ---------------------------------------------------------------------

function quota(kind: 'show' | 'details' | 'default'): (call: Call) => SimResponse {
  return (call) => {
    const projectId = call.req.params['project'] ?? '';
    if (!call.caller.isAdmin && projectId !== call.caller.projectId) {
      return neutronError(403, 'HTTPForbidden', 'Non-admin is not authorized to access quotas for another project');
    }
    if (kind === 'default') return json(200, { quota: { ...call.store.quotaDefaults.network } });
    const limits = call.store.quotaFor('network', projectId);
    if (kind === 'show') return json(200, { quota: limits });
    const used = call.store.quotaUsage('network', projectId);
    return json(200, { quota: Object.fromEntries(Object.entries(limits).map(([k, limit]) => [k, { used: used[k] ?? 0, limit, reserved: 0 }])) });
  };
}

/** The extensions a Zed ML2/OVS Neutron announces (from the testbed), which clients probe. */
const EXTENSIONS: [alias: string, name: string][] = [
  ['address-scope', 'Address scope'], ['agent', 'agent'], ['allowed-address-pairs', 'Allowed Address Pairs'],
  ['availability_zone', 'Availability Zone'], ['availability_zone_filter', 'Availability Zone Filter Extension'],
  ['binding', 'Port Binding'], ['binding-extended', 'Port Bindings Extended'], ['default-subnetpools', 'Default Subnetpools'],
  ['dvr', 'Distributed Virtual Router'], ['empty-string-filtering', 'Empty String Filtering Extension'], ['external-net', 'Neutron external network'],
  ['extra_dhcp_opt', 'Neutron Extra DHCP options'], ['extraroute', 'Neutron Extra Route'], ['ext-gw-mode', 'Neutron L3 Configurable external gateway mode'],
  ['filter-validation', 'Filter parameters validation'], ['fip-port-details', 'Floating IP Port Details Extension'],
  ['floatingip-pools', 'Floating IP Pools Extension'], ['ip-substring-filtering', 'IP address substring filtering'], ['l3-ha', 'HA Router extension'],
  ['multi-provider', 'Multi Provider Network'], ['net-mtu', 'Network MTU'], ['net-mtu-writable', 'Network MTU (writable)'],
  ['network_availability_zone', 'Network Availability Zone'], ['network-ip-availability', 'Network IP Availability'], ['pagination', 'Pagination support'],
  ['port-security', 'Port Security'], ['project-id', 'project_id field enabled'], ['provider', 'Provider Network'], ['quotas', 'Quota management support'],
  ['quota_details', 'Quota details management support'], ['rbac-policies', 'RBAC Policies'], ['router', 'Neutron L3 Router'],
  ['router_availability_zone', 'Router Availability Zone'], ['security-group', 'security-group'], ['security-groups-normalized-cidr', 'Normalized CIDR field for security group rules'],
  ['security-groups-remote-address-group', 'Remote address group id field for security group rules'], ['sorting', 'Sorting support'],
  ['standard-attr-description', 'standard-attr-description'], ['standard-attr-revisions', 'Resource revision numbers'],
  ['standard-attr-tag', 'Tag support for resources with standard attribute'], ['standard-attr-timestamp', 'Resource timestamps'],
  ['stateful-security-group', 'Stateful security group'], ['subnet_allocation', 'Subnet Allocation'], ['subnet-service-types', 'Subnet service types'],
];

function renderExtension([alias, name]: [string, string]): unknown {
  return { name, alias, description: name, updated: '2013-01-01T10:00:00-00:00', links: [] };
}

// ---- routing -----------------------------------------------------------------------------------

function buildRouter(): Router<Call> {
  const r = new Router<Call>();
  for (const col of COLLECTIONS as unknown as Collection<{ id: string; projectId: string }>[]) {
    r.get(`/v2.0/${col.path}`, (_req, c) => listCollection(col, c));
    r.get(`/v2.0/${col.path}/:id`, (_req, c) => showResource(col, c));
  }
  r.get('/v2.0', (_req, c) => json(200, {
    resources: COLLECTIONS.map((col) => ({ name: col.singular, collection: col.plural, links: [{ rel: 'self', href: `${c.ctx.origin()}/network/v2.0/${col.path}` }] })),
  }));
  r.get('/v2.0/quotas', (_req, c) => (c.caller.isAdmin
    ? json(200, { quotas: [...c.store.quotas.entries()].filter(([, q]) => q.network).map(([id]) => ({ ...c.store.quotaFor('network', id), project_id: id, tenant_id: id })) })
    : neutronError(403, 'HTTPForbidden', 'Only admin can view or configure quota')));
  r.get('/v2.0/quotas/:project', (_req, c) => quota('show')(c));
  r.get('/v2.0/quotas/:project/details', (_req, c) => quota('details')(c));
  r.get('/v2.0/quotas/:project/default', (_req, c) => quota('default')(c));
  r.get('/v2.0/extensions', () => json(200, { extensions: EXTENSIONS.map(renderExtension) }));
  r.get('/v2.0/extensions/:alias', (req) => {
    const ext = EXTENSIONS.find(([alias]) => alias === req.params['alias']);
    return ext ? json(200, { extension: renderExtension(ext) }) : neutronError(404, 'HTTPNotFound', `Extension with alias ${req.params['alias']} does not exist`);
  });
  const renderers = {
    network: renderNetwork, subnet: renderSubnet, port: renderPort, router: renderRouter, floatingIp: renderFloatingIp,
    securityGroup: renderSecurityGroup, rule: renderRule, error: neutronError,
  };
  addNeutronWrites(r, renderers);
  addNeutronUpdates(r, renderers);
  r.get('/v2.0/availability_zones', (_req, c) => {
    const zones = new Set<string>();
    for (const n of c.store.networks.all()) for (const z of n.availabilityZoneHints) zones.add(z);
    return json(200, { availability_zones: [...zones].flatMap((name) => ['network', 'router'].map((resource) => ({ name, resource, state: 'available' }))) });
  });
  return r;
}

const router = buildRouter();

export const neutron: ServiceApi = {
  name: 'network',
  prefix: '/network',
  async handle(req, ctx) {
    // Neutron accepts a `.json` suffix on every resource path (python-neutronclient used it).
    const path = req.path.replace(/\.json$/, '');
    if (path.replace(/\/+$/, '') === '') {
      return json(200, { versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${ctx.origin()}/network/v2.0/` }] }] });
    }
    const caller = callerOf(req, ctx);
    if (!caller) return middlewareUnauthorized(ctx);
    const m = router.match(req.method, path);
    if (m.kind === 'not-found') return neutronError(404, 'HTTPNotFound', 'The resource could not be found.');
    if (m.kind === 'method-not-allowed') return neutronError(405, 'HTTPMethodNotAllowed', 'The method is not allowed for the requested URL.');
    const call: Call = { req: { ...req, path, params: m.params }, ctx, caller, store: ctx.store };
    return m.handler(call.req, call);
  },
  error: (_req, status, message) => neutronError(status, HTTP_TYPES[status] ?? 'HTTPInternalServerError', message),
  requestIdHeaders: (id) => ({ 'x-openstack-request-id': id }),
};
