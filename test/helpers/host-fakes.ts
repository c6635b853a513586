import { MemoryDocument, StateLedger } from '../../src/apply/ledger.js';
import type { HostHardware, HostManagement } from '../../src/config/types.js';
import type { Change, HostChange } from '../../src/diff/changes.js';
import type { StepContext, StepRunner } from '../../src/executor/runner.js';
import type { HostStepAction } from '../../src/graph/steps.js';
import type { PowerDriver, PowerState } from '../../src/hardware/power.js';
import type { HostApplyContext, HostStepContext } from '../../src/hosts/context.js';
import type {
  ComputeServiceView, EvacuationMove, FixedLayoutRef, FuelEnvironmentRef, FuelNodeRef, FuelOps, FuelTaskName, FuelTaskRef, HostServerView, NovaHostOps, PlacementSnapshot,
} from '../../src/hosts/adapters.js';
import { CallLog } from './call-log.js';

/**
 * In-memory fakes of the host steps' adapters (src/hosts/adapters.ts): Nova's host operations, the Fuel master
 * and a BMC, all writing to one call log (call-log.ts), so a test reads the order of every call across them.
 * Each fake behaves as the real thing does where the runners depend on it: a move ends with the
 * server elsewhere, a Fuel task runs then ends and changes the node, a PXE boot makes the host
 * register. Scripts and hooks change that for the failure paths; `journal.killAt` throws at a
 * chosen call, as a kill of the apply would stop it there.
 */

export function service(host: string, binary = 'nova-compute', over: Partial<ComputeServiceView> = {}): ComputeServiceView {
  return { id: `svc-${binary}-${host}`, host, binary, status: 'enabled', state: 'up', forcedDown: false, disabledReason: null, ...over };
}

export function server(id: string, host: string, over: Partial<HostServerView> = {}): HostServerView {
  return { id, name: id, status: 'ACTIVE', taskState: null, host, ...over };
}

/** What a server's status becomes on each read after a move, by move (the last step stays). */
export type ServerScript = Array<Partial<HostServerView> | 'gone'>;

export class FakeNova implements NovaHostOps {
  readonly serviceList: ComputeServiceView[] = [];
  readonly servers = new Map<string, HostServerView>();
  /** What each later read of a server shows; set by a move unless a test set one. */
  readonly scripts = new Map<string, ServerScript>();
  placement: PlacementSnapshot = { hypervisors: [], servers: [], groups: [] };

  constructor(private readonly journal: CallLog, private readonly name: string, private readonly destination = 'cmp-9') {}

  add(...servers: HostServerView[]): this {
    for (const s of servers) this.servers.set(s.id, { ...s });
    return this;
  }

  async computeService(host: string): Promise<ComputeServiceView | undefined> {
    return this.serviceList.find((s) => s.host === host && s.binary === 'nova-compute');
  }

  async services(host: string): Promise<ComputeServiceView[]> {
    return this.serviceList.filter((s) => s.host === host);
  }

  async placementSnapshot(): Promise<PlacementSnapshot> {
    this.journal.record(`${this.name}.placementSnapshot`);
    return this.placement;
  }

  async disableService(s: ComputeServiceView, reason: string): Promise<void> {
    this.journal.record(`${this.name}.disableService ${s.host} ${reason}`);
    this.find(s).status = 'disabled';
  }

  async forceDown(s: ComputeServiceView, down: boolean): Promise<void> {
    this.journal.record(`${this.name}.forceDown ${s.host} ${down}`);
    Object.assign(this.find(s), { forcedDown: down, state: down ? 'down' : 'up' });
  }

  async deleteService(s: ComputeServiceView): Promise<void> {
    this.journal.record(`${this.name}.deleteService ${s.host} ${s.binary}`);
    this.serviceList.splice(this.serviceList.indexOf(this.find(s)), 1);
  }

  async serversOn(host: string): Promise<HostServerView[]> {
    return [...this.servers.values()].filter((s) => s.host === host).map((s) => ({ ...s }));
  }

  async server(id: string): Promise<HostServerView | undefined> {
    const step = this.scripts.get(id)?.shift();
    if (step === 'gone') this.servers.delete(id);
    else if (step) Object.assign(this.servers.get(id) ?? {}, step);
    const found = this.servers.get(id);
    return found ? { ...found } : undefined;
  }

  async move(serverId: string, how: EvacuationMove, to: readonly string[]): Promise<void> {
    this.journal.record(`${this.name}.move ${serverId} ${how}${to.length > 0 ? ` to ${to.join(',')}` : ''}`);
    if (this.scripts.has(serverId)) return;
    const host = to[0] ?? this.destination;
    const script: ServerScript = how === 'cold' ? [{ status: 'RESIZE' }, { status: 'VERIFY_RESIZE', host }] : [{ status: how === 'live' ? 'MIGRATING' : 'REBUILD' }, { status: 'ACTIVE', host }];
    this.scripts.set(serverId, script);
  }

