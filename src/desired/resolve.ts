import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceLocation, PhCode } from '../errors.js';
import { compareAddresses } from '../inventory/address.js';
import { InventoryLookup, refList } from '../inventory/lookup.js';
import type { Inventory, InventoryResource } from '../inventory/model.js';
import { SourceGraph } from './closure.js';
import type { DesiredState, FlavorPolicy, ImagePolicy, Pattern, WorkloadSpec } from './model.js';
import { isGlob, matchesPattern } from './patterns.js';
import type { MovePolicy, SelectedResource, Selection } from './selection.js';

/**
 * Resolution: the plan file's selectors become concrete source objects, plus everything they
 * need (closure.ts), each with the reason it is in. Pure: desired state × source inventory.
 *
 * Errors, located at the selector's YAML node:
 *   PH1401  a selector matches nothing
 *   PH1402  a plain name matches more than one object (use the id, or a glob to mean all)
 *   PH1403  a server is selected by two workloads (which strategy would win is unclear)
 * Warnings:
 *   PH1404  a named volume is attached to a server that stays (its copy is crash-consistent)
 */
export const RESOLVE_CODES = { nothing: 'PH1401', ambiguous: 'PH1402', twice: 'PH1403', liveVolume: 'PH1404' } as const satisfies Record<string, PhCode>;

/** The defaults for servers that leave a host evacuated to the target (no workload names them). */
export const HOST_EVACUATION_MOVE: MovePolicy = { strategy: 'snapshot', volumes: 'attached', source: 'delete' };

export function resolveSelection(desired: DesiredState, source: Inventory, lookup = new InventoryLookup(source)): Selection {
  return new Resolver(desired, new SourceGraph(lookup)).run();
}

class Resolver {
  private readonly selected = new Map<string, SelectedResource>();
  private readonly diagnostics: Diagnostic[] = [];
  private readonly queue: string[] = [];
  private readonly lookup: InventoryLookup;

  constructor(
    private readonly desired: DesiredState,
    private readonly graph: SourceGraph,
  ) {
    this.lookup = graph.lookup;
  }

  run(): Selection {
    this.selectIdentity();
    this.desired.workloads.forEach((workload) => this.selectWorkload(workload));
    this.selectHostEvacuations();
    this.selectByPolicy('image', this.desired.images, 'images');
    this.selectByPolicy('flavor', this.desired.flavors, 'flavors');
    this.selectVolumes();
    this.closeOver();
    this.selectDomainGrants();
    const resources = [...this.selected.values()].sort((a, b) => compareAddresses(a.address, b.address));
    return { resources, diagnostics: this.diagnostics };
  }

  private selectIdentity(): void {
    const identity = this.desired.identity;
    if (!identity) return;
    for (const project of this.matchProjects(identity.projects, identity.location, 'spec.identity.projects')) {
      this.add(project, 'copy', `identity: project ${project.name}`);
      for (const need of this.graph.projectMembers(project.address)) this.addAddress(need.address, `identity: ${need.why} of ${project.address}`);
    }
  }

  private selectWorkload(workload: WorkloadSpec): void {
    const where = `spec.workloads[${workload.index}]`;
    const projects = this.matchProjects(workload.projects, workload.location, `${where}.projects`);
    const servers = projects.flatMap((p) => this.lookup.ownedBy(p.id).filter((r) => r.kind === 'server'));
    const chosen = this.filterServers(servers, workload, where);
    const move: MovePolicy = { strategy: workload.strategy, volumes: workload.volumes, source: workload.source };
    for (const server of chosen) this.selectServer(server, move, `workloads[${workload.index}]`, workload);
    // A workload narrowed to some servers brings the quotas of their projects only, not of every
    // project its pattern matched (`projects: ["*"]` with one server name must not copy them all).
    const { names, ids, tags, hosts } = workload.servers;
    const narrowed = names.length + ids.length + tags.length + hosts.length > 0;
    const inPlay = narrowed ? projects.filter((p) => chosen.some((s) => s.project?.id === p.id)) : projects;
    for (const project of inPlay) {
      for (const need of this.graph.projectQuotas(project.address)) this.addAddress(need.address, `workloads[${workload.index}]: quota of ${project.address}`);
    }
    if (workload.volumes === 'all') {
      // Unattached volumes of the projects; volumes attached to servers that stay are left alone.
      const moving = new Set(chosen.map((s) => s.address));
      for (const volume of projects.flatMap((p) => this.lookup.ownedBy(p.id).filter((r) => r.kind === 'volume'))) {
        const servers = refList(volume, 'servers');
        if (servers.length === 0 || servers.every((s) => moving.has(s))) {
          this.add(volume, 'migrate', `workloads[${workload.index}]: volumes all`, { workload: workload.index });
        }
      }
    }
  }

