/**
 * An independent check of a migration's fidelity, written against the `openstack` CLI's JSON
 * output only (not Pumphouse's client, inventory or diff): for each selected source object it
 * finds the target's object of the same name (in the project of the same name), shows both, and
 * compares every field the CLI shows once both are normalised (cli-normalise.ts: ids of other
 * objects compared by name, the cloud's own fields and Pumphouse's marks left out). Expected
 * losses (what the plan says will not survive) are left out by object and field.
 */
import { NameResolver, normalise, type Raw } from './cli-normalise.js';
import type { CliRunner } from './openstack-cli.js';

export type CompareKind = 'domain' | 'project' | 'user' | 'role' | 'role-assignment' | 'flavor' | 'keypair' | 'image' | 'security-group' | 'network' | 'subnet'
  | 'router' | 'port' | 'floating-ip' | 'volume-type' | 'volume' | 'volume-snapshot' | 'server-group' | 'server' | 'quota';

/**
 * One source object. `project` is the owning project's name (kinds that have one); `domain` the
 * domain of a project or user (default "Default"); `user` the owner of a keypair, and the user of
 * a role assignment, whose `name` is then a project name, or `domain:NAME` for a domain grant.
 * A floating IP's name is its description (or, without one, its address).
 */
export interface SelectedObject {
  kind: CompareKind;
  name: string;
  project?: string;
  domain?: string;
  user?: string;
}

/** "Will not survive": `field` of `object` (an objectKey; `*` matches any text) is not compared; a field covers its sub-fields. */
export interface ExpectedLoss {
  object: string;
  field: string;
}

export interface Difference {
  /** objectKey of the source object: "server:ph-ks-app/ph-ks-web-1". */
  object: string;
  /** A dotted path ("properties.tier"), or "(exists)" when the target has no such object. */
  field: string;
  source: unknown;
  target: unknown;
}

/** "kind:project/name" (keypair: "keypair:user/name"; role assignment: "role-assignment:user@scope"). */
export function objectKey(o: SelectedObject): string {
  if (o.kind === 'keypair') return `keypair:${o.user ?? ''}/${o.name}`;
  if (o.kind === 'role-assignment') return `role-assignment:${o.user ?? ''}@${o.name}`;
  return `${o.kind}:${o.project ? `${o.project}/` : ''}${o.name}`;
}

interface Side {
  cloud: string;
  run: CliRunner;
  resolver: NameResolver;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));

/** The listing that finds an object of `kind` by name (and project), and the row's name. */
function listing(o: SelectedObject): { args: string[]; name?: (row: Raw) => string } | undefined {
  const p = o.project ?? '';
  switch (o.kind) {
    case 'domain': return { args: ['domain', 'list'] };
    case 'project': return { args: ['project', 'list', '--domain', o.domain ?? 'Default'] };
    case 'user': return { args: ['user', 'list', '--domain', o.domain ?? 'Default'] };
    case 'role': return { args: ['role', 'list'] };
    case 'flavor': return { args: ['flavor', 'list', '--all'] };
    case 'volume-type': return { args: ['volume', 'type', 'list'] };
    case 'image': return { args: ['image', 'list', '--name', o.name, ...(p ? ['--project', p] : [])] };
    case 'server': return { args: ['server', 'list', '--all-projects', '--project', p] };
    case 'volume': return { args: ['volume', 'list', '--all-projects', '--project', p] };
    case 'volume-snapshot': return { args: ['volume', 'snapshot', 'list', '--all-projects', '--project', p] };
    case 'security-group': return { args: ['security', 'group', 'list', '--project', p] };
    case 'network': case 'subnet': case 'router': case 'port': return { args: [o.kind, 'list', '--project', p] };
    case 'floating-ip': return { args: ['floating', 'ip', 'list', '--long', '--project', p], name: (r) => str(r['Description']) || str(r['Floating IP Address']) };
    default: return undefined;
  }
}

const SHOW: Partial<Record<CompareKind, (id: string) => string[]>> = {
  domain: (id) => ['domain', 'show', id],
  project: (id) => ['project', 'show', id],
  user: (id) => ['user', 'show', id],
  role: (id) => ['role', 'show', id],
  flavor: (id) => ['flavor', 'show', id],
  'volume-type': (id) => ['volume', 'type', 'show', id],
  image: (id) => ['image', 'show', id],
  server: (id) => ['server', 'show', id],
  volume: (id) => ['volume', 'show', id],
  'volume-snapshot': (id) => ['volume', 'snapshot', 'show', id],
  'security-group': (id) => ['security', 'group', 'show', id],
  network: (id) => ['network', 'show', id],
  subnet: (id) => ['subnet', 'show', id],
  router: (id) => ['router', 'show', id],
  port: (id) => ['port', 'show', id],
  'floating-ip': (id) => ['floating', 'ip', 'show', id],
  'server-group': (id) => ['server', 'group', 'show', id],
};

