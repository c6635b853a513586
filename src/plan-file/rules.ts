import { resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { locate, type YamlSource } from '../diagnostics/yaml-source.js';
import type { DesiredState, HostSpec, IdentitySpec, Maps, WorkloadSpec } from '../desired/model.js';
import type { PhCode } from '../errors.js';

/**
 * Semantic rules of a plan file, checked offline after the schema: the mistakes a schema cannot
 * see (duplicates, contradictions, selectors that select nothing, settings that do nothing).
 * Each rule has its own code, points at the YAML node, and hints at what to do. Errors stop
 * `validate` and `plan`; warnings are shown and the plan goes on.
 */
export const RULES = {
  doesNothing: 'PH1320',
  duplicateProject: 'PH1321',
  duplicateHost: 'PH1322',
  duplicateWorkload: 'PH1323',
  emptySelector: 'PH1324',
  fuelUnused: 'PH1326',
  templateIsItself: 'PH1327',
  destinationLeaves: 'PH1328',
  destinationIsItself: 'PH1329',
  movingUnused: 'PH1330',
  everyProject: 'PH1331',
  destinationForTarget: 'PH1332',
  mapToItself: 'PH1333',
  maintenanceToTarget: 'PH1334',
  passwordsFileUnused: 'PH1335',
  passwordsFileIsPlan: 'PH1336',
  layoutAndTemplate: 'PH1337',
  layoutContradiction: 'PH1338',
  abandonUnused: 'PH1339',
} as const satisfies Record<string, PhCode>;

type Path = Array<string | number>;
type Report = (severity: Diagnostic['severity'], code: PhCode, path: Path, summary: string, hint: string, preferKey?: boolean) => void;
/** The keys as written: some rules are about a key being present, not about its default. */
type RawSpec = { identity?: Record<string, unknown>; workloads?: Array<Record<string, unknown>>; hosts?: Array<Record<string, unknown>> };

export function checkRules(desired: DesiredState, source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report: Report = (severity, code, path, summary, hint, preferKey = false) =>
    out.push({ severity, code, message: summary, hint, location: { ...locate(source, path, preferKey), path: path.join('.') } });
  const raw = (source.value as { spec: RawSpec }).spec;

  if (!desired.identity && desired.workloads.length === 0 && desired.hosts.length === 0 && desired.images === 'referenced' && desired.flavors === 'referenced' && !desired.volumes) {
    report('error', RULES.doesNothing, ['spec'], 'the plan does nothing: it selects no identity, workloads, images, flavors, volumes or hosts', 'add spec.workloads, spec.identity or spec.hosts (see plans/demo.yaml)', true);
  }
  if (desired.identity) identityRules(desired.identity, raw.identity ?? {}, desired.file, report);
  workloadRules(desired.workloads, raw.workloads ?? [], report);
  hostRules(desired.hosts, raw.hosts ?? [], report);
  mapRules(desired.maps, report);
  return out;
}

function identityRules(identity: IdentitySpec, raw: Record<string, unknown>, planFile: string, report: Report): void {
  const at: Path = ['spec', 'identity'];
  if (identity.projects.length === 0) report('error', RULES.emptySelector, [...at, 'projects'], 'spec.identity.projects is empty: it selects nothing', 'name at least one project, or remove spec.identity');
  forEachDuplicate(identity.projects, (i, value) =>
    report('error', RULES.duplicateProject, [...at, 'projects', i], `spec.identity.projects lists "${value}" twice`, 'remove the second one'));
  identity.projects.forEach((p, i) => {
    if (p === '*') report('warning', RULES.everyProject, [...at, 'projects', i], '"*" moves every project, including admin and the service projects', 'list the tenant projects instead (globs such as "team-*" work)');
  });
  if (raw['passwordsFile'] !== undefined && identity.passwords === 'skip') {
    report('warning', RULES.passwordsFileUnused, [...at, 'passwordsFile'], 'spec.identity.passwordsFile is ignored: passwords: skip generates no password', 'remove passwordsFile, or set passwords: reset', true);
  }
  if (identity.passwords === 'reset' && identity.passwordsFile === resolve(planFile)) {
    report('error', RULES.passwordsFileIsPlan, [...at, 'passwordsFile'], 'spec.identity.passwordsFile is the plan file itself: apply would overwrite it with passwords', 'name another file, e.g. <plan name>.passwords.yaml (the default)');
  }
}

function workloadRules(workloads: readonly WorkloadSpec[], raw: ReadonlyArray<Record<string, unknown>>, report: Report): void {
  const seen = new Map<string, number>();
  for (const w of workloads) {
    const at: Path = ['spec', 'workloads', w.index];
    if (w.projects.length === 0) report('error', RULES.emptySelector, [...at, 'projects'], `spec.workloads[${w.index}].projects is empty: it selects nothing`, 'name at least one project (a glob such as "*" means all)');
    const s = w.servers;
    if (raw[w.index]?.['servers'] !== undefined && s.names.length + s.ids.length + s.tags.length + s.hosts.length === 0) {
      report('error', RULES.emptySelector, [...at, 'servers'], `spec.workloads[${w.index}].servers has no names, ids, tags or hosts: an empty selector`, 'fill in one of them, or remove `servers` to move every server of the projects', true);
    }
    const key = JSON.stringify([w.projects, s.names, s.ids, s.tags, s.hosts].map((list) => [...new Set(list)].sort()));
    const first = seen.get(key);
    if (first !== undefined) report('error', RULES.duplicateWorkload, at, `spec.workloads[${w.index}] selects exactly what spec.workloads[${first}] selects`, 'merge the two workloads, or narrow one of them');
    else seen.set(key, w.index);
  }
}

function hostRules(hosts: readonly HostSpec[], raw: ReadonlyArray<Record<string, unknown>>, report: Report): void {
  forEachDuplicate(hosts.map((h) => h.name), (i, value) =>
    report('error', RULES.duplicateHost, ['spec', 'hosts', i, 'name'], `spec.hosts lists ${value} twice`, 'give each host one entry'));
  const inPlan = new Map(hosts.map((h) => [h.name, h.state]));
  hosts.forEach((h, i) => {
    const at: Path = ['spec', 'hosts', i];
    if (h.state !== 'upgraded' && h.fuel) report('warning', RULES.fuelUnused, [...at, 'fuel'], `spec.hosts[${i}].fuel is ignored: ${h.name} is to be ${h.state}, not upgraded`, 'remove fuel, or set state: upgraded', true);
    if (h.fuel && h.fuel.template === h.name) report('error', RULES.templateIsItself, [...at, 'fuel', 'template'], `spec.hosts[${i}].fuel.template is ${h.name} itself`, 'name a compute node that is already in the target cloud');
    if (h.state === 'maintenance') maintenanceRules(h, i, raw[i] ?? {}, report);
    if (h.fuel?.layout) layoutRules(h, i, report);
    if (h.abandon.length > 0 && (h.state === 'maintenance' || h.state === 'evacuated')) {
      report('warning', RULES.abandonUnused, [...at, 'abandon'], `spec.hosts[${i}].abandon has no effect: ${h.name} stays in the source (${h.state})`, 'abandon matters only when the plan takes the source\'s last controller (released, upgraded or decommissioned); remove it', true);
    }
    if (h.evacuate === 'target' && h.to.length > 0) report('error', RULES.destinationForTarget, [...at, 'to'], `spec.hosts[${i}]: evacuate: target sends the servers to the target cloud, so "to" source hosts contradict it`, 'remove `to`, or evacuate live/cold to the hosts it names', true);
    h.to.forEach((destination, j) => {
      if (destination === h.name) {
        report('error', RULES.destinationIsItself, [...at, 'to', j], `spec.hosts[${i}].to names ${h.name} itself`, 'name another source host');
        return;
      }
      const state = inPlan.get(destination);
      if (state !== undefined) {
        report('error', RULES.destinationLeaves, [...at, 'to', j], `spec.hosts[${i}] evacuates to ${destination}, which this plan puts in ${state}`, `pick a destination host that stays in service, or drop ${destination} from spec.hosts`);
      }
    });
  });
}

/**
 * A fixed layout is the whole layout: it cannot also copy a template's, and it must not contradict
 * itself (what it says of the node's actual disks and NICs is checked against Fuel at apply time).
 */
function layoutRules(host: HostSpec, i: number, report: Report): void {
  const at: Path = ['spec', 'hosts', i, 'fuel'];
  const layout = host.fuel?.layout;
  if (!layout) return;
  if (host.fuel?.template) report('error', RULES.layoutAndTemplate, [...at, 'template'], `spec.hosts[${i}].fuel gives both a layout and a template to copy one from`, 'keep one: layout (the plan says it) or template (copied from that node)', true);
  forEachDuplicate(layout.disks.map((d) => d.name), (j, name) => report('error', RULES.layoutContradiction, [...at, 'layout', 'disks', j, 'name'], `spec.hosts[${i}].fuel.layout names disk ${name} twice`, 'give each disk one entry'));
  forEachDuplicate(layout.interfaces.map((n) => n.name), (j, name) => report('error', RULES.layoutContradiction, [...at, 'layout', 'interfaces', j, 'name'], `spec.hosts[${i}].fuel.layout names NIC ${name} twice`, 'give each NIC one entry'));
  layout.disks.forEach((disk, j) => {
    if (disk.volumes.filter((v) => v.size === 'rest').length > 1) report('error', RULES.layoutContradiction, [...at, 'layout', 'disks', j, 'volumes'], `spec.hosts[${i}].fuel.layout: disk ${disk.name} has more than one volume of size "rest"`, 'give all but one a size in MB');
  });
  const networks = layout.interfaces.flatMap((n, j) => n.networks.map((network) => ({ network, j })));
  const seen = new Set<string>();
  for (const { network, j } of networks) {
    if (seen.has(network)) report('error', RULES.layoutContradiction, [...at, 'layout', 'interfaces', j, 'networks'], `spec.hosts[${i}].fuel.layout puts network ${network} on more than one NIC`, 'put each network on one NIC');
    seen.add(network);
  }
}

/** Maintenance only disables nova-compute: whatever says how servers leave the host is moot. */
function maintenanceRules(host: HostSpec, i: number, raw: Record<string, unknown>, report: Report): void {
  const at: Path = ['spec', 'hosts', i];
  if (host.evacuate === 'target') {
    report('error', RULES.maintenanceToTarget, [...at, 'evacuate'], `spec.hosts[${i}]: evacuate: target contradicts state: maintenance, which moves no servers`, 'set state: evacuated (or beyond) to move its servers to the target, or remove evacuate', true);
  }
  for (const key of ['evacuate', 'to', 'parallelism'] as const) {
    if (raw[key] === undefined || (key === 'evacuate' && host.evacuate === 'target')) continue;
    report('warning', RULES.movingUnused, [...at, key], `spec.hosts[${i}].${key} has no effect: maintenance only disables nova-compute, it moves no servers`, `set state: evacuated (or beyond) to move the servers, or remove ${key}`, true);
  }
}

function mapRules(maps: Maps, report: Report): void {
  for (const [map, entries] of Object.entries(maps)) {
    for (const [from, to] of Object.entries(entries)) {
      if (from === to) report('warning', RULES.mapToItself, ['spec', 'maps', map, from], `spec.maps.${map} maps ${from} to itself`, 'remove the entry: same names match without a map', true);
    }
  }
}

function forEachDuplicate(values: readonly string[], onDuplicate: (index: number, value: string) => void): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) onDuplicate(index, value);
    seen.add(value);
  });
}
