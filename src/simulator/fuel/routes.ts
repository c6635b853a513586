import { Router, json, type Handler, type SimRequest, type SimResponse } from '../http.js';
import { assignNodes, clusterJson, createCluster, networkConfigurationJson, unassignNodes } from './clusters.js';
import { invalid, notFound } from './errors.js';
import { assignDefaultNetworks } from './networks.js';
import { agentUpdate, asObject, disksJson, interfacesJson, leaveCluster, nodeJson, registerNode, setDisks, setInterfaces, updateNode } from './nodes.js';
import type { Orchestrator } from './orchestrator.js';
import { releaseJson } from './release.js';
import type { FuelStore } from './store.js';
import { resetVolumes } from './volumes.js';

/**
 * Nailgun's URL map (api/v1/urls.py, the calls of fuel-api.md §3), paths below `/api` or
 * `/api/v1`. Specific routes come before `:id` ones (`nodes/agent` before `nodes/:id`).
 */

export interface FuelContext {
  store: FuelStore;
  orchestrator: Orchestrator;
  version: () => Record<string, unknown>;
}

export interface FuelRoutes {
  router: Router<FuelContext>;
  /** Handlers that need no token (the bootstrap agent's, and version up to 9.x). */
  isPublic: (handler: Handler<FuelContext>) => boolean;
}

const id = (req: SimRequest, name = 'id'): number => {
  const value = req.params[name] ?? '';
  // Nailgun's routes only match digits: anything else is an unknown URL.
  if (!/^\d+$/.test(value)) throw invalid(`Invalid ID specified`);
  return Number(value);
};

const ok = (body: unknown, status = 200): SimResponse => json(status, body);

