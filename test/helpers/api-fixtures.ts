/**
 * Recording of raw API responses as test fixtures (test/fixtures/api/<source>/<kind>.json): for
 * each kind Pumphouse migrates, a handful of objects exactly as the API returns them (the inner
 * object of `{"flavor": {...}}`), read with Pumphouse's own client so the microversions and
 * headers are the ones discovery uses. test/real/record-api-fixtures.ts is the command.
 */
import { collectAll, Pager, type Cloud, type PagingStyle, type QueryParams, type ServiceClient } from '../../src/openstack/index.js';

export type Raw = Record<string, unknown>;
export type FixtureSource = 'zed' | 'sandbox';

/** One file: `{"kind", "source", "responses": {"<responseName>": [raw objects]}}`. */
export interface ApiFixture {
  kind: string;
  source: FixtureSource;
  responses: Record<string, Raw[]>;
}

/** How many objects a response keeps. */
export const PER_RESPONSE = 5;

export interface RecordContext {
  cloud: Cloud;
  /** The objects to prefer (the kitchen-sink ones), by name. */
  prefer: RegExp;
  /** Ids of the projects whose name `prefer` matches: their objects are preferred too. */
  preferredProjects: Set<string>;
}

type Recorder = (ctx: RecordContext) => Promise<Record<string, Raw[]>>;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Every item of a listing, raw. */
function listRaw(client: ServiceClient, path: string, key: string, style: PagingStyle, query: QueryParams = {}): Promise<Raw[]> {
  return collectAll(new Pager<Raw>(client, path, { key, style, query }));
}

/** GET of one object; `key` unwraps `{"<key>": {...}}` (glance answers bare objects). */
async function show(client: ServiceClient, path: string, key?: string, query?: QueryParams): Promise<Raw> {
  const body = await client.get<Raw>(path, query ? { query } : {});
  return key ? (body[key] as Raw) : body;
}

/** The project an object belongs to, under the names the services use. */
function projectOf(item: Raw): string {
  const scope = item['scope'] as { project?: { id?: string } } | undefined;
  return str(item['project_id']) || str(item['tenant_id']) || str(item['owner']) || str(item['os-vol-tenant-attr:tenant_id'])
    || str(item['os-extended-snapshot-attributes:project_id']) || str(scope?.project?.id);
}

/**
 * Up to PER_RESPONSE items: the preferred ones (by name, or by project) first, then by `rank`
 * (lower first), then by name, so a re-recording of an unchanged cloud picks the same objects.
 */
export function choose<T extends Raw>(ctx: Pick<RecordContext, 'prefer' | 'preferredProjects'>, items: T[], nameOf: (item: T) => string, rank: (item: T) => number = () => 0): T[] {
  const preferred = (item: T): number => (ctx.prefer.test(nameOf(item)) || ctx.preferredProjects.has(projectOf(item)) ? 0 : 1);
  return [...items]
    .sort((a, b) => preferred(a) - preferred(b) || rank(a) - rank(b) || nameOf(a).localeCompare(nameOf(b)) || str(a['id']).localeCompare(str(b['id'])))
    .slice(0, PER_RESPONSE);
}

const byName = (item: Raw): string => str(item['name']);

/** A listed kind recorded by GET of each chosen object. */
function listThenShow(service: (c: Cloud) => Promise<ServiceClient>, response: string, list: { path: string; key: string; style: PagingStyle; query?: QueryParams }, showPath: string, showKey?: string, nameOf = byName): Recorder {
  return async (ctx) => {
    const client = await service(ctx.cloud);
    const chosen = choose(ctx, await listRaw(client, list.path, list.key, list.style, list.query), nameOf);
    return { [response]: await Promise.all(chosen.map((item) => show(client, `${showPath}/${encodeURIComponent(str(item['id']))}`, showKey))) };
  };
}

const identity = (c: Cloud) => c.identity();
const compute = (c: Cloud) => c.compute();
const image = (c: Cloud) => c.image();
const network = (c: Cloud) => c.network();
const volume = (c: Cloud) => c.blockStorage();

/** A Neutron kind: `GET /<collection>` then `GET /<collection>/{id}`. */
function neutron(collection: string, singular: string, nameOf = byName): Recorder {
  return listThenShow(network, singular, { path: collection, key: collection.replace(/-/g, '_'), style: 'links' }, collection, singular, nameOf);
}

const assignmentName = (a: Raw): string => {
  const names = (x: unknown) => str((x as { name?: string } | undefined)?.name);
  const scope = a['scope'] as { project?: unknown; domain?: unknown } | undefined;
  return `${names(a['user']) || names(a['group'])}@${names(scope?.project) || names(scope?.domain)}:${names(a['role'])}`;
};