  async confirmResize(serverId: string): Promise<void> {
    this.journal.record(`${this.name}.confirmResize ${serverId}`);
    this.scripts.set(serverId, [{ status: 'ACTIVE' }]);
  }

  private find(s: ComputeServiceView): ComputeServiceView {
    const found = this.serviceList.find((x) => x.id === s.id);
    if (!found) throw new Error(`fake nova: no service ${s.id}`);
    return found;
  }
}

export function fuelNode(id: number, over: Partial<FuelNodeRef> = {}): FuelNodeRef {
  return {
    id, name: `Untitled (${id})`, status: 'discover', online: true, cluster: null, roles: [], pendingRoles: [], pendingAddition: false, pendingDeletion: false,
    fqdn: null, hostname: null, macs: [], progress: 0, errorType: null, ...over,
  };
}

interface FakeTask extends FuelTaskRef {
  environmentId: number;
  nodeId: number | undefined;
  /** Statuses the next reads show; the last one stays. */
  script: Array<FuelTaskRef['status']>;
  message: string | null;
}

/** How the fake master ends a task of `name`: each read takes the next status. */
export type TaskOutcome = { statuses: Array<FuelTaskRef['status']>; message?: string };

export class FakeFuel implements FuelOps {
  readonly environmentList: FuelEnvironmentRef[] = [{ id: 1, name: 'mos-9' }, { id: 2, name: 'old-env' }];
  readonly nodeMap = new Map<number, FuelNodeRef>();
  readonly tasks = new Map<number, FakeTask>();
  /** How each started task of a name ends (consumed first to last; then it runs once and is ready). */
  readonly outcomes = new Map<FuelTaskName, TaskOutcome[]>();
  /** Problems fixedLayoutProblems reports (empty: the layout fits). */
  layoutProblems: string[] = [];
  /** Whether a node wiped by its removal boots the bootstrap and registers again. */
  wipedNodesReturn = true;
  /** Called when a deployment makes a node ready (the node then serves the target). */
  onDeployed: (node: FuelNodeRef) => void = () => undefined;
  private nextNodeId = 20;
  private nextTaskId = 100;

  constructor(private readonly journal: CallLog) {}

  addNode(node: FuelNodeRef): FuelNodeRef {
    this.nodeMap.set(node.id, { ...node });
    return node;
  }

  /** A new node registers from the bootstrap with `macs` (the host booted it). */
  register(macs: readonly string[], over: Partial<FuelNodeRef> = {}): FuelNodeRef {
    const id = this.nextNodeId++;
    return this.addNode(fuelNode(id, { macs: [...macs], ...over }));
  }

  async environmentId(name: string): Promise<number> {
    const found = this.environmentList.find((e) => e.name === name);
    if (!found) throw new Error(`fake fuel: no environment ${name}`);
    return found.id;
  }

  async environments(): Promise<FuelEnvironmentRef[]> {
    return this.environmentList.map((e) => ({ ...e }));
  }

  async nodes(): Promise<FuelNodeRef[]> {
    return [...this.nodeMap.values()].map((n) => ({ ...n }));
  }

  async node(id: number): Promise<FuelNodeRef> {
    const found = this.nodeMap.get(id);
    if (!found) throw new Error(`fake fuel: no node ${id}`);
    return { ...found };
  }

  async assign(environmentId: number, nodeId: number, roles: readonly string[]): Promise<void> {
    this.journal.record(`fuel.assign ${environmentId} ${nodeId} ${roles.join(',')}`);
    Object.assign(this.live(nodeId), { cluster: environmentId, pendingAddition: true, pendingRoles: [...roles] });
  }

  async unassign(environmentId: number, nodeId: number): Promise<void> {
    this.journal.record(`fuel.unassign ${environmentId} ${nodeId}`);
    this.live(nodeId).pendingDeletion = true;
  }

  async rename(nodeId: number, name: string): Promise<void> {
    this.journal.record(`fuel.rename ${nodeId} ${name}`);
    this.live(nodeId).name = name;
  }

  async copyLayout(nodeId: number, templateId: number, environmentId: number): Promise<void> {
    this.journal.record(`fuel.copyLayout ${nodeId} from ${templateId} in ${environmentId}`);
  }

  async fixedLayoutProblems(nodeId: number, _layout: FixedLayoutRef, environmentId: number): Promise<string[]> {
    this.journal.record(`fuel.fixedLayoutProblems ${nodeId} in ${environmentId}`);
    return [...this.layoutProblems];
  }

  async applyFixedLayout(nodeId: number, _layout: FixedLayoutRef, environmentId: number): Promise<void> {
    this.journal.record(`fuel.applyFixedLayout ${nodeId} in ${environmentId}`);
  }

