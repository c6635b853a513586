/**
 * Turns one `openstack <kind> show -f json` output into what must be equal on the source and the
 * target after a migration: ids of other objects become their names (each cloud resolves its
 * own, from its own `list` outputs), and what belongs to the cloud rather than to the object is
 * dropped: the object's own id, times, status fields the cloud sets, host placement, and the
 * marks Pumphouse writes. A server's status and power state stay: ACTIVE vs SHUTOFF must survive.
 * Written against the CLI's JSON only; nothing here knows Pumphouse's client or inventory.
 */
import type { CliRunner } from './openstack-cli.js';

export type Raw = Record<string, unknown>;

/** The kinds whose ids other objects hold, and the CLI listing that names them. */
export type RefKind = 'project' | 'domain' | 'user' | 'image' | 'flavor' | 'network' | 'subnet' | 'subnet-pool' | 'port' | 'router' | 'security-group' | 'server' | 'volume' | 'snapshot' | 'server-group';

const NAME_LISTINGS: Record<RefKind, string[]> = {
  project: ['project', 'list'],
  domain: ['domain', 'list'],
  user: ['user', 'list'],
  image: ['image', 'list'],
  flavor: ['flavor', 'list', '--all'],
  network: ['network', 'list'],
  subnet: ['subnet', 'list'],
  'subnet-pool': ['subnet', 'pool', 'list'],
  port: ['port', 'list'],
  router: ['router', 'list'],
  'security-group': ['security', 'group', 'list'],
  server: ['server', 'list', '--all-projects'],
  volume: ['volume', 'list', '--all-projects'],
  snapshot: ['volume', 'snapshot', 'list', '--all-projects'],
  'server-group': ['server', 'group', 'list', '--all-projects'],
};

const str = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));

/** A port has no name of its own when Nova made it: its MAC names it then (Pumphouse keeps MACs). */
function rowName(kind: RefKind, row: Raw): string {
  if (kind === 'port' && !str(row['Name'])) return `mac=${str(row['MAC Address'])}`;
  return str(row['Name']);
}

/** Ids → names on one cloud, from one listing per kind (read on first use). */
export class NameResolver {
  private readonly tables = new Map<RefKind, Promise<Map<string, string>>>();

  constructor(readonly cloud: string, private readonly run: CliRunner) {}

  private table(kind: RefKind): Promise<Map<string, string>> {
    let table = this.tables.get(kind);
    if (!table) {
      table = this.run(this.cloud, NAME_LISTINGS[kind]).then((rows) => new Map((rows as Raw[]).map((row) => [str(row['ID']), rowName(kind, row)])));
      this.tables.set(kind, table);
    }
    return table;
  }

  /** Reads every listing now, in one go (one CLI batch), instead of one at a time as rules need them. */
  preload(): Promise<void> {
    return Promise.all((Object.keys(NAME_LISTINGS) as RefKind[]).map((kind) => this.table(kind).catch(() => undefined))).then(() => undefined);
  }

  /** The name of `id` (null stays null; an id no listing knows stays visible as such). */
  async name(kind: RefKind, id: unknown): Promise<string | null> {
    if (id === null || id === undefined || id === '') return null;
    const name = (await this.table(kind)).get(str(id));
    return name ?? `(unknown ${kind} ${str(id)})`;
  }

  async names(kind: RefKind, ids: unknown): Promise<string[]> {
    const list = Array.isArray(ids) ? ids : [];
    return (await Promise.all(list.map((id) => this.name(kind, id)))).map(str).sort();
  }

  /** The id of the object `name` of `kind` (for lookups by project name). */
  async idOf(kind: RefKind, name: string): Promise<string | undefined> {
    for (const [id, n] of await this.table(kind)) if (n === name) return id;
    return undefined;
  }
}

// Dropped from every kind: the object's own id, times, change counters, links and the CLI's own
// `location` (which cloud and project the CLI ran as).
const ALWAYS_DROPPED = new Set(['id', 'location', 'links', 'revision_number', 'standard_attr_id', 'created', 'updated']);
const TIME = /(^|[_:-])(created|updated|launched|terminated|attached|deleted|expires)(_at)?$/i;
// Pumphouse's marks: tags pumphouse-source=…/pumphouse-plan=…, metadata and properties pumphouse*.
const MARK_TAG = /^pumphouse-(source|plan)=/;
const MARK_KEY = /^pumphouse/;
// Lists whose order means something; every other list is a set, compared sorted.
const ORDERED = new Set(['dns_nameservers']);