/** The ids of the objects named `o.name` on one side. */
async function findIds(side: Side, o: SelectedObject): Promise<string[]> {
  if (o.kind === 'server-group') {
    // Its listing has the project's id, not its name.
    const rows = (await side.run(side.cloud, ['server', 'group', 'list', '--all-projects', '--long'])) as Raw[];
    const projectId = o.project ? await side.resolver.idOf('project', o.project) : undefined;
    return rows.filter((r) => str(r['Name']) === o.name && (!o.project || str(r['Project Id']) === projectId)).map((r) => str(r['ID']));
  }
  const list = listing(o);
  if (!list) throw new Error(`independent-compare: cannot look up a ${o.kind} by name`);
  const rows = (await side.run(side.cloud, list.args).catch(() => [])) as Raw[];
  return rows.filter((r) => (list.name ?? ((x: Raw) => str(x['Name'])))(r) === o.name).map((r) => str(r['ID']));
}

/** The object as the CLI shows it, or undefined when this side has none. */
async function showObject(side: Side, o: SelectedObject): Promise<Raw | undefined> {
  if (o.kind === 'keypair') {
    return (await side.run(side.cloud, ['keypair', 'show', '--user', o.user ?? '', o.name]).catch(() => undefined)) as Raw | undefined;
  }
  if (o.kind === 'quota') {
    if (!(await side.resolver.idOf('project', o.name))) return undefined;
    return (await side.run(side.cloud, ['quota', 'show', o.name])) as Raw;
  }
  if (o.kind === 'role-assignment') {
    const scope = o.name.startsWith('domain:') ? ['--domain', o.name.slice('domain:'.length)] : ['--project', o.name];
    const rows = (await side.run(side.cloud, ['role', 'assignment', 'list', '--names', '--user', o.user ?? '', '--user-domain', o.domain ?? 'Default', ...scope]).catch(() => [])) as Raw[];
    return rows.length === 0 ? undefined : { roles: rows.map((r) => str(r['Role'])).sort() };
  }
  const ids = await findIds(side, o);
  if (ids.length === 0) return undefined;
  if (ids.length > 1) throw new Error(`independent-compare: ${objectKey(o)} is ambiguous on ${side.cloud} (${ids.length} objects of that name)`);
  return (await side.run(side.cloud, SHOW[o.kind]!(ids[0]!))) as Raw;
}

/** Leaves (dotted paths) of a normalised object; arrays are leaves (already sorted where unordered). */
function flatten(value: unknown, path: string, out: Map<string, unknown>): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, v] of Object.entries(value as Raw)) flatten(v, path ? `${path}.${key}` : key, out);
  } else out.set(path, value);
  return out;
}

/** The differing fields of two normalised objects. */
export function diffObjects(object: string, source: Raw, target: Raw): Difference[] {
  const a = flatten(source, '', new Map());
  const b = flatten(target, '', new Map());
  const fields = [...new Set([...a.keys(), ...b.keys()])].sort();
  return fields.filter((f) => JSON.stringify(a.get(f)) !== JSON.stringify(b.get(f))).map((field) => ({ object, field, source: a.get(field), target: b.get(field) }));
}

const glob = (pattern: string): RegExp => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

/** True when `d` is one of the expected losses. */
export function isExpectedLoss(d: Difference, losses: readonly ExpectedLoss[]): boolean {
  return losses.some((l) => glob(l.object).test(d.object) && (d.field === l.field || d.field.startsWith(`${l.field}.`) || glob(l.field).test(d.field)));
}

export interface CompareOptions {
  source: string;
  target: string;
  objects: readonly SelectedObject[];
  expectedLosses?: readonly ExpectedLoss[];
  /** The CLI (spawnRunner wrapped in cachedRunner), or a replay of a recording. */
  run: CliRunner;
}

/** Every difference between the selected source objects and their target counterparts, expected losses left out. */
export async function compareClouds(options: CompareOptions): Promise<Difference[]> {
  const side = (cloud: string): Side => ({ cloud, run: options.run, resolver: new NameResolver(cloud, options.run) });
  const source = side(options.source);
  const target = side(options.target);
  // Every name listing goes out with the first lookups, so the CLI answers them in one batch.
  const preloaded = Promise.all([source.resolver.preload(), target.resolver.preload()]);
  const perObject = await Promise.all(options.objects.map(async (o): Promise<Difference[]> => {
    const key = objectKey(o);
    const [shownSource, shownTarget] = await Promise.all([showObject(source, o), showObject(target, o), preloaded]);
    if (!shownSource) throw new Error(`independent-compare: ${key} is not on the source ${source.cloud}`);
    if (!shownTarget) return [{ object: key, field: '(exists)', source: true, target: false }];
    const [a, b] = await Promise.all([
      normalise(o.kind, shownSource, { resolver: source.resolver, run: source.run, cloud: source.cloud }),
      normalise(o.kind, shownTarget, { resolver: target.resolver, run: target.run, cloud: target.cloud }),
    ]);
    return diffObjects(key, a, b);
  }));
  return perObject.flat().filter((d) => !isExpectedLoss(d, options.expectedLosses ?? []));
}

