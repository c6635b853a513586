import {
  assignNetworksFrom, fixedLayoutFor, fixedLayoutProblems, layoutDisksFrom, networksByName, nodeMacs,
  type FuelClient, type FuelNode, type FuelTask,
} from '../fuel/index.js';
import type { FuelNodeRef, FuelOps, FuelTaskRef } from './adapters.js';

/**
 * FuelOps over the Fuel client: the host steps' view of the master. The layout copy reads the
 * template's disks and interfaces and the new node's, matches them by name and maps the networks
 * by name to the environment's ids (they differ between node groups); a fixed layout is checked
 * whole against the node before either PUT is sent.
 */
type LayoutOps = Pick<FuelOps, 'copyLayout' | 'fixedLayoutProblems' | 'applyFixedLayout'>;
type TaskOps = Pick<FuelOps, 'provision' | 'deploy' | 'deployChanges' | 'task' | 'activeTask'>;

export function fuelOps(client: FuelClient): FuelOps {
  return { ...nodeOps(client), ...layoutOps(client), ...taskOps(client) };
}

/** Environments and nodes: what is there, and which node goes where. */
function nodeOps(client: FuelClient): Omit<FuelOps, keyof LayoutOps | keyof TaskOps> {
  return {
    async environmentId(name) {
      return (await client.clusterByName(name)).id;
    },
    async environments() {
      return (await client.clusters()).map((c) => ({ id: c.id, name: c.name }));
    },
    async nodes() {
      return (await client.nodes()).map(nodeRef);
    },
    async node(id) {
      return nodeRef(await client.node(id));
    },
    async assign(environmentId, nodeId, roles) {
      await client.assign(environmentId, [{ id: nodeId, roles: [...roles] }]);
    },
    async unassign(environmentId, nodeId) {
      await client.unassign(environmentId, [nodeId]);
    },
    async rename(nodeId, name) {
      await client.renameNode(nodeId, name);
    },
  };
}

/** Disks and interfaces: a template node's copied, or the plan's fixed layout checked and applied. */
function layoutOps(client: FuelClient): LayoutOps {
  return {
    async copyLayout(nodeId, templateId, environmentId) {
      const [templateDisks, nodeDisks] = await Promise.all([client.disks(templateId), client.disks(nodeId)]);
      await client.setDisks(nodeId, layoutDisksFrom(templateDisks, nodeDisks));
      const [templateNics, nodeNics, networks] = await Promise.all([client.interfaces(templateId), client.interfaces(nodeId), networksOf(client, environmentId)]);
      await client.setInterfaces(nodeId, assignNetworksFrom(templateNics, nodeNics, networks));
    },
    async fixedLayoutProblems(nodeId, layout, environmentId) {
      const [[disks, nics], networks] = await Promise.all([hardwareOf(client, nodeId), networksOf(client, environmentId)]);
      return fixedLayoutProblems(layout, disks, nics, networks);
    },
    async applyFixedLayout(nodeId, layout, environmentId) {
      const [[disks, nics], networks] = await Promise.all([hardwareOf(client, nodeId), networksOf(client, environmentId)]);
      const update = fixedLayoutFor(layout, disks, nics, networks);
      await client.setDisks(nodeId, update.disks);
      await client.setInterfaces(nodeId, update.interfaces);
    },
  };
}

/** The tasks a host step starts and follows. */
function taskOps(client: FuelClient): TaskOps {
  return {
    async provision(environmentId, nodeId) {
      return taskRef(await client.provision(environmentId, [nodeId]));
    },
    async deploy(environmentId, nodeId) {
      return taskRef(await client.deploy(environmentId, [nodeId]));
    },
    async deployChanges(environmentId) {
      return taskRef(await client.deployChanges(environmentId));
    },
    async task(id) {
      return taskRef(await client.task(id));
    },
    async activeTask(environmentId, name) {
      const running = (await client.tasks(environmentId)).filter((t) => t.name === name && (t.status === 'running' || t.status === 'pending'));
      const latest = running.sort((a, b) => b.id - a.id)[0];
      return latest ? taskRef(latest) : undefined;
    },
  };
}

/** The environment's network names → ids (they differ between node groups). */
async function networksOf(client: FuelClient, environmentId: number): Promise<Map<string, number>> {
  const environment = await client.cluster(environmentId);
  return networksByName(await client.networkConfiguration(environmentId, environment.net_provider));
}

async function hardwareOf(client: FuelClient, nodeId: number) {
  return Promise.all([client.disks(nodeId), client.interfaces(nodeId)]);
}

function nodeRef(node: FuelNode): FuelNodeRef {
  return {
    id: node.id, name: node.name, status: node.status, online: node.online, cluster: node.cluster,
    roles: node.roles, pendingRoles: node.pending_roles, pendingAddition: node.pending_addition, pendingDeletion: node.pending_deletion === true,
    fqdn: node.fqdn, hostname: typeof node['hostname'] === 'string' ? node['hostname'] : null,
    macs: [...nodeMacs(node)].map((m) => m.toLowerCase()), progress: node.progress, errorType: node.error_type,
  };
}

function taskRef(task: FuelTask): FuelTaskRef {
  return { id: task.id, name: task.name, status: task.status as FuelTaskRef['status'], progress: task.progress, message: task.message };
}