export function fuelRoutes(options: { versionPublic: boolean }): FuelRoutes {
  const router = new Router<FuelContext>();
  const publicHandlers = new Set<Handler<FuelContext>>();
  const open = (handler: Handler<FuelContext>): Handler<FuelContext> => {
    publicHandlers.add(handler);
    return handler;
  };

  const version: Handler<FuelContext> = (_req, ctx) => ok(ctx.version());
  router.get('/version', options.versionPublic ? open(version) : version);

  router.get('/releases', (_req, { store }) => ok([releaseJson(store.release)]));
  router.get('/releases/:id', (req, { store }) => {
    if (id(req) !== store.release.id) throw notFound('Release');
    return ok(releaseJson(store.release));
  });

  router.get('/clusters', (_req, { store }) => ok([...store.clusters.values()].map((c) => clusterJson(store, c))));
  router.add('POST', '/clusters', (req, { store }) => ok(clusterJson(store, createCluster(store, req.body)), 201));
  router.get('/clusters/:id', (req, { store }) => ok(clusterJson(store, store.cluster(id(req)))));
  router.add('PUT', '/clusters/:id', (req, { store }) => {
    const cluster = store.cluster(id(req));
    const data = asObject(req.body);
    if (typeof data.name === 'string') cluster.name = data.name;
    if (data.mode === 'multinode' || data.mode === 'ha_compact' || data.mode === 'ha_full') cluster.mode = data.mode;
    return ok(clusterJson(store, cluster));
  });
  router.add('DELETE', '/clusters/:id', (req, { store }) => {
    const cluster = store.cluster(id(req));
    // Nailgun runs a cluster_deletion task; the simulator erases at once (nodes back to discover).
    for (const node of store.nodes.values()) {
      if (node.cluster !== cluster.id) continue;
      leaveCluster(store, node);
      node.status = 'discover';
      node.fqdn = null;
    }
    store.clusters.delete(cluster.id);
    return ok({}, 202);
  });
  router.get('/clusters/:id/network_configuration/:provider', (req, { store }) => ok(networkConfigurationJson(store.cluster(id(req)), req.params.provider ?? '')));
  router.add('POST', '/clusters/:id/assignment', (req, { store }) => {
    assignNodes(store, store.cluster(id(req)), req.body);
    return { status: 200, text: '', headers: { 'content-type': 'application/json' } };
  });
  router.add('POST', '/clusters/:id/unassignment', (req, { store }) => {
    unassignNodes(store, store.cluster(id(req)), req.body);
    return { status: 200, text: '', headers: { 'content-type': 'application/json' } };
  });
  router.add('PUT', '/clusters/:id/changes', (req, { store, orchestrator }) => ok(taskJson(orchestrator.changes(store.cluster(id(req)))), 202));
  router.add('PUT', '/clusters/:id/provision', (req, { store, orchestrator }) => ok(taskJson(orchestrator.provision(store.cluster(id(req)), req.query.get('nodes'))), 202));
  router.add('PUT', '/clusters/:id/deploy', (req, { store, orchestrator }) => ok(taskJson(orchestrator.deploy(store.cluster(id(req)), req.query.get('nodes'))), 202));

  router.get('/nodes/allocation/stats', (_req, { store }) => {
    const nodes = [...store.nodes.values()];
    return ok({ total: nodes.length, unallocated: nodes.filter((n) => n.cluster === null).length });
  });
  router.add('PUT', '/nodes/agent', open((req, { store }) => ok(agentUpdate(store, req.body))));
  router.add('PUT', '/nodes/interfaces', (req, { store }) => {
    if (!Array.isArray(req.body)) throw invalid('Data should be list of nodes');
    const nodes = req.body.map((item) => {
      const data = asObject(item);
      const node = store.node(data.id as number);
      setInterfaces(store, node, data.interfaces);
      return node;
    });
    return ok(nodes.map((node) => ({ id: node.id, interfaces: interfacesJson(store, node) })));
  });
  router.get('/nodes', (req, { store }) => {
    let nodes = [...store.nodes.values()];
    if (req.query.has('cluster_id')) {
      const wanted = req.query.get('cluster_id');
      nodes = nodes.filter((n) => (wanted === '' ? n.cluster === null : n.cluster === Number(wanted)));
    }
    return ok(nodes.map((n) => nodeJson(store, n)));
  });
  router.add('POST', '/nodes', open((req, { store }) => ok(nodeJson(store, registerNode(store, req.body)), 201)));
  router.add('PUT', '/nodes', (req, { store }) => {
    if (!Array.isArray(req.body)) throw invalid('Data should be list of nodes');
    const updated = req.body.map((item) => {
      const data = asObject(item);
      const node = (typeof data.id === 'number' ? store.nodes.get(data.id) : undefined) ?? (typeof data.mac === 'string' ? store.nodeByMac(data.mac) : undefined);
      if (!node) throw invalid(`Can't find node: ${JSON.stringify(data)}`);
      updateNode(store, node, data);
      return node;
    });
    return ok(updated.map((n) => nodeJson(store, n)));
  });
  router.get('/nodes/:id', (req, { store }) => ok(nodeJson(store, store.node(id(req)))));
  router.add('PUT', '/nodes/:id', (req, { store }) => {
    const node = store.node(id(req));
    updateNode(store, node, asObject(req.body));
    return ok(nodeJson(store, node));
  });
  router.add('DELETE', '/nodes/:id', (req, { store }) => {
    const node = store.node(id(req));
    store.nodes.delete(node.id);
    return { status: 204, text: '' };
  });
  router.get('/nodes/:id/disks', (req, { store }) => ok(disksJson(store.node(id(req)))));
  router.add('PUT', '/nodes/:id/disks', (req, { store }) => {
    const node = store.node(id(req));
    setDisks(store, node, req.body);
    return ok(disksJson(node));
  });
  router.get('/nodes/:id/disks/defaults', (req, { store }) => {
    const copy = structuredClone(store.node(id(req)));
    resetVolumes(copy, store.release);
    return ok(disksJson(copy));
  });
  router.get('/nodes/:id/interfaces', (req, { store }) => ok(interfacesJson(store, store.node(id(req)))));
  router.add('PUT', '/nodes/:id/interfaces', (req, { store }) => {
    const node = store.node(id(req));
    setInterfaces(store, node, req.body);
    return ok(interfacesJson(store, node));
  });
  router.get('/nodes/:id/interfaces/default_assignment', (req, { store }) => {
    const copy = structuredClone(store.node(id(req)));
    if (copy.cluster !== null) assignDefaultNetworks(copy, store.cluster(copy.cluster));
    return ok(interfacesJson(store, copy));
  });

  router.get('/tasks', (req, { store }) => {
    let tasks = [...store.tasks.values()];
    const cluster = req.query.get('cluster_id');
    if (cluster !== null && cluster !== '') tasks = tasks.filter((t) => t.cluster === Number(cluster));
    return ok(tasks.map(taskJson));
  });
  router.get('/tasks/:id', (req, { store }) => ok(taskJson(store.task(id(req)))));
  router.add('DELETE', '/tasks/:id', (req, { store }) => {
    const task = store.task(id(req));
    const force = ['1', 'true', 'True'].includes(req.query.get('force') ?? '');
    if (task.status === 'running' && !force) throw invalid('You cannot delete running task manually');
    store.tasks.delete(task.id);
    return { status: 204, text: '' };
  });

  return { router, isPublic: (handler) => publicHandlers.has(handler) };
}

/** TaskSerializer: parent_id is internal. */
export function taskJson(task: { id: number; uuid: string; name: string; cluster: number; status: string; progress: number; message: string | null; result: unknown }): Record<string, unknown> {
  return { id: task.id, uuid: task.uuid, name: task.name, cluster: task.cluster, status: task.status, progress: task.progress, message: task.message, result: task.result };
}
