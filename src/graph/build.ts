import { SourceGraph, type Need } from '../desired/closure.js';
import type { Change, ChangeSet } from '../diff/changes.js';
import { InventoryLookup, refList } from '../inventory/lookup.js';
import type { Inventory, InventoryResource } from '../inventory/model.js';
import { narrowSteps, type Narrowing } from './narrow.js';
import type { Step, StepAction, StepGraph } from './steps.js';
import { topologicalOrder } from './toposort.js';

/**
 * ChangeSet → StepGraph: one or more idempotent steps per change, ordered by what each object
 * needs on the target (closure.ts's ordering edges), then narrowed by --target/--exclude and
 * sorted topologically (ties by id, so the order is deterministic).
 *
 * Ordering rules beyond "what it needs exists first":
 *   - every meta-resource a server needs (and its floating IPs, allocated early) precedes the
 *     server's first downtime step, which is the migration of an attached volume if it has one;
 *   - a security group is created bare, and its rules synced once every group they name exists,
 *     so groups that reference each other do not deadlock;
 *   - a host is put in maintenance, the plan's own migrations leave it, the rest is evacuated,
 *     and only then is it released, upgraded or decommissioned; a fixed layout is checked
 *     against the host's node before any of that (check-host);
 *   - a server leaving a host by evacuation waits for the plan's migrations of the other members
 *     of its server groups (the diff counted on them being gone);
 *   - a host that runs no nova-compute (a controller) goes after every other step of the plan:
 *     the source needs its control plane until everything else is done.
 */
export function buildStepGraph(changeSet: ChangeSet, source: Inventory, narrowing: Narrowing, lookup = new InventoryLookup(source)): StepGraph {
  const builder = new GraphBuilder(changeSet.changes, new SourceGraph(lookup));
  const steps = builder.build();
  const narrowed = narrowSteps(steps, narrowing, changeSet.changes.map((c) => c.address));
  return { steps: topologicalOrder(narrowed) };
}

class GraphBuilder {
  private readonly steps = new Map<string, Step>();
  /** Address → the step after which the object is usable on the target. */
  private readonly readyStep = new Map<string, string>();
  /** Address → the step after which the object exists (for a security group: before its rules). */
  private readonly existsStep = new Map<string, string>();
  private readonly stepsByAddress = new Map<string, Step[]>();

  constructor(
    private readonly changes: readonly Change[],
    private readonly graph: SourceGraph,
  ) {}

  /** Dependencies gathered per step id while linking; sorted into each step once at the end. */
  private readonly dependencies = new Map<string, Set<string>>();

  build(): Step[] {
    for (const change of this.changes) this.addSteps(change);
    for (const change of this.changes) this.linkDependencies(change);
    this.linkControllersLast();
    for (const [id, deps] of this.dependencies) {
      const step = this.steps.get(id) as Step;
      step.dependsOn = [...new Set([...step.dependsOn, ...deps])].sort();
    }
    return [...this.steps.values()];
  }

  private addSteps(change: Change): void {
    const add = (action: StepAction) => this.addStep(action, change);
    switch (change.action) {
      case 'create':
        this.readyStep.set(change.address, add('create'));
        this.existsStep.set(change.address, `create:${change.address}`);
        if (change.kind === 'security-group') this.readyStep.set(change.address, this.addStep('sync-rules', change, [`create:${change.address}`]));
        break;
      case 'update': {
        // What needs the object waits for it to be as desired (a server for its group's rules).
        if (change.kind === 'security-group' && change.differences.some((d) => d.path === 'attributes.rules')) this.readyStep.set(change.address, add('sync-rules'));
        if (change.differences.some((d) => d.path !== 'attributes.rules')) {
          const id = add('update');
          if (!this.readyStep.has(change.address)) this.readyStep.set(change.address, id);
        }
        break;
      }
      case 'migrate':
        // A warm server is copied while it runs; its migrate-server step is then only the cutover.
        if (change.kind === 'server' && change.move?.cutover === 'warm') add('precopy-server');
        this.readyStep.set(change.address, add(change.kind === 'server' ? 'migrate-server' : 'migrate-volume'));
        break;
      case 'host':
        this.addHostSteps(change);
        break;
      default: // noop and conflict: nothing to do (a conflict makes the plan unapplyable)
        break;
    }
  }

  private addHostSteps(change: Change): void {
    const host = change.host;
    if (!host) return;
    const rank = { active: 0, maintenance: 1, evacuated: 2, released: 3, upgraded: 4, decommissioned: 4 } as const;
    let previous: string | undefined;
    const chain = (action: StepAction) => {
      const id = this.addStep(action, change, previous ? [previous] : []);
      previous = id;
    };
    if (host.desired === 'upgraded' && host.fuel?.layout) chain('check-host');
    if (rank[host.current] < 1) chain('maintain-host');
    if (host.desired !== 'maintenance' && rank[host.current] < 2) chain('evacuate-host');
    if (host.desired === 'released') chain('release-host');
    if (host.desired === 'upgraded') chain('upgrade-host');
    if (host.desired === 'decommissioned') chain('decommission-host');
  }

  /** A controller's first step waits for every step of everything else the plan does. */
  private linkControllersLast(): void {
    const isController = (c: Change) => c.kind === 'hypervisor' && c.host?.controller === true;
    const others = this.changes.filter((c) => !isController(c)).flatMap((c) => this.stepsOf(c).map((s) => s.id));
    for (const change of this.changes.filter(isController)) {
      const first = this.stepsOf(change)[0];
      if (!first) continue;
      const deps = this.dependencies.get(first.id) ?? new Set<string>();
      for (const id of others) deps.add(id);
      this.dependencies.set(first.id, deps);
    }
  }