async function recordFlavors(ctx: RecordContext): Promise<Record<string, Raw[]>> {
  const client = await ctx.cloud.compute();
  // Private flavors first: they are the ones with an access list.
  const listed = await listRaw(client, 'flavors/detail', 'flavors', 'links', { is_public: 'None' });
  const chosen = choose(ctx, listed, byName, (f) => (f['os-flavor-access:is_public'] === false ? 0 : 1));
  const flavors = await Promise.all(chosen.map((f) => show(client, `flavors/${encodeURIComponent(str(f['id']))}`, 'flavor')));
  // extra_specs[i] belongs to flavor[i] (the object has no id of its own).
  const extraSpecs = await Promise.all(flavors.map((f) => show(client, `flavors/${encodeURIComponent(str(f['id']))}/os-extra_specs`, 'extra_specs')));
  const access = await Promise.all(flavors.filter((f) => f['os-flavor-access:is_public'] === false)
    .map((f) => listRaw(client, `flavors/${encodeURIComponent(str(f['id']))}/os-flavor-access`, 'flavor_access', 'single')));
  return { flavor: flavors, flavor_access: access.flat().slice(0, PER_RESPONSE * 2), extra_specs: extraSpecs };
}

/** Keypairs are per user: the preferred users' first, each read back with GET ?user_id=. */
async function recordKeypairs(ctx: RecordContext): Promise<Record<string, Raw[]>> {
  const [keystone, nova] = await Promise.all([ctx.cloud.identity(), ctx.cloud.compute()]);
  const users = (await listRaw(keystone, 'users', 'users', 'single'))
    .sort((a, b) => Number(!ctx.prefer.test(byName(a))) - Number(!ctx.prefer.test(byName(b))) || byName(a).localeCompare(byName(b)));
  const found: Raw[] = [];
  for (const user of users) {
    if (found.length >= PER_RESPONSE) break;
    const userId = str(user['id']);
    const pairs = (await listRaw(nova, 'os-keypairs', 'keypairs', 'single', { user_id: userId })).map((k) => k['keypair'] as Raw);
    for (const pair of pairs.slice(0, PER_RESPONSE - found.length)) {
      found.push(await show(nova, `os-keypairs/${encodeURIComponent(str(pair['name']))}`, 'keypair', { user_id: userId }));
    }
  }
  return { keypair: found };
}

async function recordImages(ctx: RecordContext): Promise<Record<string, Raw[]>> {
  const client = await ctx.cloud.image();
  const listed = await listRaw(client, 'images', 'images', 'glance', { visibility: 'all' });
  // Shared images first (they have members), then kernel/ramdisk references.
  const rank = (i: Raw) => (i['visibility'] === 'shared' ? 0 : i['kernel_id'] || ['aki', 'ari'].includes(str(i['disk_format'])) ? 1 : 2);
  const images = await Promise.all(choose(ctx, listed, byName, rank).map((i) => show(client, `images/${encodeURIComponent(str(i['id']))}`)));
  const members = await Promise.all(images.filter((i) => i['visibility'] === 'shared')
    .map((i) => listRaw(client, `images/${encodeURIComponent(str(i['id']))}/members`, 'members', 'single')));
  return { image: images, member: members.flat().slice(0, PER_RESPONSE) };
}

async function recordSecurityGroups(ctx: RecordContext): Promise<Record<string, Raw[]>> {
  const client = await ctx.cloud.network();
  const groups = choose(ctx, await listRaw(client, 'security-groups', 'security_groups', 'links'), byName);
  const shown = await Promise.all(groups.map((g) => show(client, `security-groups/${encodeURIComponent(str(g['id']))}`, 'security_group')));
  // The rules of the recorded groups: the preferred groups' first, those naming another group or a CIDR first.
  const groupName = new Map(shown.map((g) => [str(g['id']), byName(g)]));
  const rules = shown.flatMap((g) => (g['security_group_rules'] as Raw[] | undefined) ?? []);
  const rank = (r: Raw) => (r['remote_group_id'] ? 0 : r['remote_ip_prefix'] ? 1 : 2);
  const chosen = choose({ prefer: ctx.prefer, preferredProjects: new Set() }, rules, (r) => groupName.get(str(r['security_group_id'])) ?? '', rank);
  const ruleObjects = await Promise.all(chosen.map((r) => show(client, `security-group-rules/${encodeURIComponent(str(r['id']))}`, 'security_group_rule')));
  return { security_group: shown, security_group_rule: ruleObjects };
}

async function recordServers(ctx: RecordContext): Promise<Record<string, Raw[]>> {
  const client = await ctx.cloud.compute();
  const listed = await listRaw(client, 'servers/detail', 'servers', 'links', { all_tenants: 1 });
  const servers = await Promise.all(choose(ctx, listed, byName).map((s) => show(client, `servers/${encodeURIComponent(str(s['id']))}`, 'server')));
  const interfaces = await Promise.all(servers.map((s) => listRaw(client, `servers/${encodeURIComponent(str(s['id']))}/os-interface`, 'interfaceAttachments', 'single')));
  return { server: servers, interface_attachment: interfaces.flat().slice(0, PER_RESPONSE) };
}

