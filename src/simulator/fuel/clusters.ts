import { FuelApiError, invalid } from './errors.js';
import type { SimCluster } from './model.js';
import { ADMIN_NETWORK, defaultClusterNetworks, defaultNetworkingParameters } from './networks.js';
import { asObject, joinCluster, leaveCluster } from './nodes.js';
import type { FuelStore } from './store.js';

/**
 * Clusters ("environments"): creation, JSON, network configuration, and node assignment and
 * unassignment with the validations of AssignmentValidator (fuel-api.md §3.2).
 */

type Json = Record<string, unknown>;

export interface ClusterSpec {
  name: string;
  mode?: SimCluster['mode'];
  net_provider?: SimCluster['net_provider'];
  release_id?: number;
}

/** POST /clusters. */
export function createCluster(store: FuelStore, body: unknown): SimCluster {
  const data = asObject(body);
  const releaseId = data.release_id ?? data.release;
  if (releaseId === undefined || releaseId === null) throw invalid('Release ID is required');
  if (releaseId !== store.release.id) throw invalid('Invalid release ID');
  if (typeof data.name !== 'string' || data.name === '') throw invalid("'name' is a required property");
  if ([...store.clusters.values()].some((c) => c.name === data.name)) throw new FuelApiError(409, 'Environment with this name already exists');
  const provider = data.net_provider === 'nova_network' ? 'nova_network' : 'neutron';
  const mode = data.mode === 'multinode' || data.mode === 'ha_full' ? data.mode : 'ha_compact';
  const group = store.seq.take('group');
  const cluster: SimCluster = {
    id: store.seq.take('cluster'), name: data.name, mode, status: 'new', net_provider: provider, release_id: store.release.id, group_id: group,
    changes: [{ name: 'attributes', node_id: null }, { name: 'networks', node_id: null }],
    networks: defaultClusterNetworks(group, provider, () => store.seq.take('network')),
    networking_parameters: defaultNetworkingParameters(provider),
  };
  if (provider === 'neutron' && data.net_segment_type === 'gre') cluster.networking_parameters.segmentation_type = 'gre';
  store.clusters.set(cluster.id, cluster);
  return cluster;
}

export function clusterJson(store: FuelStore, cluster: SimCluster): Json {
  return {
    id: cluster.id, name: cluster.name, mode: cluster.mode, changes: cluster.changes.map((c) => ({ ...c })), status: cluster.status, grouping: 'roles',
    is_customized: false, net_provider: cluster.net_provider, release_id: cluster.release_id, fuel_version: store.settings.fuelVersion, pending_release_id: null,
  };
}

/** GET /clusters/{id}/network_configuration/{provider}. */
export function networkConfigurationJson(cluster: SimCluster, provider: string): Json {
  if (provider !== cluster.net_provider) throw invalid(`Wrong net provider - environment uses '${cluster.net_provider}'`);
  const networks = [...cluster.networks, ADMIN_NETWORK].map((n) => ({ ...n, ip_ranges: n.ip_ranges.map((r) => [...r]), meta: { ...n.meta } }));
  const ha = cluster.mode !== 'multinode';
  return {
    networks, networking_parameters: structuredClone(cluster.networking_parameters),
    ...(ha ? { public_vip: '172.16.0.2', management_vip: '192.168.0.2' } : {}),
  };
}

/** POST /clusters/{id}/assignment: `[{"id": 7, "roles": ["compute"]}]`. */
export function assignNodes(store: FuelStore, cluster: SimCluster, body: unknown): void {
  if (!Array.isArray(body)) throw invalid(`${JSON.stringify(body)} is not of type 'array'`);
  const items = body.map((item) => {
    const data = asObject(item);
    if (typeof data.id !== 'number' || !Array.isArray(data.roles)) throw invalid("each item needs an integer 'id' and a 'roles' list");
    return { id: data.id, roles: data.roles as string[] };
  });
  const missing = items.filter((i) => !store.nodes.has(i.id)).map((i) => i.id);
  if (missing.length > 0) throw invalid(`Nodes with ids ${missing.join(', ')} were not found.`);
  const assigned = items.filter((i) => store.node(i.id).cluster !== null).map((i) => i.id);
  if (assigned.length > 0) {
    throw invalid(`Nodes with ids ${assigned.join(', ')} already assigned to environments. Nodes must be unassigned before they can be assigned again.`);
  }
  for (const item of items) validateRoles(store, item.roles);
  for (const item of items) joinCluster(store, store.node(item.id), cluster.id, item.roles);
}

function validateRoles(store: FuelStore, roles: readonly string[]): void {
  const release = store.release;
  const unknown = roles.filter((r) => !release.roles.includes(r));
  if (unknown.length > 0) throw invalid(`${unknown.join(', ')} are not valid roles for node in ${release.name} release`);
  for (const role of roles) {
    for (const other of release.roles_metadata[role]?.conflicts ?? []) {
      if (roles.includes(other)) throw invalid(`Role "${role}" in conflict with role ${other}`);
    }
  }
}

/** POST /clusters/{id}/unassignment: discover nodes leave now, others at the next deploy. */
export function unassignNodes(store: FuelStore, cluster: SimCluster, body: unknown): void {
  if (!Array.isArray(body)) throw invalid(`${JSON.stringify(body)} is not of type 'array'`);
  const ids = body.map((item) => asObject(item).id as number);
  const unknown = ids.filter((id) => !store.nodes.has(id));
  if (unknown.length > 0) throw invalid(`Nodes with ids ${unknown.join(', ')} were not found.`);
  const notAssigned = ids.filter((id) => store.node(id).cluster === null);
  if (notAssigned.length > 0) throw invalid(`Can't unassign nodes with ids ${notAssigned.join(', ')} if they not assigned.`);
  const foreign = ids.filter((id) => store.node(id).cluster !== cluster.id);
  if (foreign.length > 0) throw invalid(`Nodes [${foreign.join(', ')}] are not members of environment ${cluster.id}.`);
  for (const id of ids) {
    const node = store.node(id);
    if (node.status === 'discover') leaveCluster(store, node);
    else node.pending_deletion = true;
  }
}
