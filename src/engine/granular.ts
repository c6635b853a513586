import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { PumphouseError } from '../errors.js';

/**
 * The plans behind the original Pumphouse's granular actions — `migrate image|identity|project|
 * server|volume`, `evacuate`, `upgrade`, and the original API's `POST /tenants/{id}`,
 * `POST /servers/{id}`, `POST /hosts/{id}`, `DELETE /hosts/{id}` — made here once, so the CLI and
 * the API build the same plan for the same action (same name, same spec, same defaults).
 */

export type MigrateKind = 'image' | 'identity' | 'project' | 'server' | 'volume';
export const MIGRATE_KINDS: readonly MigrateKind[] = ['image', 'identity', 'project', 'server', 'volume'];
export type EvacuationMethod = 'live' | 'cold' | 'evacuate' | 'target';

export interface MigrateAction {
  action: 'migrate';
  kind: MigrateKind;
  /** Names, ids or globs. */
  names: readonly string[];
  /** @default 'snapshot' */
  strategy?: 'snapshot' | 'rebuild';
  /** @default 'keep-stopped' */
  source?: 'delete' | 'keep-stopped' | 'keep';
  /** spec.maps: the target's names of external networks and volume types. */
  maps?: { networks?: Record<string, string>; volumeTypes?: Record<string, string> };
}

export interface HostAction {
  action: 'evacuate' | 'upgrade';
  hosts: readonly string[];
  /** @default 'live' */
  method?: EvacuationMethod;
  /** Destination source hosts. */
  to?: readonly string[];
  /** upgrade: where the host goes in Fuel (defaults: pumphouse.yaml's environment, roles [compute]). */
  fuel?: { environment?: string; template?: string; roles?: readonly string[] };
}

export type GranularAction = MigrateAction | HostAction;

/** A granular action's plan file: its name and its spec. */
export interface GranularPlan {
  name: string;
  spec: Record<string, unknown>;
  /** The command line it stands for, for the file's header. */
  commandLine: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-/i;

export function granularPlan(action: GranularAction): GranularPlan {
  if (action.action === 'migrate') {
    if (action.names.length === 0) throw new PumphouseError('PH0003', `migrate ${action.kind}: name at least one ${action.kind}`, { hint: `e.g. pumphouse migrate ${action.kind} NAME` });
    return { name: planNameOf(['migrate', action.kind, ...action.names]), spec: migrateSpec(action), commandLine: `pumphouse migrate ${action.kind} ${action.names.join(' ')}` };
  }
  if (action.hosts.length === 0) throw new PumphouseError('PH0003', `${action.action}: name at least one host`, { hint: `e.g. pumphouse ${action.action} cmp-3 (the names \`pumphouse hosts\` lists)` });
  if (action.method === 'target' && (action.to?.length ?? 0) > 0) throw new PumphouseError('PH0003', '--to names source hosts, and --method target moves the servers to the target cloud', { hint: 'drop --to, or pick --method live|cold|evacuate' });
  return { name: planNameOf([action.action, ...action.hosts]), spec: { hosts: hostsSpec(action) }, commandLine: `pumphouse ${action.action} ${action.hosts.join(' ')}` };
}

function migrateSpec(action: MigrateAction): Record<string, unknown> {
  const names = [...action.names];
  const spec: Record<string, unknown> = { images: 'referenced', flavors: 'referenced' };
  const workload = { strategy: action.strategy ?? 'snapshot', volumes: 'attached', source: action.source ?? 'keep-stopped' };
  switch (action.kind) {
    case 'image':
      spec['images'] = { names };
      break;
    case 'identity':
      spec['identity'] = { projects: names, passwords: 'reset' };
      break;
    case 'project':
      spec['identity'] = { projects: names, passwords: 'reset' };
      spec['workloads'] = [{ projects: names, ...workload }];
      break;
    case 'server': {
      const ids = names.filter((n) => UUID.test(n));
      const byName = names.filter((n) => !ids.includes(n));
      // A server is named across projects; names and ids are separate workloads (each list narrows).
      spec['workloads'] = [
        ...(byName.length > 0 ? [{ projects: ['*'], servers: { names: byName }, ...workload }] : []),
        ...(ids.length > 0 ? [{ projects: ['*'], servers: { ids }, ...workload }] : []),
      ];
      break;
    }
    case 'volume':
      spec['volumes'] = { names };
      break;
  }
  const maps = { networks: action.maps?.networks ?? {}, volumeTypes: action.maps?.volumeTypes ?? {} };
  if (Object.keys(maps.networks).length + Object.keys(maps.volumeTypes).length > 0) spec['maps'] = maps;
  return spec;
}

function hostsSpec(action: HostAction): Array<Record<string, unknown>> {
  const state = action.action === 'evacuate' ? 'evacuated' : 'upgraded';
  const roles = [...(action.fuel?.roles ?? ['compute'])];
  const fuel = action.action === 'upgrade' && (action.fuel?.environment || action.fuel?.template || roles.join() !== 'compute')
    ? { fuel: { roles, ...(action.fuel?.environment ? { environment: action.fuel.environment } : {}), ...(action.fuel?.template ? { template: action.fuel.template } : {}) } }
    : {};
  const to = action.to ?? [];
  return action.hosts.map((name) => ({ name, state, evacuate: action.method ?? 'live', ...(to.length > 0 ? { to: [...to] } : {}), ...fuel }));
}

/** The plan file's text. */
export function granularPlanText(plan: GranularPlan): string {
  const document = { apiVersion: 'pumphouse/v1', kind: 'MigrationPlan', metadata: { name: plan.name }, spec: plan.spec };
  return YAML.stringify(document);
}

/** Writes the plan under the state file's folder (`migrate/NAME.yaml`), where the operator can read, keep or re-apply it. */
export function writeGranularPlan(statePath: string, plan: GranularPlan): string {
  const dir = join(statePath, '..', 'migrate');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${plan.name}.yaml`);
  writeFileSync(file, `# Written by \`${plan.commandLine}\`; apply it again with \`pumphouse apply ${file}\`.\n${granularPlanText(plan)}`);
  return file;
}

/**
 * A plan name made of a command's words: metadata.name's form (lower-case letters, digits and
 * dashes, at most 63) and safe as a file name. Words that had to change to fit (a glob such as
 * `lab-*`, capitals, a long list) get a short digest of the words as they were, so two commands
 * never share a name (`lab-*` and `lab` are other plans).
 */
export function planNameOf(words: readonly string[]): string {
  const joined = words.join('-');
  const fitted = joined.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
  if (fitted === joined && fitted.length <= MAX_NAME) return fitted;
  const digest = createHash('sha256').update(joined).digest('hex').slice(0, 8);
  return `${fitted.slice(0, MAX_NAME - digest.length - 1).replace(/-+$/, '')}-${digest}`;
}

/**
 * metadata.name's longest form here: apply marks the servers it boots with the tag
 * `pumphouse-plan=<name>`, and Nova takes tags of at most 60 characters (a project's 32-hex id
 * in `migrate-project-<id>` overflowed them: the boot was refused with 400).
 */
const MAX_NAME = 60 - 'pumphouse-plan='.length;

/** SOURCE=TARGET pairs of a `--map-…` flag. */
export function parseMaps(flag: string, pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const [from, to, ...rest] = pair.split('=');
    if (!from || !to || rest.length > 0) throw new PumphouseError('PH0004', `${flag} ${pair} is not SOURCE=TARGET`, { hint: `e.g. ${flag} public=admin_floating_net` });
    out[from] = to;
  }
  return out;
}
