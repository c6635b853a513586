import { FuelApiError, invalid } from './errors.js';
import type { SimCluster, SimNode, SimTask } from './model.js';
import type { FuelStore } from './store.js';

/**
 * Astute in fake mode: tasks that move nodes through provisioning → provisioned → deploying →
 * ready on a timer (fuel-api.md §3.6, §4; nailgun task/fake.py). A job is a list of phases run one
 * after another; each phase belongs to one task and takes `tickCount` ticks. Controllers are
 * deployed in a phase before the other nodes, as the fake FSM does.
 */

export type PhaseKind = 'provision' | 'deploy' | 'delete';

export interface OrchestratorOptions {
  /** @default 1000 (FAKE_TASKS_TICK_INTERVAL) */
  tickMs: number;
  /** @default 30 (FAKE_TASKS_TICK_COUNT) */
  tickCount: number;
  /** The phase in which this node is made to fail, if any (fault injection). */
  failureOf: (node: SimNode) => 'provision' | 'deploy' | undefined;
  /** A node reached `ready` at the end of a deployment. */
  onNodeReady: (node: SimNode) => void;
  /** A pending_deletion node was erased (its row is gone; the machine reboots into bootstrap). */
  onNodeErased: (node: SimNode) => void;
}

interface Phase {
  kind: PhaseKind;
  nodeIds: number[];
  task: SimTask;
  tick: number;
  started: boolean;
  failed: number[];
}

interface Job {
  cluster: SimCluster;
  phases: Phase[];
  supertask: SimTask | null;
  subtasks: SimTask[];
  /** `/changes` clears every pending change; selected-node runs only those of their nodes. */
  clearsAllChanges: boolean;
  statusBefore: SimCluster['status'];
  /** Filled by start(): phases per task (for task progress) and every node involved. */
  phasesOfTask: Map<number, number>;
  allNodeIds: number[];
}

/** Supertask progress weights (nailgun's TaskHelper). */
const WEIGHTS: Record<string, number> = { provision: 0.4, node_deletion: 0.4, deployment: 1 };

export class Orchestrator {
  private readonly jobs: Job[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: FuelStore, private readonly options: OrchestratorOptions) {}

  /** PUT /clusters/{id}/provision?nodes= */
  provision(cluster: SimCluster, nodesParam: string | null): SimTask {
    this.ensureIdle(cluster);
    const nodes = this.selectNodes(cluster, nodesParam) ?? this.clusterNodes(cluster).filter((n) => n.pending_addition && !n.pending_deletion);
    if (nodes.length === 0) throw invalid('No nodes to provision'); // inferred text
    const busy = nodes.filter((n) => n.status === 'provisioning' || n.status === 'deploying');
    if (busy.length > 0) throw invalid(`Nodes with ids ${ids(busy)} are being provisioned or deployed`); // inferred text
    const task = this.store.createTask('provision', cluster.id, null);
    this.start({ cluster, phases: [this.phase('provision', nodes, task)], supertask: null, subtasks: [task], clearsAllChanges: false, statusBefore: cluster.status });
    return task;
  }

  /** PUT /clusters/{id}/deploy?nodes= */
  deploy(cluster: SimCluster, nodesParam: string | null): SimTask {
    this.ensureIdle(cluster);
    const nodes = this.selectNodes(cluster, nodesParam) ?? this.clusterNodes(cluster).filter((n) => !n.pending_deletion && (n.pending_roles.length > 0 || n.status === 'provisioned' || n.status === 'error'));
    if (nodes.length === 0) throw invalid('No nodes to deploy'); // inferred text
    const unprovisioned = nodes.filter((n) => !['provisioned', 'ready', 'error'].includes(n.status));
    if (unprovisioned.length > 0) throw invalid(`Nodes with ids ${ids(unprovisioned)} are not provisioned`); // inferred text
    const task = this.store.createTask('deployment', cluster.id, null);
    this.start({ cluster, phases: this.deployPhases(nodes, task), supertask: null, subtasks: [task], clearsAllChanges: false, statusBefore: cluster.status });
    return task;
  }

  /** PUT /clusters/{id}/changes: supertask `deploy` with node_deletion, provision and deployment subtasks. */
  changes(cluster: SimCluster): SimTask {
    this.ensureIdle(cluster);
    const nodes = this.clusterNodes(cluster);
    const toDelete = nodes.filter((n) => n.pending_deletion);
    const toProvision = nodes.filter((n) => !n.pending_deletion && (n.pending_addition || n.status === 'discover'));
    const toDeploy = nodes.filter((n) => !n.pending_deletion && (toProvision.includes(n) || n.pending_roles.length > 0 || n.status === 'provisioned' || n.status === 'error'));
    if (toDelete.length + toProvision.length + toDeploy.length === 0) throw invalid('No changes to deploy');
    const supertask = this.store.createTask('deploy', cluster.id, null);
    const phases: Phase[] = [];
    const subtasks: SimTask[] = [];
    if (toDelete.length > 0) {
      const task = this.store.createTask('node_deletion', cluster.id, supertask);
      subtasks.push(task);
      phases.push(this.phase('delete', toDelete, task));
    }
    if (toProvision.length > 0) {
      const task = this.store.createTask('provision', cluster.id, supertask);
      subtasks.push(task);
      phases.push(this.phase('provision', toProvision, task));
    }
    if (toDeploy.length > 0) {
      const task = this.store.createTask('deployment', cluster.id, supertask);
      subtasks.push(task);
      phases.push(...this.deployPhases(toDeploy, task));
    }
    this.start({ cluster, phases, supertask, subtasks, clearsAllChanges: true, statusBefore: cluster.status });
    return supertask;
  }