async function recordQuotas(ctx: RecordContext): Promise<Record<string, Raw[]>> {
  const keystone = await ctx.cloud.identity();
  const projects = choose(ctx, await listRaw(keystone, 'projects', 'projects', 'single'), byName);
  const [nova, neutronClient, cinder] = await Promise.all([ctx.cloud.compute(), ctx.cloud.network(), ctx.cloud.blockStorage()]);
  const each = (client: ServiceClient, path: string, key: string) => Promise.all(projects.map((p) => show(client, `${path}/${encodeURIComponent(str(p['id']))}`, key)));
  const [computeQuota, networkQuota, volumeQuota] = await Promise.all([
    each(nova, 'os-quota-sets', 'quota_set'), each(neutronClient, 'quotas', 'quota'), each(cinder, 'os-quota-sets', 'quota_set'),
  ]);
  return { compute_quota_set: computeQuota, network_quota: networkQuota, volume_quota_set: volumeQuota };
}

/** Every migrated kind, in RESOURCE_KINDS order, with its response names. */
export const RECORDERS: ReadonlyArray<readonly [kind: string, record: Recorder]> = [
  ['domain', listThenShow(identity, 'domain', { path: 'domains', key: 'domains', style: 'single' }, 'domains', 'domain')],
  ['project', listThenShow(identity, 'project', { path: 'projects', key: 'projects', style: 'single' }, 'projects', 'project')],
  ['user', listThenShow(identity, 'user', { path: 'users', key: 'users', style: 'single' }, 'users', 'user')],
  ['role', listThenShow(identity, 'role', { path: 'roles', key: 'roles', style: 'single' }, 'roles', 'role')],
  ['role-assignment', async (ctx) => {
    const listed = await listRaw(await ctx.cloud.identity(), 'role_assignments', 'role_assignments', 'single', { include_names: 'True' });
    // Domain-scoped grants are rarer than project ones: rank them first so one is kept.
    return { role_assignment: choose(ctx, listed, assignmentName, (a) => ((a['scope'] as Raw | undefined)?.['domain'] ? 0 : 1)) };
  }],
  ['flavor', recordFlavors],
  ['keypair', recordKeypairs],
  ['image', recordImages],
  ['security-group', recordSecurityGroups],
  ['network', neutron('networks', 'network')],
  ['subnet', neutron('subnets', 'subnet')],
  ['router', neutron('routers', 'router')],
  ['port', neutron('ports', 'port')],
  ['floating-ip', neutron('floatingips', 'floatingip', (f) => str(f['description']) || str(f['floating_ip_address']))],
  ['volume-type', listThenShow(volume, 'volume_type', { path: 'types', key: 'volume_types', style: 'single', query: { is_public: 'None' } }, 'types', 'volume_type')],
  ['volume', listThenShow(volume, 'volume', { path: 'volumes/detail', key: 'volumes', style: 'links', query: { all_tenants: 1 } }, 'volumes', 'volume')],
  ['volume-snapshot', listThenShow(volume, 'snapshot', { path: 'snapshots/detail', key: 'snapshots', style: 'links', query: { all_tenants: 1 } }, 'snapshots', 'snapshot')],
  ['server-group', listThenShow(compute, 'server_group', { path: 'os-server-groups', key: 'server_groups', style: 'single', query: { all_projects: 'True' } }, 'os-server-groups', 'server_group')],
  ['server', recordServers],
  ['quota', recordQuotas],
];

/** The ids of the projects whose name `prefer` matches. */
export async function preferredProjectIds(cloud: Cloud, prefer: RegExp): Promise<Set<string>> {
  const projects = await listRaw(await cloud.identity(), 'projects', 'projects', 'single');
  return new Set(projects.filter((p) => prefer.test(byName(p))).map((p) => str(p['id'])));
}

/** Records every kind; `onKind` reports progress. */
export async function recordAll(cloud: Cloud, source: FixtureSource, prefer: RegExp, onKind: (kind: string, counts: string) => void = () => {}): Promise<ApiFixture[]> {
  const ctx: RecordContext = { cloud, prefer, preferredProjects: await preferredProjectIds(cloud, prefer) };
  const fixtures: ApiFixture[] = [];
  for (const [kind, record] of RECORDERS) {
    const responses = await record(ctx);
    onKind(kind, Object.entries(responses).map(([name, items]) => `${name}=${items.length}`).join(' '));
    fixtures.push({ kind, source, responses });
  }
  return fixtures;
}
