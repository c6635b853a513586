import { randomUUID } from 'node:crypto';
import { notFound } from './errors.js';
import { Sequences, type SimCluster, type SimNode, type SimRelease, type SimTask } from './model.js';
import { defaultRelease } from './release.js';

/**
 * Nailgun's database for one simulated master. Lookups throw the 404s Nailgun answers
 * ("Node not found"), so handlers can just call them.
 */

export interface StoreSettings {
  fuelVersion: string;
  dnsDomain: string;
  /** The assassin marks a node offline after this long without an agent update. */
  keepaliveTimeoutMs: number;
  now: () => number;
  /** Whether the machine a node runs on is powered (undefined: not a world machine). */
  machinePowered: (machine: string) => boolean | undefined;
}

const FIRST_IDS = { network: 2, nic: 1, node: 1, cluster: 1, task: 1, group: 1 };

export class FuelStore {
  readonly release: SimRelease;
  readonly clusters = new Map<number, SimCluster>();
  readonly nodes = new Map<number, SimNode>();
  readonly tasks = new Map<number, SimTask>();
  /** Network ids 1 is the admin network; node groups share the sequence of clusters' ids. */
  readonly seq = new Sequences(FIRST_IDS);

  constructor(readonly settings: StoreSettings) {
    this.release = defaultRelease(settings.fuelVersion);
  }

  /** Empty, as a freshly installed master: no environment, node or task, ids from the start. */
  clear(): void {
    this.clusters.clear();
    this.nodes.clear();
    this.tasks.clear();
    this.seq.restart(FIRST_IDS);
  }

  cluster(id: number): SimCluster {
    const cluster = this.clusters.get(id);
    if (!cluster) throw notFound('Cluster');
    return cluster;
  }

  node(id: number): SimNode {
    const node = this.nodes.get(id);
    if (!node) throw notFound('Node');
    return node;
  }

  task(id: number): SimTask {
    const task = this.tasks.get(id);
    if (!task) throw notFound('Task');
    return task;
  }

  /** The node owning `mac` as its admin MAC or as any reported interface. */
  nodeByMac(mac: string): SimNode | undefined {
    const wanted = mac.toLowerCase();
    for (const node of this.nodes.values()) {
      if (node.mac.toLowerCase() === wanted) return node;
      if (node.nics.some((n) => n.mac?.toLowerCase() === wanted)) return node;
    }
    return undefined;
  }

  online(node: SimNode): boolean {
    if (node.machine !== null) {
      const powered = this.settings.machinePowered(node.machine);
      if (powered !== undefined) return powered;
    }
    return this.settings.now() - node.lastAgentAt < this.settings.keepaliveTimeoutMs;
  }

  fqdn(node: SimNode): string {
    return `node-${node.id}.${this.settings.dnsDomain}`;
  }

  createTask(name: SimTask['name'], cluster: number, parent: SimTask | null): SimTask {
    const task: SimTask = {
      id: this.seq.take('task'), uuid: randomUUID(), name, cluster, status: 'running', progress: 0, message: null, result: {}, parent_id: parent?.id ?? null,
    };
    this.tasks.set(task.id, task);
    return task;
  }

  addChange(cluster: SimCluster, name: SimCluster['changes'][number]['name'], nodeId: number | null): void {
    if (!cluster.changes.some((c) => c.name === name && c.node_id === nodeId)) cluster.changes.push({ name, node_id: nodeId });
  }
}