  /** Stops the clock; running tasks stay as they are. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.jobs.length = 0;
  }

  /** Advances every job by one tick (the timer calls it; tests may too). */
  tick(): void {
    for (const job of [...this.jobs]) this.advance(job);
    if (this.jobs.length === 0) this.stopTimer();
  }

  private ensureIdle(cluster: SimCluster): void {
    const running = [...this.store.tasks.values()].filter((t) => t.cluster === cluster.id && t.status === 'running' && t.parent_id === null);
    // DeploymentAlreadyStarted is not mapped by the handlers: a 500, in 6.0 and 9.0 alike.
    if (running.length > 0) throw new FuelApiError(500, `Cannot perform the actions because there are running tasks [${running.map((t) => t.uuid).join(', ')}]`);
  }

  /** `?nodes=7,8` → those nodes (404 when one is not in the cluster); absent → undefined (the defaults). */
  private selectNodes(cluster: SimCluster, nodesParam: string | null): SimNode[] | undefined {
    if (nodesParam === null || nodesParam === '') return undefined;
    const wanted = nodesParam.split(',').map((s) => s.trim());
    if (wanted.some((s) => !/^\d+$/.test(s))) throw invalid('Provided id is not integer');
    const nodes = wanted.map((s) => this.store.nodes.get(Number(s)));
    if (nodes.some((n) => n === undefined || n.cluster !== cluster.id)) throw new FuelApiError(404, 'NodeCollection not found');
    return nodes as SimNode[];
  }

  private clusterNodes(cluster: SimCluster): SimNode[] {
    return [...this.store.nodes.values()].filter((n) => n.cluster === cluster.id);
  }

  private deployPhases(nodes: SimNode[], task: SimTask): Phase[] {
    const isController = (n: SimNode): boolean => [...n.roles, ...n.pending_roles].includes('controller');
    const controllers = nodes.filter(isController);
    const others = nodes.filter((n) => !isController(n));
    return [controllers, others].filter((group) => group.length > 0).map((group) => this.phase('deploy', group, task));
  }

  private phase(kind: PhaseKind, nodes: SimNode[], task: SimTask): Phase {
    return { kind, nodeIds: nodes.map((n) => n.id), task, tick: 0, started: false, failed: [] };
  }