const sortedList = (items: unknown[]): unknown[] => [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** Removes the dropped fields and Pumphouse's marks, and sorts unordered lists, at every depth. */
export function stripCommon(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => stripCommon(v));
    return ORDERED.has(key) ? items : sortedList(items);
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Raw = {};
  for (const [key, v] of Object.entries(value as Raw)) {
    if (ALWAYS_DROPPED.has(key) || TIME.test(key)) continue;
    if (key === 'tags' && Array.isArray(v)) out[key] = v.filter((t) => !MARK_TAG.test(str(t))).sort();
    else if ((key === 'properties' || key === 'metadata') && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out[key] = stripCommon(Object.fromEntries(Object.entries(v as Raw).filter(([k]) => !MARK_KEY.test(k))));
    } else out[key] = stripCommon(v, key);
  }
  return out;
}

export interface NormaliseContext {
  resolver: NameResolver;
  run: CliRunner;
  cloud: string;
}

type Rule = (obj: Raw, ctx: NormaliseContext) => Promise<void>;

const drop = (...keys: string[]): Rule => async (obj) => {
  for (const key of keys) delete obj[key];
};
/** Replaces the id in `key` by the name of the object it refers to. */
const ref = (key: string, kind: RefKind): Rule => async (obj, { resolver }) => {
  if (key in obj) obj[key] = await resolver.name(kind, obj[key]);
};
const refs = (key: string, kind: RefKind): Rule => async (obj, { resolver }) => {
  if (key in obj) obj[key] = await resolver.names(kind, obj[key]);
};
const project = (key = 'project_id'): Rule => ref(key, 'project');
const sortedBy = (key: string, map: (item: Raw, ctx: NormaliseContext) => Promise<Raw>): Rule => async (obj, ctx) => {
  if (!Array.isArray(obj[key])) return;
  const items = await Promise.all((obj[key] as Raw[]).map((item) => map(item, ctx)));
  obj[key] = items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
};

/** "ph-ks-shared (0b4c…)" → "ph-ks-shared": the server's image as the CLI prints it. */
const IMAGE_WITH_ID = /^(.*) \([0-9a-f-]{32,36}\)$/;

const SERVER: Rule[] = [
  // Where it runs and the cloud's bookkeeping of it; vm_state, status and power state stay.
  drop('OS-EXT-SRV-ATTR:host', 'OS-EXT-SRV-ATTR:hypervisor_hostname', 'OS-EXT-SRV-ATTR:instance_name', 'OS-EXT-SRV-ATTR:reservation_id',
    'hostId', 'host_status', 'OS-EXT-STS:task_state', 'progress'),
  async (obj) => {
    const image = str(obj['image']);
    obj['image'] = IMAGE_WITH_ID.exec(image)?.[1] ?? image;
    if (obj['addresses'] && typeof obj['addresses'] === 'object') {
      obj['addresses'] = Object.fromEntries(Object.entries(obj['addresses'] as Record<string, unknown[]>).map(([net, ips]) => [net, [...ips].map(str).sort()]));
    }
    if (Array.isArray(obj['security_groups'])) obj['security_groups'] = (obj['security_groups'] as Raw[]).map((g) => str(g['name'])).sort();
  },
  ref('OS-EXT-SRV-ATTR:kernel_id', 'image'), ref('OS-EXT-SRV-ATTR:ramdisk_id', 'image'), project(), ref('user_id', 'user'),
  refs('server_groups', 'server-group'),
  sortedBy('volumes_attached', async (v, { resolver }) => ({ volume: await resolver.name('volume', v['id']), delete_on_termination: v['delete_on_termination'] ?? null })),
];

const IMAGE: Rule[] = [
  // Where glance keeps the data and its own bookkeeping; the data itself (size, checksum, hash) stays.
  drop('file', 'schema', 'status', 'direct_url', 'locations'), project('owner'),
  async (obj, ctx) => {
    const props = obj['properties'] as Raw | undefined;
    if (props) {
      for (const key of Object.keys(props)) if (key === 'stores' || key.startsWith('os_glance')) delete props[key];
      for (const key of ['kernel_id', 'ramdisk_id']) if (key in props) props[key] = await ctx.resolver.name('image', props[key]);
    }
    // The projects it is shared with, and whether each accepted.
    if (obj['visibility'] === 'shared') {
      const members = (await ctx.run(ctx.cloud, ['image', 'member', 'list', str(obj['id'])])) as Raw[];
      obj['members'] = (await Promise.all(members.map(async (m) => ({ project: await ctx.resolver.name('project', m['Member ID']), status: m['Status'] }))))
        .sort((a, b) => str(a.project).localeCompare(str(b.project)));
    }
  },
];

const PORT: Rule[] = [
  // Binding is where the port is plugged in (the host, the driver); dns_assignment follows the IP.
  drop('binding_host_id', 'binding_vif_details', 'binding_vif_type', 'binding_profile', 'status', 'dns_assignment', 'resource_request'),
  ref('network_id', 'network'), project(), refs('security_group_ids', 'security-group'),
  sortedBy('fixed_ips', async (ip, { resolver }) => ({ ...ip, subnet_id: await resolver.name('subnet', ip['subnet_id']) })),
  async (obj, { resolver }) => {
    const owner = str(obj['device_owner']);
    if (owner.startsWith('compute:')) obj['device_id'] = await resolver.name('server', obj['device_id']);
    else if (owner.startsWith('network:router')) obj['device_id'] = await resolver.name('router', obj['device_id']);
  },
];