  /** Every non-empty list of the selector narrows (AND); each entry must match something. */
  private filterServers(servers: readonly InventoryResource[], workload: WorkloadSpec, where: string): InventoryResource[] {
    const { names, ids, tags, hosts } = workload.servers;
    const narrow = (list: readonly InventoryResource[], field: string, patterns: readonly string[], keys: (s: InventoryResource) => string[], single: boolean) => {
      if (patterns.length === 0) return list;
      const kept = new Set<InventoryResource>();
      for (const pattern of patterns) {
        const hits = list.filter((s) => matchesPattern(pattern, keys(s)));
        this.checkHits(hits, pattern, `${where}.servers.${field}`, workload.location, single && !isGlob(pattern));
        for (const hit of hits) kept.add(hit);
      }
      return list.filter((s) => kept.has(s));
    };
    let list: readonly InventoryResource[] = servers;
    list = narrow(list, 'ids', ids, (s) => [s.id], false);
    list = narrow(list, 'names', names, (s) => [s.name], true);
    list = narrow(list, 'tags', tags, (s) => tagsOf(s), false);
    list = narrow(list, 'hosts', hosts, (s) => hostsOf(s), false);
    return [...list];
  }

  private selectServer(server: InventoryResource, move: MovePolicy, by: string, workload?: WorkloadSpec): void {
    const existing = this.selected.get(server.address);
    if (existing?.move) {
      this.diagnostics.push({
        severity: 'error',
        code: RESOLVE_CODES.twice,
        message: `${server.address} is selected by ${existing.reason.split(':')[0]} and by ${by}`,
        hint: 'narrow one of the selectors so each server moves one way',
        ...(workload ? { location: { ...workload.location, path: `spec.workloads[${workload.index}]` } } : {}),
      });
      return;
    }
    this.add(server, 'migrate', `${by}: ${server.address}`, { move, ...(workload ? { workload: workload.index } : {}) });
    for (const need of this.graph.serverNeeds(server, move.volumes)) {
      const role = need.why.endsWith('volume') ? 'migrate' : 'copy';
      this.addAddress(need.address, `${need.why} of ${server.address}`, role, workload?.index);
    }
  }

  /** Hosts that evacuate to the target send every server they still run there. */
  private selectHostEvacuations(): void {
    for (const host of this.desired.hosts) {
      if (host.evacuate !== 'target' || host.state === 'maintenance') continue;
      for (const server of this.lookup.ofKind('server')) {
        if (!hostsOf(server).includes(host.name) || this.selected.get(server.address)?.move) continue;
        this.selectServer(server, HOST_EVACUATION_MOVE, `hosts ${host.name} (evacuate: target)`);
      }
    }
  }

  private selectByPolicy(kind: 'image' | 'flavor', policy: ImagePolicy | FlavorPolicy, field: string): void {
    if (policy === 'referenced') return;
    const all = this.lookup.ofKind(kind);
    if (policy === 'all') {
      for (const resource of all) this.add(resource, 'copy', `${field}: all`);
      return;
    }
    for (const pattern of policy.names) {
      const hits = all.filter((r) => matchesPattern(pattern, [r.name, r.id]));
      this.checkHits(hits, pattern, `spec.${field}.names`, undefined, !isGlob(pattern));
      for (const hit of hits) this.add(hit, 'copy', `${field}: ${pattern}`);
    }
  }