  private linkDependencies(change: Change): void {
    const resource = this.graph.lookup.get(change.address);
    if (change.kind === 'hypervisor') {
      this.linkHost(change);
      return;
    }
    if (!resource) return;
    const needs = this.graph.needs(resource).filter((n) => n.order);
    if (change.action === 'create' && change.kind === 'security-group') {
      // The group itself needs only its project; its rules need the groups they name.
      const remote = needs.filter((n) => n.why === 'remote security group');
      this.dependOn(`create:${change.address}`, needs.filter((n) => n.why !== 'remote security group'));
      this.dependOn(`sync-rules:${change.address}`, remote, this.existsStep);
      return;
    }
    for (const step of this.stepsOf(change)) this.dependOn(step.id, needs);
    if (change.action === 'migrate' && change.kind === 'server' && change.move) this.linkServer(change, resource);
  }

  /**
   * A server needs its whole environment first; its attached volumes move inside its downtime.
   * A warm server's volumes and disk are copied by its pre-copy while it runs, and its floating
   * IPs move inside its cutover: their create steps come after it (they find the moved copy).
   */
  private linkServer(change: Change, server: InventoryResource): void {
    const all = this.graph.serverNeeds(server, change.move!.volumes).filter((n) => n.order);
    if (change.move?.cutover === 'warm') {
      const early = all.filter((n) => n.why !== 'floating IP');
      this.linkServerSteps(`precopy-server:${change.address}`, early);
      this.dependOnSteps(`migrate-server:${change.address}`, [`precopy-server:${change.address}`]);
      for (const fip of all.filter((n) => n.why === 'floating IP')) {
        // The cutover takes the address itself: what the floating IP needs (its router) comes first.
        const resource = this.graph.lookup.get(fip.address);
        if (resource) this.dependOn(`migrate-server:${change.address}`, this.graph.needs(resource).filter((n) => n.order));
        this.dependOnSteps(this.readyStep.get(fip.address) ?? '', [`migrate-server:${change.address}`]);
      }
      return;
    }
    this.linkServerSteps(`migrate-server:${change.address}`, all);
  }

  private linkServerSteps(stepId: string, needs: readonly Need[]): void {
    const environment = needs.filter((n) => !n.why.endsWith('volume'));
    this.dependOn(stepId, needs);
    for (const volume of needs.filter((n) => n.why.endsWith('volume'))) {
      if (this.steps.has(`migrate-volume:${volume.address}`)) this.dependOn(`migrate-volume:${volume.address}`, environment);
    }
  }

  private linkHost(change: Change): void {
    const evacuate = `evacuate-host:${change.address}`;
    if (!this.steps.has(evacuate)) return;
    // Servers the plan migrates off this host go first; evacuation moves only what remains.
    const hostName = change.address.slice('hypervisor:'.length);
    const leaving = this.changes.filter((c) => c.action === 'migrate' && c.kind === 'server' && this.runsOn(c.address, hostName));
    this.dependOn(evacuate, leaving.map((c) => ({ address: c.address, why: 'leaves the host', order: true })));
    this.dependOn(evacuate, this.migratingPeers(change.host?.servers ?? []).map((address) => ({ address, why: 'a server group peer leaves first', order: true })));
  }

  /** Servers the plan migrates that share a server group with one of `servers`. */
  private migratingPeers(servers: readonly string[]): string[] {
    if (servers.length === 0) return [];
    const migrating = new Set(this.changes.filter((c) => c.action === 'migrate' && c.kind === 'server').map((c) => c.address));
    const peers = this.graph.lookup.ofKind('server-group')
      .map((g) => refList(g, 'members'))
      .filter((members) => members.some((m) => servers.includes(m)))
      .flatMap((members) => members.filter((m) => migrating.has(m)));
    return [...new Set(peers)];
  }

  private runsOn(serverAddress: string, host: string): boolean {
    const a = this.graph.lookup.get(serverAddress)?.attributes;
    return a?.['host'] === host || a?.['hypervisorHostname'] === host;
  }

  private dependOnSteps(stepId: string, ids: readonly string[]): void {
    if (!this.steps.has(stepId)) return;
    let deps = this.dependencies.get(stepId);
    if (!deps) this.dependencies.set(stepId, (deps = new Set()));
    for (const id of ids) if (id !== stepId && this.steps.has(id)) deps.add(id);
  }

  /** Adds to a step the steps its needs wait for (by default: until each is usable). */
  private dependOn(stepId: string, needs: readonly Need[], after: ReadonlyMap<string, string> = this.readyStep): void {
    if (!this.steps.has(stepId)) return;
    let deps = this.dependencies.get(stepId);
    if (!deps) this.dependencies.set(stepId, (deps = new Set()));
    for (const need of needs) {
      const ready = after.get(need.address);
      if (ready && ready !== stepId) deps.add(ready);
    }
  }

  private stepsOf(change: Change): readonly Step[] {
    return this.stepsByAddress.get(change.address) ?? [];
  }

  private addStep(action: StepAction, change: Change, dependsOn: string[] = []): string {
    const id = `${action}:${change.address}`;
    const step: Step = { id, action, kind: change.kind, address: change.address, dependsOn };
    this.steps.set(id, step);
    const list = this.stepsByAddress.get(change.address);
    if (list) list.push(step);
    else this.stepsByAddress.set(change.address, [step]);
    return id;
  }
}