  private start(spec: Omit<Job, 'phasesOfTask' | 'allNodeIds'>): void {
    const phasesOfTask = new Map<number, number>();
    for (const p of spec.phases) phasesOfTask.set(p.task.id, (phasesOfTask.get(p.task.id) ?? 0) + 1);
    const job: Job = { ...spec, phasesOfTask, allNodeIds: spec.phases.flatMap((p) => p.nodeIds) };
    job.cluster.status = 'deployment';
    // The task manager moves the nodes before it answers: the first GET already shows them busy.
    if (job.phases[0]) this.begin(job.phases[0]);
    this.jobs.push(job);
    this.timer ??= setInterval(() => this.tick(), this.options.tickMs);
    // A forgotten simulator must not keep the process alive.
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private advance(job: Job): void {
    const phase = job.phases[0];
    if (!phase) {
      this.finish(job);
      return;
    }
    if (!phase.started) this.begin(phase);
    const { tickCount } = this.options;
    phase.tick += 1;
    const percent = Math.min(100, Math.floor((phase.tick * 100) / tickCount));
    for (const node of this.nodesOf(phase)) {
      if (phase.failed.includes(node.id)) continue;
      if (phase.kind !== 'delete' && this.options.failureOf(node) === phase.kind && phase.tick >= Math.ceil(tickCount / 2)) {
        node.status = 'error';
        node.error_type = phase.kind;
        node.progress = 100;
        phase.failed.push(node.id);
        continue;
      }
      if (phase.kind !== 'delete') node.progress = percent;
    }
    this.updateProgress(job, phase, percent);
    if (phase.tick < tickCount) return;
    job.phases.shift();
    this.complete(phase);
    if (phase.failed.length > 0) {
      this.fail(job, phase);
      return;
    }
    if (!job.phases.some((p) => p.task === phase.task)) this.succeed(job, phase.task);
    if (job.phases.length === 0) this.finish(job);
  }

  private begin(phase: Phase): void {
    phase.started = true;
    for (const node of this.nodesOf(phase)) {
      if (phase.kind === 'provision') {
        node.status = 'provisioning';
        node.pending_addition = false;
      } else if (phase.kind === 'deploy') {
        node.status = 'deploying';
        node.roles = [...new Set([...node.roles, ...node.pending_roles])];
        node.pending_roles = [];
        node.pending_addition = false;
        node.fqdn = this.store.fqdn(node);
      } else {
        continue;
      }
      node.progress = 0;
      node.error_type = null;
    }
  }

  private complete(phase: Phase): void {
    const ready: SimNode[] = [];
    for (const node of this.nodesOf(phase)) {
      if (phase.failed.includes(node.id)) continue;
      if (phase.kind === 'provision') {
        node.status = 'provisioned';
        node.fqdn = this.store.fqdn(node);
      } else if (phase.kind === 'deploy') {
        node.status = 'ready';
        ready.push(node);
      } else {
        this.store.nodes.delete(node.id);
        this.notify(() => this.options.onNodeErased(node));
        continue;
      }
      node.progress = 100;
    }
    for (const node of ready) this.notify(() => this.options.onNodeReady(node));
  }

  /** The phase's task fails naming its nodes; the rest of the job is aborted. */
  private fail(job: Job, phase: Phase): void {
    const names = phase.failed.map((id) => `'${this.store.nodes.get(id)?.name ?? id}'`).join(', ');
    finishTask(phase.task, 'error', `${title(phase.task.name)} has failed. Check these nodes:\n${names}`);
    for (const task of job.subtasks) if (task.status === 'running') finishTask(task, 'error', 'Task aborted');
    if (job.supertask) {
      const messages = job.subtasks.filter((t) => t.status === 'error' && t.message !== 'Task aborted').map((t) => t.message);
      finishTask(job.supertask, 'error', messages.join('\n'));
    }
    job.phases.length = 0;
    job.cluster.status = 'error';
    this.remove(job);
  }

  private succeed(job: Job, task: SimTask): void {
    const env = job.cluster.name;
    const message = task.name === 'deployment' ? this.deployedMessage('Deployment', job.cluster)
      : task.name === 'provision' ? `Provision of environment '${env}' is done.` // inferred text
        : `Deletion of nodes of environment '${env}' is done.`; // inferred text
    finishTask(task, 'ready', message);
  }

  private finish(job: Job): void {
    const deployed = job.subtasks.some((t) => t.name === 'deployment');
    if (job.supertask && job.supertask.status === 'running') {
      finishTask(job.supertask, 'ready', deployed ? this.deployedMessage('Deploy', job.cluster) : `Deploy of environment '${job.cluster.name}' is done.`);
    }
    job.cluster.status = deployed ? 'operational' : job.statusBefore === 'new' ? 'new' : job.statusBefore;
    if (job.clearsAllChanges) job.cluster.changes = [];
    else job.cluster.changes = job.cluster.changes.filter((c) => c.node_id === null || !this.jobNodeIds(job).has(c.node_id));
    this.remove(job);
  }

  private jobNodeIds(job: Job): Set<number> {
    return new Set(job.allNodeIds);
  }

  private updateProgress(job: Job, phase: Phase, percent: number): void {
    const left = job.phases.filter((p) => p.task === phase.task).length - 1;
    const total = job.phasesOfTask.get(phase.task.id) ?? left + 1;
    phase.task.progress = Math.min(99, Math.floor(((total - left - 1) * 100 + percent) / total));
    if (job.supertask) {
      let weighted = 0;
      let weights = 0;
      for (const task of job.subtasks) {
        const weight = WEIGHTS[task.name] ?? 1;
        weighted += weight * (task.status === 'ready' ? 100 : task.progress);
        weights += weight;
      }
      job.supertask.progress = Math.min(99, Math.floor(weighted / weights));
    }
  }

  private deployedMessage(what: string, cluster: SimCluster): string {
    const controller = this.clusterNodes(cluster).find((n) => n.roles.includes('controller') && n.ip);
    const internal = controller?.ip ?? '192.168.0.2';
    return `${what} of environment '${cluster.name}' is done. Access the OpenStack dashboard (Horizon) at http://172.16.0.2/ or via internal network at http://${internal}/`;
  }

  private nodesOf(phase: Phase): SimNode[] {
    return phase.nodeIds.map((id) => this.store.nodes.get(id)).filter((n): n is SimNode => n !== undefined);
  }

  private remove(job: Job): void {
    const at = this.jobs.indexOf(job);
    if (at >= 0) this.jobs.splice(at, 1);
  }

  /** A listener's failure must not stop the clock. */
  private notify(call: () => void): void {
    try {
      call();
    } catch {
      // the listener's problem; the simulated master goes on
    }
  }
}

function finishTask(task: SimTask, status: 'ready' | 'error', message: string): void {
  task.status = status;
  task.progress = 100;
  task.message = message;
}

/** Python's str.title() for task names ("provision" → "Provision", "node_deletion" → "Node_Deletion"). */
function title(name: string): string {
  return name.replace(/[A-Za-z]+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
}

function ids(nodes: SimNode[]): string {
  return nodes.map((n) => n.id).join(', ');
}