  /**
   * Named volumes move with their projects. One attached to a server that stays is still
   * copied (from a snapshot taken while the server runs), which the plan says as a warning.
   */
  private selectVolumes(): void {
    const spec = this.desired.volumes;
    if (!spec) return;
    const all = this.lookup.ofKind('volume');
    for (const pattern of spec.names) {
      const hits = all.filter((v) => matchesPattern(pattern, [v.name, v.id, v.address.slice('volume:'.length)]));
      this.checkHits(hits, pattern, 'spec.volumes', spec.location, !isGlob(pattern));
      for (const volume of hits) {
        this.add(volume, 'migrate', `volumes: ${pattern}`);
        const staying = refList(volume, 'servers').filter((s) => !this.selected.get(s)?.move);
        if (staying.length > 0) {
          this.diagnostics.push({
            severity: 'warning', code: RESOLVE_CODES.liveVolume,
            message: `${volume.address} is attached to ${staying.join(', ')}, which stays: its copy is taken from a snapshot while the server runs (crash-consistent)`,
            hint: 'move the server too (a workload, or `pumphouse migrate server`), or detach the volume first, for a consistent copy',
            location: { ...spec.location, path: 'spec.volumes' },
          });
        }
      }
    }
  }

  /** Adds what every selected object needs until nothing new comes in. */
  private closeOver(): void {
    while (this.queue.length > 0) {
      const address = this.queue.pop() as string;
      const resource = this.lookup.get(address);
      if (!resource) continue;
      for (const need of this.graph.needs(resource)) if (need.follow !== false) this.addAddress(need.address, `${need.why} of ${address}`);
    }
  }

  /** The domain roles of the users that move (each brings its role and domain). */
  private selectDomainGrants(): void {
    const users = [...this.selected.values()].filter((s) => s.kind === 'user').map((s) => s.address);
    for (const user of users) {
      for (const need of this.graph.domainGrants(user)) this.addAddress(need.address, `${need.why} of ${user}`);
    }
    this.closeOver();
  }

  private matchProjects(patterns: readonly Pattern[], location: SourceLocation, path: string): InventoryResource[] {
    const projects = this.lookup.ofKind('project');
    const out = new Set<InventoryResource>();
    for (const pattern of patterns) {
      const hits = projects.filter((p) => matchesPattern(pattern, [p.name, p.id, p.address.slice('project:'.length)]));
      this.checkHits(hits, pattern, path, location, !isGlob(pattern));
      for (const hit of hits) out.add(hit);
    }
    return [...out];
  }

  private checkHits(hits: readonly InventoryResource[], pattern: string, path: string, location: SourceLocation | undefined, single: boolean): void {
    const located = location ? { location: { ...location, path } } : {};
    if (hits.length === 0) {
      this.diagnostics.push({ severity: 'error', code: RESOLVE_CODES.nothing, message: `${path}: "${pattern}" matches nothing on the source cloud`, hint: 'check the spelling against `pumphouse discover --cloud source`, or remove it', ...located });
    } else if (single && hits.length > 1) {
      const candidates = hits.slice(0, 5).map((h) => `${h.address} (${h.id})`).join(', ');
      this.diagnostics.push({ severity: 'error', code: RESOLVE_CODES.ambiguous, message: `${path}: "${pattern}" matches ${hits.length} objects: ${candidates}`, hint: 'name one by its id, or write a glob to mean all of them', ...located });
    }
  }

  private addAddress(address: string, reason: string, role: 'copy' | 'migrate' = 'copy', workload?: number): void {
    const resource = this.lookup.get(address);
    if (resource) this.add(resource, role, reason, workload === undefined ? {} : { workload });
  }

  /** The first reason an object is selected for is the one shown; a migrate role wins over copy. */
  private add(resource: InventoryResource, role: 'copy' | 'migrate', reason: string, extra: { workload?: number; move?: MovePolicy } = {}): void {
    const existing = this.selected.get(resource.address);
    if (existing) {
      if (extra.move && !existing.move) this.selected.set(resource.address, { ...existing, role: 'migrate', reason, ...extra });
      else if (role === 'migrate' && existing.role === 'copy') existing.role = 'migrate';
      return;
    }
    this.selected.set(resource.address, { address: resource.address, kind: resource.kind, role, reason, ...extra });
    this.queue.push(resource.address);
  }
}

function tagsOf(server: InventoryResource): string[] {
  const tags = server.attributes['tags'];
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

/** A server's host names: the compute host and the hypervisor hostname (they can differ). */
export function hostsOf(server: InventoryResource): string[] {
  const names = [server.attributes['host'], server.attributes['hypervisorHostname']];
  return names.filter((n): n is string => typeof n === 'string' && n !== '');
}
