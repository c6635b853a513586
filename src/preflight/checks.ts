import type { DesiredState } from '../desired/model.js';
import type { Change } from '../diff/changes.js';
import type { Inventory, InventoryResource } from '../inventory/model.js';
import type { Problem } from '../errors.js';

/**
 * One pre-flight check's verdict, as the plan document records it: a check that passed says what
 * it saw; one that warns or fails is a problem (code, message, hint) like every other.
 */
export type PreflightCheck = PassedCheck | (Problem & { check: string; status: 'warning' | 'failed' });

interface PassedCheck {
  /** e.g. "target-capacity", "target-quota", "maps", "api-features". */
  check: string;
  status: 'ok';
  message: string;
  hint?: string;
}

/**
 * Pre-flight checks: can the target take what the plan moves, before any server stops? Pure
 * functions of the plan's inputs. A failed check makes the plan unapplyable; a warning is shown.
 */
export interface PreflightInput {
  desired: DesiredState;
  source: Inventory;
  target: Inventory;
  changes: readonly Change[];
  /** The target's compute microversion range (from `clouds`), when known. */
  targetComputeMaxMicroversion?: string;
}

export function runPreflight(input: PreflightInput): PreflightCheck[] {
  return [targetCapacity(input), targetQuotas(input), availabilityZones(input), volumeTypes(input), apiFeatures(input), hostTemplates(input)]
    .filter((c): c is PreflightCheck => c !== undefined);
}

interface Need {
  vcpus: number;
  ramMb: number;
  diskGb: number;
  instances: number;
}

function migratingServers(input: PreflightInput): InventoryResource[] {
  const byAddress = indexByAddress(input.source);
  const resized = resizedByMaps(input);
  return input.changes
    .filter((c) => c.kind === 'server' && c.action === 'migrate')
    .map((c) => byAddress.get(c.address))
    .filter((r): r is InventoryResource => r !== undefined)
    .map(resized);
}

/** A server as it will run on the target: spec.maps.flavors may map its flavor to one of another size. */
function resizedByMaps(input: PreflightInput): (server: InventoryResource) => InventoryResource {
  const maps = input.desired.maps.flavors;
  if (Object.keys(maps).length === 0) return (server) => server;
  const flavors = new Map(input.target.resources.filter((r) => r.kind === 'flavor').map((f) => [f.name, f.attributes]));
  return (server) => {
    const flavor = (server.attributes['flavor'] ?? {}) as { name?: string | null };
    const mapped = flavor.name ? flavors.get(maps[flavor.name] ?? '') : undefined;
    if (!mapped) return server;
    const size = { vcpus: mapped['vcpus'], ramMb: mapped['ramMb'], diskGb: mapped['diskGb'], ephemeralGb: mapped['ephemeralGb'], swapMb: mapped['swapMb'] };
    return { ...server, attributes: { ...server.attributes, flavor: { ...flavor, name: maps[flavor.name!], ...size } } };
  };
}

function needOf(servers: readonly InventoryResource[]): Need {
  const need: Need = { vcpus: 0, ramMb: 0, diskGb: 0, instances: servers.length };
  for (const server of servers) {
    const flavor = (server.attributes['flavor'] ?? {}) as { vcpus?: number | null; ramMb?: number | null; diskGb?: number | null };
    need.vcpus += flavor.vcpus ?? 0;
    need.ramMb += flavor.ramMb ?? 0;
    need.diskGb += server.attributes['bootFromVolume'] === true ? 0 : flavor.diskGb ?? 0;
  }
  return need;
}

/** RAM and disk must fit in what the target's enabled hypervisors have free; vCPUs may overcommit. */
function targetCapacity(input: PreflightInput): PreflightCheck | undefined {
  const servers = migratingServers(input);
  if (servers.length === 0) return undefined;
  const need = needOf(servers);
  let freeRam = 0;
  let freeDisk = 0;
  let freeVcpus = 0;
  let hypervisors = 0;
  for (const h of input.target.resources) {
    if (h.kind !== 'hypervisor' || h.attributes['status'] === 'disabled' || h.attributes['state'] === 'down') continue;
    hypervisors++;
    freeRam += num(h.attributes['memoryMb']) - num(h.attributes['memoryMbUsed']);
    freeDisk += num(h.attributes['localGb']) - num(h.attributes['localGbUsed']);
    freeVcpus += num(h.attributes['vcpus']) - num(h.attributes['vcpusUsed']);
  }
  const wanted = `${need.instances} servers need ${need.vcpus} vCPUs, ${need.ramMb} MB RAM, ${need.diskGb} GB disk`;
  const free = `${hypervisors} enabled hypervisors have ${freeVcpus} vCPUs, ${freeRam} MB RAM, ${freeDisk} GB disk free`;
  if (need.ramMb > freeRam || need.diskGb > freeDisk) {
    return { check: 'target-capacity', status: 'failed', code: 'PH1760', message: `${wanted}; ${free}`, hint: 'upgrade hosts into the target first (spec.hosts), or move fewer servers in this wave' };
  }
  if (need.vcpus > freeVcpus) {
    return { check: 'target-capacity', status: 'warning', code: 'PH1761', message: `${wanted}; ${free}: vCPUs are overcommitted`, hint: 'fine if the target allows a cpu_allocation_ratio above 1' };
  }
  return { check: 'target-capacity', status: 'ok', message: `${wanted}; ${free}` };
}

