import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { locate, type YamlSource } from '../diagnostics/yaml-source.js';
import type { DesiredState } from '../desired/model.js';

/**
 * Semantic rules of a plan file, checked offline after the schema: the mistakes a schema cannot
 * see (duplicates, contradictions, selectors that select nothing). Each rule has its own code and
 * points at the YAML node, with a hint saying what to do.
 */
export const RULES = {
  doesNothing: 'PH1320',
  duplicateProject: 'PH1321',
  duplicateHost: 'PH1322',
  duplicateWorkload: 'PH1323',
  emptySelector: 'PH1324',
  upgradeWithoutFuel: 'PH1325',
  fuelUnused: 'PH1326',
  templateIsItself: 'PH1327',
  destinationLeaves: 'PH1328',
  destinationIsItself: 'PH1329',
  evacuateUnused: 'PH1330',
  everyProject: 'PH1331',
  destinationForTarget: 'PH1332',
  mapToItself: 'PH1333',
} as const;

type Path = Array<string | number>;

export function checkRules(desired: DesiredState, source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (severity: Diagnostic['severity'], code: string, path: Path, summary: string, hint: string, preferKey = false) =>
    out.push({ severity, code, summary, hint, source: { ...locate(source, path, preferKey), path: path.join('.') } });
  const raw = source.value as { spec: Record<string, unknown> };

  if (!desired.identity && desired.workloads.length === 0 && desired.hosts.length === 0 && desired.images === 'referenced' && desired.flavors === 'referenced') {
    report('error', RULES.doesNothing, ['spec'], 'the plan does nothing: it selects no identity, workloads, images, flavors or hosts', 'add spec.workloads, spec.identity or spec.hosts (see plans/demo.yaml)', true);
  }

  if (desired.identity) {
    checkDuplicates(desired.identity.projects, (i, value) =>
      report('error', RULES.duplicateProject, ['spec', 'identity', 'projects', i], `spec.identity.projects lists "${value}" twice`, 'remove the second one'));
    if (desired.identity.projects.length === 0) report('error', RULES.emptySelector, ['spec', 'identity', 'projects'], 'spec.identity.projects is empty: it selects nothing', 'name at least one project, or remove spec.identity');
    desired.identity.projects.forEach((p, i) => {
      if (p === '*') report('warning', RULES.everyProject, ['spec', 'identity', 'projects', i], '"*" moves every project, including admin and the service projects', 'list the tenant projects instead (globs such as "team-*" work)');
    });
  }

  const seenWorkloads = new Map<string, number>();
  const rawWorkloads = (raw.spec['workloads'] ?? []) as Array<Record<string, unknown>>;
  for (const w of desired.workloads) {
    const at: Path = ['spec', 'workloads', w.index];
    if (w.projects.length === 0) report('error', RULES.emptySelector, [...at, 'projects'], `spec.workloads[${w.index}].projects is empty: it selects nothing`, 'name at least one project (a glob such as "*" means all)');
    const s = w.servers;
    if (rawWorkloads[w.index]?.['servers'] !== undefined && s.names.length + s.ids.length + s.tags.length + s.hosts.length === 0) {
      report('error', RULES.emptySelector, [...at, 'servers'], `spec.workloads[${w.index}].servers has no names, ids, tags or hosts: an empty selector`, 'fill in one of them, or remove `servers` to move every server of the projects', true);
    }
    const key = JSON.stringify([[...w.projects].sort(), [...s.names].sort(), [...s.ids].sort(), [...s.tags].sort(), [...s.hosts].sort()]);
    const first = seenWorkloads.get(key);
    if (first !== undefined) report('error', RULES.duplicateWorkload, at, `spec.workloads[${w.index}] selects exactly what spec.workloads[${first}] selects`, 'merge the two workloads, or narrow one of them');
    else seenWorkloads.set(key, w.index);
  }

  checkDuplicates(desired.hosts.map((h) => h.name), (i, value) =>
    report('error', RULES.duplicateHost, ['spec', 'hosts', i, 'name'], `spec.hosts lists ${value} twice`, 'give each host one entry'));
  const leaving = new Map(desired.hosts.map((h) => [h.name, h.state]));
  const rawHosts = (raw.spec['hosts'] ?? []) as Array<Record<string, unknown>>;
  desired.hosts.forEach((h, i) => {
    const at: Path = ['spec', 'hosts', i];
    if (h.state === 'upgraded' && !h.fuel) report('error', RULES.upgradeWithoutFuel, at, `spec.hosts[${i}]: ${h.name} is to be upgraded but has no fuel placement`, 'add fuel: { environment, roles, template } naming the Fuel environment and a target compute node to copy the layout from');
    if (h.state !== 'upgraded' && h.fuel) report('warning', RULES.fuelUnused, [...at, 'fuel'], `spec.hosts[${i}].fuel is ignored: ${h.name} is to be ${h.state}, not upgraded`, 'remove fuel, or set state: upgraded', true);
    if (h.fuel && h.fuel.template === h.name) report('error', RULES.templateIsItself, [...at, 'fuel', 'template'], `spec.hosts[${i}].fuel.template is ${h.name} itself`, 'name a compute node that is already in the target cloud');
    if (h.state === 'maintenance' && rawHosts[i]?.['evacuate'] !== undefined) {
      report('warning', RULES.evacuateUnused, [...at, 'evacuate'], `spec.hosts[${i}].evacuate has no effect: maintenance only disables nova-compute, it moves no servers`, 'set state: evacuated (or beyond) to move the servers, or remove evacuate', true);
    }
    if (h.evacuate === 'target' && h.to.length > 0) report('error', RULES.destinationForTarget, [...at, 'to'], `spec.hosts[${i}]: evacuate: target sends the servers to the target cloud, so "to" source hosts contradict it`, 'remove `to`, or evacuate live/cold to the hosts it names', true);
    h.to.forEach((destination, j) => {
      if (destination === h.name) {
        report('error', RULES.destinationIsItself, [...at, 'to', j], `spec.hosts[${i}].to names ${h.name} itself`, 'name another source host');
        return;
      }
      const state = leaving.get(destination);
      if (state !== undefined) {
        report('error', RULES.destinationLeaves, [...at, 'to', j], `spec.hosts[${i}] evacuates to ${destination}, which this plan puts in ${state}`, `pick a destination host that stays in service, or drop ${destination} from spec.hosts`);
      }
    });
  });

  for (const [map, entries] of Object.entries(desired.maps)) {
    for (const [from, to] of Object.entries(entries)) {
      if (from === to) report('warning', RULES.mapToItself, ['spec', 'maps', map, from], `spec.maps.${map} maps ${from} to itself`, 'remove the entry: same names match without a map', true);
    }
  }
  return out;
}

function checkDuplicates(values: readonly string[], onDuplicate: (index: number, value: string) => void): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) onDuplicate(index, value);
    seen.add(value);
  });
}