const VOLUME: Rule[] = [
  drop('status', 'os-vol-host-attr:host', 'os-vol-mig-status-attr:migstat', 'os-vol-mig-status-attr:name_id', 'migration_status', 'replication_status',
    'consistencygroup_id', 'group_id', 'provider_id', 'service_uuid', 'cluster_name', 'shared_targets'),
  project('os-vol-tenant-attr:tenant_id'), ref('user_id', 'user'), ref('snapshot_id', 'snapshot'), ref('source_volid', 'volume'),
  sortedBy('attachments', async (a, { resolver }) => ({ server: await resolver.name('server', a['server_id']), device: a['device'] ?? null })),
  async (obj, { resolver }) => {
    const meta = obj['volume_image_metadata'] as Raw | undefined;
    if (meta && 'image_id' in meta) meta['image_id'] = await resolver.name('image', meta['image_id']);
  },
];

const RULE_KEYS_DROPPED = ['id', 'tenant_id', 'project_id', 'security_group_id', 'normalized_cidr'];

/** Per kind (the CLI's command words), the rules after the common ones. */
export const RULES: Record<string, Rule[]> = {
  domain: [],
  project: [ref('domain_id', 'domain'), async (obj, { resolver }) => {
    // A top-level project's parent is its domain.
    const parent = obj['parent_id'];
    const asProject = await resolver.name('project', parent);
    obj['parent_id'] = asProject?.startsWith('(unknown') ? await resolver.name('domain', parent) : asProject;
  }],
  user: [ref('domain_id', 'domain'), ref('default_project_id', 'project')],
  role: [ref('domain_id', 'domain')],
  'role-assignment': [],
  flavor: [refs('access_project_ids', 'project')],
  keypair: [ref('user_id', 'user')],
  image: IMAGE,
  'security-group': [project(), drop('tenant_id'), sortedBy('rules', async (rule, { resolver }) => {
    const out: Raw = { ...rule, remote_group_id: await resolver.name('security-group', rule['remote_group_id']) };
    for (const key of RULE_KEYS_DROPPED) delete out[key];
    return out;
  })],
  // Tenant networks get their segment from the cloud's pool; a provider network's is chosen.
  network: [drop('status', 'availability_zones'), project(), refs('subnets', 'subnet'), async (obj) => {
    if (['vxlan', 'gre', 'geneve'].includes(str(obj['provider:network_type']))) delete obj['provider:segmentation_id'];
  }],
  subnet: [ref('network_id', 'network'), project(), ref('subnetpool_id', 'subnet-pool'), drop('segment_id')],
  router: [drop('status', 'availability_zones'), project(), project('tenant_id'),
    sortedBy('interfaces_info', async (i, { resolver }) => ({ subnet: await resolver.name('subnet', i['subnet_id']), ip_address: i['ip_address'] })),
    async (obj, { resolver }) => {
      const gateway = obj['external_gateway_info'] as Raw | null | undefined;
      if (!gateway) return;
      gateway['network_id'] = await resolver.name('network', gateway['network_id']);
      if (Array.isArray(gateway['external_fixed_ips'])) {
        gateway['external_fixed_ips'] = await Promise.all((gateway['external_fixed_ips'] as Raw[]).map(async (ip) => ({ ...ip, subnet_id: await resolver.name('subnet', ip['subnet_id']) })));
      }
    }],
  port: PORT,
  // port_details repeats the port's own fields (and its status) as a string.
  'floating-ip': [drop('status', 'port_details'), project(), ref('floating_network_id', 'network'), ref('port_id', 'port'), ref('router_id', 'router'), ref('subnet_id', 'subnet')],
  'volume-type': [],
  volume: VOLUME,
  'volume-snapshot': [drop('status', 'os-extended-snapshot-attributes:progress'), project('os-extended-snapshot-attributes:project_id'), ref('volume_id', 'volume')],
  'server-group': [project(), ref('user_id', 'user'), refs('members', 'server')],
  server: SERVER,
  // The quota's project id (its name stays) and the CLI's location.
  quota: [drop('project')],
};

/** The comparable form of one show output of `kind`. */
export async function normalise(kind: string, shown: Raw, ctx: NormaliseContext): Promise<Raw> {
  const rules = RULES[kind];
  if (!rules) throw new Error(`independent-compare: no normalisation for kind "${kind}"`);
  // Rules see the ids first (image members, rule remote groups…), then the common stripping runs.
  const obj = structuredClone(shown);
  for (const rule of rules) await rule(obj, ctx);
  return stripCommon(obj) as Raw;
}