/**
 * The target projects must have quota room for the servers that arrive, under the quotas they will
 * have when the servers boot: a server step runs after its project's quota steps, so the limits a
 * quota change of this plan sets (the source project's) count, not the target's current ones.
 */
function targetQuotas(input: PreflightInput): PreflightCheck | undefined {
  const servers = migratingServers(input);
  if (servers.length === 0) return undefined;
  const byProject = new Map<string, InventoryResource[]>();
  for (const s of servers) if (s.project) byProject.set(s.project.name, [...(byProject.get(s.project.name) ?? []), s]);
  const planned = plannedComputeLimits(input);
  const problems: string[] = [];
  for (const [project, list] of byProject) {
    const quota = input.target.resources.find((r) => r.kind === 'quota' && r.project?.name === project && r.attributes['service'] === 'compute');
    const setByPlan = planned.get(project) ?? {};
    if (!quota && !planned.has(project)) continue; // a project new to the target, its quotas left out: the target's defaults
    const limits = { ...((quota?.attributes['limits'] ?? {}) as Record<string, number>), ...setByPlan };
    const used = usedOnTarget(input.target, project);
    const need = needOf(list);
    for (const [key, wanted, have] of [['instances', need.instances, used.instances], ['cores', need.vcpus, used.vcpus], ['ram', need.ramMb, used.ramMb]] as const) {
      const limit = limits[key];
      const whose = key in setByPlan ? ' (as this plan sets it)' : '';
      if (limit !== undefined && limit >= 0 && have + wanted > limit) problems.push(`${project}: ${key} ${have} used + ${wanted} arriving > quota ${limit}${whose}`);
    }
  }
  if (problems.length > 0) return { check: 'target-quota', status: 'failed', code: 'PH1762', message: problems.join('; '), hint: 'raise the quota the plan leaves too low: the target project\'s, or the source project\'s that the plan copies' };
  return { check: 'target-quota', status: 'ok', message: `quotas allow the servers of ${byProject.size} project(s)${planned.size > 0 ? ', with the quotas this plan sets' : ''}` };
}

/** The compute limits this plan's quota steps set, by project name: the source project's (migrate/quotas.ts). */
function plannedComputeLimits(input: PreflightInput): Map<string, Record<string, number>> {
  const byAddress = indexByAddress(input.source);
  const planned = new Map<string, Record<string, number>>();
  for (const change of input.changes) {
    if (change.kind !== 'quota' || (change.action !== 'create' && change.action !== 'update')) continue;
    const quota = byAddress.get(change.address);
    if (!quota?.project || quota.attributes['service'] !== 'compute') continue;
    const limits = (quota.attributes['limits'] ?? {}) as Record<string, unknown>;
    planned.set(quota.project.name, Object.fromEntries(['instances', 'cores', 'ram'].flatMap((k) => (typeof limits[k] === 'number' ? [[k, limits[k] as number]] : []))));
  }
  return planned;
}

function usedOnTarget(target: Inventory, project: string): Need {
  return needOf(target.resources.filter((r) => r.kind === 'server' && r.project?.name === project));
}