  async provision(environmentId: number, nodeId: number): Promise<FuelTaskRef> {
    this.journal.record(`fuel.provision ${environmentId} ${nodeId}`);
    this.live(nodeId).status = 'provisioning';
    return this.start('provision', environmentId, nodeId);
  }

  async deploy(environmentId: number, nodeId: number): Promise<FuelTaskRef> {
    this.journal.record(`fuel.deploy ${environmentId} ${nodeId}`);
    this.live(nodeId).status = 'deploying';
    return this.start('deployment', environmentId, nodeId);
  }

  async deployChanges(environmentId: number): Promise<FuelTaskRef> {
    this.journal.record(`fuel.deployChanges ${environmentId}`);
    return this.start('deploy', environmentId, undefined);
  }

  async task(id: number): Promise<FuelTaskRef> {
    this.journal.record(`fuel.task ${id}`);
    const task = this.tasks.get(id);
    if (!task) throw new Error(`fake fuel: no task ${id}`);
    if (task.script.length > 0) {
      task.status = task.script.shift()!;
      task.progress = task.status === 'ready' ? 100 : 50;
      if (task.status === 'ready') this.finish(task);
      if (task.status === 'error') this.fail(task);
    }
    return view(task);
  }

  async activeTask(environmentId: number, name: FuelTaskName): Promise<FuelTaskRef | undefined> {
    const running = [...this.tasks.values()].filter((t) => t.environmentId === environmentId && t.name === name && (t.status === 'running' || t.status === 'pending'));
    const latest = running.sort((a, b) => b.id - a.id)[0];
    return latest ? view(latest) : undefined;
  }

  private start(name: FuelTaskName, environmentId: number, nodeId: number | undefined): FuelTaskRef {
    const outcome = this.outcomes.get(name)?.shift() ?? { statuses: ['running', 'ready'] };
    const task: FakeTask = { id: this.nextTaskId++, name, status: 'pending', progress: 0, message: outcome.message ?? null, environmentId, nodeId, script: [...outcome.statuses] };
    this.tasks.set(task.id, task);
    return view(task);
  }

  /** What a task that ends well does to its node. */
  private finish(task: FakeTask): void {
    if (task.name === 'deploy') {
      this.wipeRemoved(task.environmentId);
      return;
    }
    const node = this.live(task.nodeId!);
    if (task.name === 'provision') node.status = 'provisioned';
    else {
      Object.assign(node, { status: 'ready', roles: node.pendingRoles, pendingRoles: [], pendingAddition: false, hostname: `node-${node.id}`, fqdn: `node-${node.id}.domain.tld` });
      this.onDeployed({ ...node });
    }
  }

  private fail(task: FakeTask): void {
    if (task.nodeId !== undefined) this.live(task.nodeId).status = 'error';
  }

  /** `PUT /changes` of a source environment: its nodes pending deletion are wiped and register again, as new nodes. */
  private wipeRemoved(environmentId: number): void {
    for (const node of [...this.nodeMap.values()].filter((n) => n.cluster === environmentId && n.pendingDeletion)) {
      this.nodeMap.delete(node.id);
      if (this.wipedNodesReturn) this.register(node.macs);
    }
  }

  private live(id: number): FuelNodeRef {
    const found = this.nodeMap.get(id);
    if (!found) throw new Error(`fake fuel: no node ${id}`);
    return found;
  }
}

function view(task: FakeTask): FuelTaskRef {
  return { id: task.id, name: task.name, status: task.status, progress: task.progress, message: task.status === 'error' ? task.message : null };
}

export class FakeBmc implements PowerDriver {
  readonly description: string;
  state: PowerState = 'on';
  /** Thrown by every call (a BMC that refuses the credentials, say). */
  refuse: Error | undefined;
  /** What the host does once it PXE-boots (registers with Fuel, or not). */
  onNetworkBoot: () => void = () => undefined;

  constructor(private readonly journal: CallLog, readonly host: string) {
    this.description = `fake-bmc ${host}`;
  }

  async powerState(): Promise<PowerState> {
    this.check();
    return this.state;
  }

  async powerOn(): Promise<void> {
    this.call('powerOn');
    this.state = 'on';
  }

  async powerOff(): Promise<void> {
    this.call('powerOff');
    this.state = 'off';
  }

  async bootFromNetwork(): Promise<void> {
    this.call('bootFromNetwork');
    this.state = 'on';
    this.onNetworkBoot();
  }

  private call(what: string): void {
    this.check();
    this.journal.record(`bmc.${what} ${this.host}`);
  }

  private check(): void {
    if (this.refuse) throw this.refuse;
  }
}

/** One host step, as the executor gives it to a runner: contexts for its attempts share `checkpoint`, which outlives them (as the state does). */
export class FakeStep {
  readonly progress: string[] = [];
  checkpoint: Record<string, unknown> = {};