/** Every availability zone a moving server or volume is in must exist on the target, or be mapped. */
function availabilityZones(input: PreflightInput): PreflightCheck | undefined {
  const moving = movingResources(input);
  if (moving.length === 0) return undefined;
  const onTarget = new Set(input.target.resources.filter((r) => r.kind === 'availability-zone').map((r) => r.name));
  const missing = new Set<string>();
  for (const r of moving) {
    const zone = r.attributes['availabilityZone'];
    if (typeof zone !== 'string' || zone === '') continue;
    const mapped = input.desired.maps.availabilityZones[zone] ?? zone;
    if (!onTarget.has(mapped)) missing.add(zone);
  }
  if (missing.size > 0) {
    return { check: 'maps', status: 'failed', code: 'PH1763', message: `availability zone(s) ${[...missing].join(', ')} do not exist on the target`, hint: `add spec.maps.availabilityZones, e.g. ${[...missing][0]}: nova` };
  }
  return { check: 'maps', status: 'ok', message: 'every availability zone of the moving servers and volumes exists on the target' };
}

function volumeTypes(input: PreflightInput): PreflightCheck | undefined {
  const volumes = movingResources(input).filter((r) => r.kind === 'volume');
  if (volumes.length === 0) return undefined;
  const onTarget = new Set(input.target.resources.filter((r) => r.kind === 'volume-type').map((r) => r.name));
  const missing = new Set<string>();
  for (const v of volumes) {
    const type = v.attributes['volumeType'];
    if (typeof type !== 'string') continue;
    if (!onTarget.has(input.desired.maps.volumeTypes[type] ?? type)) missing.add(type);
  }
  if (missing.size > 0) {
    return { check: 'volume-types', status: 'failed', code: 'PH1764', message: `volume type(s) ${[...missing].join(', ')} do not exist on the target`, hint: 'add spec.maps.volumeTypes naming a target type for each' };
  }
  return { check: 'volume-types', status: 'ok', message: `the ${volumes.length} moving volume(s) have a volume type on the target` };
}

/** Boot-time features the server copies rely on. */
function apiFeatures(input: PreflightInput): PreflightCheck | undefined {
  const max = input.targetComputeMaxMicroversion;
  if (!max || migratingServers(input).length === 0) return undefined;
  const minor = Number(max.split('.')[1] ?? 0);
  if (minor < 52) {
    return { check: 'api-features', status: 'warning', code: 'PH1765', message: `the target's Nova goes up to ${max}: server tags cannot be set at boot (2.52)`, hint: 'tags are added after boot instead' };
  }
  return { check: 'api-features', status: 'ok', message: `the target's Nova (up to ${max}) has every feature the copies use` };
}

/**
 * A host upgraded into the target copies its disk and network layout from a node of the target (a
 * hypervisor, or a host running the target's Nova services, such as a controller), unless the plan
 * gives the layout itself.
 */
function hostTemplates(input: PreflightInput): PreflightCheck | undefined {
  const upgrading = input.changes.filter((c) => c.action === 'host' && c.host?.desired === 'upgraded');
  if (upgrading.length === 0) return undefined;
  const targetHosts = new Set(input.target.resources.flatMap((r) => {
    if (r.kind === 'hypervisor') return [r.name, String(r.attributes['serviceHost'] ?? '')];
    return r.kind === 'compute-service' ? [String(r.attributes['host'] ?? '')] : [];
  }).filter(Boolean));
  const fixed = upgrading.filter((c) => c.host?.fuel?.layout).length;
  const templates = new Set(input.desired.hosts.flatMap((h) => (h.state === 'upgraded' && h.fuel?.template ? [h.fuel.template] : [])));
  const fixedNote = fixed > 0 ? `; ${fixed} host(s) with a fixed layout, checked against their node before any change` : '';
  if (templates.size === 0) return { check: 'host-templates', status: 'ok', message: `upgraded hosts copy the layout of a ready node of their Fuel environment with the same roles${fixedNote}` };
  const missing = [...templates].filter((t) => !targetHosts.has(t)).sort();
  if (missing.length > 0) {
    return { check: 'host-templates', status: 'failed', code: 'PH1766', message: `template node(s) ${missing.join(', ')} are not nodes of the target`, hint: `name a target hypervisor or controller in spec.hosts[].fuel.template (the target has ${[...targetHosts].sort().join(', ') || 'none'})` };
  }
  return { check: 'host-templates', status: 'ok', message: `the template node(s) ${[...templates].sort().join(', ')} are nodes of the target${fixedNote}` };
}

function movingResources(input: PreflightInput): InventoryResource[] {
  const byAddress = indexByAddress(input.source);
  return input.changes
    .filter((c) => c.action === 'migrate' && (c.kind === 'server' || c.kind === 'volume'))
    .map((c) => byAddress.get(c.address))
    .filter((r): r is InventoryResource => r !== undefined);
}

function indexByAddress(inventory: Inventory): Map<string, InventoryResource> {
  return new Map(inventory.resources.map((r) => [r.address, r]));
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