  constructor(private readonly journal: CallLog, readonly action: HostStepAction, readonly address: string) {}

  context(): StepContext {
    const step = { id: `${this.action}:${this.address}`, action: this.action, kind: 'hypervisor' as const, address: this.address, dependsOn: [] };
    const self = this;
    return {
      step, attempt: 1, signal: new AbortController().signal,
      progress: (report) => {
        if (report.phase) this.progress.push(report.phase);
      },
      // As the executor's: what is saved so far, read afresh each time.
      get checkpoint() {
        return Object.keys(self.checkpoint).length > 0 ? { ...self.checkpoint } : undefined;
      },
      saveCheckpoint: async (values) => {
        this.journal.record(`checkpoint ${Object.keys(values).join(',')}`);
        this.checkpoint = { ...this.checkpoint, ...values };
      },
    };
  }

  /** observe, then run unless done, then verify: one attempt as the executor makes it (its retries aside). */
  async attempt(runner: StepRunner): Promise<{ observedDone: boolean; targetId?: string | undefined }> {
    if ((await runner.observe(this.context())).done) return { observedDone: true };
    const result = await runner.run(this.context());
    await runner.verify(this.context());
    return { observedDone: false, targetId: result ? result.targetId : undefined };
  }
}

export interface HostWorldOptions {
  host?: string;
  change?: Partial<HostChange>;
  hardware?: Partial<HostHardware>;
  management?: HostManagement;
  fuel?: boolean;
  fuelEnvironment?: string;
  fuelSourceEnvironment?: string;
  /** Per poll, ms. */
  pollMs?: number;
  waitTimeoutMs?: number;
  discoverTimeoutMs?: number;
  deployTimeoutMs?: number;
}

/** One source host with its world of fakes, ready for a host step's runner. */
export class HostWorld {
  readonly journal = new CallLog();
  readonly host: string;
  readonly address: string;
  readonly sourceNova: FakeNova;
  readonly targetNova: FakeNova;
  readonly fuel: FakeFuel;
  readonly bmc: FakeBmc;
  readonly ledger = new StateLedger(new MemoryDocument());
  readonly h: HostStepContext;
  /** How many times a step asked for the host's BMC. */
  powerAsked = 0;

  constructor(options: HostWorldOptions = {}) {
    this.host = options.host ?? 'cmp-3';
    this.address = `hypervisor:${this.host}`;
    this.sourceNova = new FakeNova(this.journal, 'source');
    this.targetNova = new FakeNova(this.journal, 'target');
    this.fuel = new FakeFuel(this.journal);
    this.bmc = new FakeBmc(this.journal, this.host);
    const management = options.management ?? 'bmc';
    const hardware: HostHardware = {
      name: this.host, management, pxeMacs: management === 'bmc' ? ['aa:bb:cc:00:00:03'] : [],
      ...(management === 'bmc' ? { bmc: { driver: 'ipmitool', address: '127.0.0.1', username: 'admin', password: 'unused' } } : {}),
      ...options.hardware,
    };
    const change: HostChange = { current: 'active', desired: 'upgraded', evacuate: 'live', servers: [], to: [], fuel: { roles: ['compute'] }, ...options.change };
    const m = applyContext(this.ledger, [{ address: this.address, kind: 'hypervisor', action: 'host', differences: [], reason: '', impact: 'none', willNotSurvive: [], host: change }], options);
    this.h = {
      m, sourceNova: this.sourceNova, targetNova: this.targetNova, hardware: { [this.host]: hardware },
      management: () => management,
      power: (name) => {
        this.powerAsked++;
        if (name !== this.host) throw new Error(`fake world: no BMC for ${name}`);
        return this.bmc;
      },
      ...(options.fuel === false ? {} : { fuel: this.fuel }),
      fuelEnvironment: options.fuelEnvironment ?? 'mos-9',
      ...(options.fuelSourceEnvironment ? { fuelSourceEnvironment: options.fuelSourceEnvironment } : {}),
      discoverTimeoutMs: options.discoverTimeoutMs ?? 200, deployTimeoutMs: options.deployTimeoutMs ?? 2_000,
    };
    this.sourceNova.serviceList.push(service(this.host));
  }

  step(action: HostStepAction): FakeStep {
    return new FakeStep(this.journal, action, this.address);
  }
}

/** What the apply gives the host steps: the plan's changes by address, the ledger, the timings. */
function applyContext(ledger: StateLedger, changes: Change[], options: HostWorldOptions): HostApplyContext {
  const byAddress = new Map(changes.map((c) => [c.address, c]));
  return { planName: 'wave-1', pollMs: options.pollMs ?? 1, waitTimeoutMs: options.waitTimeoutMs ?? 2_000, ledger, change: (address) => byAddress.get(address) };
}
