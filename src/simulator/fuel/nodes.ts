import { FuelApiError, invalid } from './errors.js';
import type { SimDisk, SimNic, SimNode } from './model.js';
import { assignDefaultNetworks, clearNetworks, networkData, nodeNetworks } from './networks.js';
import type { FuelStore } from './store.js';
import { resetVolumes, usableMb } from './volumes.js';

/**
 * Nodes: registration by the bootstrap agent, the agent's heartbeat, the node JSON, joining and
 * leaving a cluster, and the disks and interfaces layouts with Nailgun's validations and texts
 * (fuel-api.md §3.3–3.5).
 */

type Json = Record<string, unknown>;

/** POST /nodes: NodeValidator.validate, then a new discover node (201). */
export function registerNode(store: FuelStore, body: unknown, machine: string | null = null): SimNode {
  const data = asObject(body);
  if (data.status !== undefined && data.status !== 'discover') throw new FuelApiError(403, 'Only bootstrap nodes are allowed to be registered.');
  if (typeof data.mac !== 'string' || data.mac === '') throw invalid('No mac address specified');
  const meta = data.meta === undefined ? undefined : asObject(data.meta);
  const macs = [data.mac, ...(Array.isArray(meta?.interfaces) ? meta.interfaces : []).map((i) => (i as Json)?.mac).filter((m): m is string => typeof m === 'string')];
  for (const mac of macs) {
    if (store.nodeByMac(mac)) throw new FuelApiError(409, `Node with mac ${data.mac} already exists - doing nothing`);
  }
  if (meta !== undefined && !Array.isArray(meta.interfaces)) throw invalid('Failed to discover node: invalid interfaces info');
  const id = store.seq.take('node');
  const mac = data.mac.toLowerCase();
  const node: SimNode = {
    id, name: `Untitled (${mac.slice(-5)})`, mac, ip: typeof data.ip === 'string' ? data.ip : null, status: 'discover', progress: 0, error_type: null,
    cluster: null, group_id: null, roles: [], pending_roles: [], pending_addition: false, pending_deletion: false, fqdn: null,
    manufacturer: stringOrNull(data.manufacturer), platform_name: stringOrNull(data.platform_name), os_platform: stringOrNull(data.os_platform) ?? 'ubuntu',
    kernel_params: null, meta: meta ?? { interfaces: [], disks: [] }, nics: [], disks: [], lastAgentAt: store.settings.now(),
    agentChecksum: stringOrNull(data.agent_checksum), machine,
  };
  applyMeta(store, node);
  store.nodes.set(id, node);
  return node;
}

/** PUT /nodes/agent: finds the node by id, MAC or any interface MAC; refreshes liveness and meta. */
export function agentUpdate(store: FuelStore, body: unknown): Json {
  const data = asObject(body);
  let node = typeof data.id === 'number' ? store.nodes.get(data.id) : undefined;
  if (!node && typeof data.mac === 'string') node = store.nodeByMac(data.mac);
  const meta = data.meta === undefined ? undefined : asObject(data.meta);
  if (!node && Array.isArray(meta?.interfaces)) {
    for (const nic of meta.interfaces as Json[]) if (typeof nic?.mac === 'string') node ??= store.nodeByMac(nic.mac);
  }
  if (!node) throw new FuelApiError(404, `Can't find node: ${JSON.stringify(data)}`);
  node.lastAgentAt = store.settings.now();
  const checksum = stringOrNull(data.agent_checksum);
  if (checksum !== null && checksum === node.agentChecksum) return { id: node.id, cached: true };
  node.agentChecksum = checksum;
  // Nodes being installed or in error keep their state; an empty disk list is ignored.
  if (meta && Array.isArray(meta.interfaces) && node.status === 'discover') {
    const disks = Array.isArray(meta.disks) && meta.disks.length > 0 ? meta.disks : node.meta.disks;
    node.meta = { ...node.meta, ...meta, disks };
  }
  return { id: node.id };
}

/** NIC rows and disks from meta (fresh NIC ids; volumes empty outside a cluster). */
function applyMeta(store: FuelStore, node: SimNode): void {
  const interfaces = (Array.isArray(node.meta.interfaces) ? node.meta.interfaces : []) as Json[];
  // Interfaces lacking mac or name are silently dropped, as Nailgun does.
  node.nics = interfaces.filter((i) => typeof i?.mac === 'string' && typeof i?.name === 'string').map((i): SimNic => ({
    id: store.seq.take('nic'), name: i.name as string, mac: (i.mac as string).toLowerCase(), type: 'ether', state: null,
    current_speed: typeof i.current_speed === 'number' ? i.current_speed : null, max_speed: typeof i.max_speed === 'number' ? i.max_speed : null, assigned: [],
  }));
  const disks = (Array.isArray(node.meta.disks) ? node.meta.disks : []) as Json[];
  node.disks = disks.filter((d) => typeof d?.name === 'string').map((d): SimDisk => ({
    id: typeof d.disk === 'string' ? d.disk : (d.name as string), name: d.name as string, size: usableMb(typeof d.size === 'number' ? d.size : 0),
    extra: Array.isArray(d.extra) ? (d.extra as string[]) : [], volumes: [],
  }));
}

export function nodeJson(store: FuelStore, node: SimNode): Json {
  const cluster = node.cluster === null ? undefined : store.clusters.get(node.cluster);
  return {
    id: node.id, name: node.name, mac: node.mac, ip: node.ip, status: node.status, online: store.online(node), progress: node.progress,
    error_type: node.error_type, cluster: node.cluster, group_id: node.group_id, roles: [...node.roles], pending_roles: [...node.pending_roles],
    pending_addition: node.pending_addition, pending_deletion: node.pending_deletion, fqdn: node.fqdn, manufacturer: node.manufacturer,
    platform_name: node.platform_name, os_platform: node.os_platform, kernel_params: node.kernel_params,
    network_data: cluster ? networkData(node, cluster) : [], meta: node.meta,
  };
}

/** Node.add_into_cluster: default group, default NIC assignment, role-default volumes, an `interfaces` change. */
export function joinCluster(store: FuelStore, node: SimNode, clusterId: number, pendingRoles: readonly string[]): void {
  const cluster = store.cluster(clusterId);
  node.cluster = cluster.id;
  node.group_id = cluster.group_id;
  node.pending_roles = [...pendingRoles];
  node.pending_addition = true;
  assignDefaultNetworks(node, cluster);
  resetVolumes(node, store.release);
  store.addChange(cluster, 'interfaces', node.id);
}

/** Back to an unassigned discover node (unassignment of a discover node, or erase). */
export function leaveCluster(store: FuelStore, node: SimNode): void {
  const cluster = node.cluster === null ? undefined : store.clusters.get(node.cluster);
  if (cluster) cluster.changes = cluster.changes.filter((c) => c.node_id !== node.id);
  node.cluster = null;
  node.group_id = null;
  node.roles = [];
  node.pending_roles = [];
  node.pending_addition = false;
  node.pending_deletion = false;
  clearNetworks(node);
  resetVolumes(node, store.release);
}

export function disksJson(node: SimNode): Json[] {
  return node.disks.map((d) => ({ id: d.id, name: d.name, size: d.size, extra: [...d.extra], volumes: d.volumes.map((v) => ({ ...v })) }));
}

/** PUT /nodes/{id}/disks (disks_simple_format_schema, then NodeDisksValidator). */
export function setDisks(store: FuelStore, node: SimNode, body: unknown): void {
  if (!Array.isArray(body)) throw invalid(`${JSON.stringify(body)} is not of type 'array'`);
  if (body.length === 0) throw invalid('Node seems not to have disks');
  const wanted = body.map((item) => {
    const disk = asObject(item);
    if (typeof disk.id !== 'string') throw invalid(`'id' is a required property of every disk`);
    if (!Number.isInteger(disk.size)) throw invalid(`'size' must be an integer (disk ${disk.id})`);
    if (!Array.isArray(disk.volumes)) throw invalid(`'volumes' is a required property of every disk`);
    const volumes = disk.volumes.map((v) => {
      const volume = asObject(v);
      if (typeof volume.name !== 'string' || !Number.isInteger(volume.size)) throw invalid(`each volume needs a string 'name' and an integer 'size' (disk ${disk.id})`);
      return { name: volume.name, size: volume.size as number };
    });
    return { id: disk.id, size: disk.size as number, volumes };
  });
  for (const disk of wanted) {
    if (disk.volumes.reduce((sum, v) => sum + v.size, 0) > disk.size) throw invalid(`Not enough free space on disk: ${JSON.stringify(disk)}`);
  }
  if (store.release.operating_system === 'Ubuntu' && wanted.filter((d) => d.volumes.some((v) => v.name === 'os' && v.size > 0)).length > 1) {
    throw invalid('Base system should be allocated on one disk only');
  }
  for (const disk of wanted) {
    const row = node.disks.find((d) => d.id === disk.id);
    // Inferred text: DisksFormatConvertor has no validator for an unknown id.
    if (!row) throw invalid(`Node '${node.id}': there is no disk with ID '${disk.id}'`);
    row.volumes = disk.volumes;
  }
  if (node.cluster !== null) store.addChange(store.cluster(node.cluster), 'disks', node.id);
}

export function interfacesJson(store: FuelStore, node: SimNode): Json[] {
  const cluster = node.cluster === null ? undefined : store.clusters.get(node.cluster);
  const names = new Map((cluster ? nodeNetworks(cluster) : []).map((n) => [n.id, n.name]));
  return node.nics.map((nic) => ({
    id: nic.id, name: nic.name, mac: nic.mac, type: nic.type, state: nic.state, current_speed: nic.current_speed, max_speed: nic.max_speed,
    assigned_networks: nic.assigned.filter((id) => names.has(id)).map((id) => ({ id, name: names.get(id) })),
    ...(nic.type === 'bond' ? { mode: nic.mode, slaves: (nic.slaves ?? []).map((name) => ({ name })) } : {}),
  }));
}

const BOND_MODES = ['active-backup', 'balance-slb', 'lacp-balance-tcp'];

/** PUT /nodes/{id}/interfaces: NetAssignmentValidator.validate then verify_data_correctness, same texts. */
export function setInterfaces(store: FuelStore, node: SimNode, body: unknown): void {
  const n = node.id;
  if (!Array.isArray(body)) throw invalid(`${JSON.stringify(body)} is not of type 'array'`);
  const interfaces = body.map((item) => asObject(item));
  const seen = new Set<number>();
  for (const iface of interfaces) {
    const label = String(iface.id ?? iface.name);
    if (iface.type === undefined) throw invalid(`Node '${n}': each interface must have a type`);
    if (iface.type !== 'ether' && iface.type !== 'bond') throw invalid(`Node '${n}': unknown interface type`);
    if (iface.type === 'ether' && iface.id === undefined) throw invalid(`Node '${n}': each HW interface must have ID`);
    if (iface.type === 'bond') {
      if (typeof iface.name !== 'string') throw invalid(`Node '${n}': each bond interface must have name`);
      if (typeof iface.mode !== 'string') throw invalid(`Node '${n}': each bond interface must have mode`);
      if (!BOND_MODES.includes(iface.mode)) throw invalid(`Node '${n}': bond interface '${iface.name}' has unknown mode '${iface.mode}'`);
      if (!Array.isArray(iface.slaves) || iface.slaves.length < 2) throw invalid(`Node '${n}': each bond interface must have two or more slaves`);
      for (const slave of iface.slaves as Json[]) if (typeof slave?.name !== 'string') throw invalid(`Node '${n}', interface '${iface.name}': each bond slave must have name`);
    }
    if (!Array.isArray(iface.assigned_networks)) throw invalid(`Node '${n}', interface '${label}': there is no 'assigned_networks' list`);
    for (const net of iface.assigned_networks as unknown[]) {
      if (!net || typeof net !== 'object' || Array.isArray(net)) throw invalid(`Node '${n}', interface '${label}': each assigned network should be a dict`);
      const id = (net as Json).id;
      if (id === undefined) throw invalid(`Node '${n}', interface '${label}': each assigned network should have ID`);
      if (seen.has(id as number)) throw invalid(`Node '${n}': there is a duplicated network '${String(id)}' in assigned networks (second occurrence is in interface '${label}')`);
      seen.add(id as number);
    }
  }
  const cluster = node.cluster === null ? undefined : store.clusters.get(node.cluster);
  const remaining = (cluster ? nodeNetworks(cluster) : []).map((net) => net.id);
  const bonded = new Set<number>();
  for (const iface of interfaces) {
    if (iface.type === 'ether') {
      if (!node.nics.some((nic) => nic.type === 'ether' && nic.id === iface.id)) throw invalid(`Node '${n}': there is no interface with ID '${String(iface.id)}' in DB`);
    } else {
      for (const slave of iface.slaves as Json[]) {
        const nic = node.nics.find((x) => x.type === 'ether' && x.name === slave.name);
        if (!nic) throw invalid(`Node '${n}': there is no interface '${String(slave.name)}' found for bond '${String(iface.name)}' in DB`);
        if (bonded.has(nic.id)) throw invalid(`Node '${n}': interface '${nic.id}' is used in bonds more than once`);
        bonded.add(nic.id);
      }
    }
    for (const net of iface.assigned_networks as Json[]) {
      const at = remaining.indexOf(net.id as number);
      if (at < 0) throw invalid(`Network '${String(net.id)}' doesn't exist for node ${n}`);
      remaining.splice(at, 1);
    }
  }
  if (remaining.length > 0) throw invalid(`Node '${n}': ${remaining.map((id) => `'${id}'`).join(',')} network(s) are left unassigned`);
  for (const iface of interfaces) {
    if (iface.type === 'ether' && bonded.has(iface.id as number) && (iface.assigned_networks as unknown[]).length > 0) {
      throw invalid(`Node '${n}': interface '${String(iface.id)}' cannot have assigned networks as it is used in bond`);
    }
  }
  applyInterfaces(store, node, interfaces);
  if (cluster) store.addChange(cluster, 'interfaces', node.id);
}

/** The validated list replaces the layout: NICs not listed carry nothing; bonds are recreated. */
function applyInterfaces(store: FuelStore, node: SimNode, interfaces: Json[]): void {
  const ethers = node.nics.filter((nic) => nic.type === 'ether');
  for (const nic of ethers) nic.assigned = [];
  const bonds: SimNic[] = [];
  for (const iface of interfaces) {
    const networks = (iface.assigned_networks as Json[]).map((net) => net.id as number);
    if (iface.type === 'ether') {
      (ethers.find((nic) => nic.id === iface.id) as SimNic).assigned = networks;
    } else {
      const existing = node.nics.find((nic) => nic.type === 'bond' && nic.name === iface.name);
      bonds.push({
        id: existing?.id ?? store.seq.take('nic'), name: iface.name as string, mac: null, type: 'bond', state: null, current_speed: null, max_speed: null,
        assigned: networks, mode: iface.mode as string, slaves: (iface.slaves as Json[]).map((s) => s.name as string),
      });
    }
  }
  node.nics = [...ethers, ...bonds];
}

/** PUT /nodes/{id} and items of PUT /nodes: cluster moves, roles, pending flags, name. */
export function updateNode(store: FuelStore, node: SimNode, data: Json): void {
  const clusterKey = 'cluster_id' in data ? 'cluster_id' : 'cluster' in data ? 'cluster' : undefined;
  if (clusterKey !== undefined) {
    const target = data[clusterKey] as number | null;
    if (target === null) {
      if (node.cluster !== null) leaveCluster(store, node);
    } else if (node.cluster === null) {
      joinCluster(store, node, target, Array.isArray(data.pending_roles) ? (data.pending_roles as string[]) : []);
    } else if (node.cluster !== target) {
      // 6.0 does not map this exception: a 500.
      throw new FuelApiError(500, 'Changing cluster on the fly is not allowed');
    }
  }
  if (node.cluster !== null) {
    let rolesChanged = false;
    if (Array.isArray(data.pending_roles)) {
      node.pending_roles = [...(data.pending_roles as string[])];
      rolesChanged = true;
    }
    if (Array.isArray(data.roles)) {
      node.roles = [...(data.roles as string[])];
      rolesChanged = true;
    }
    if (rolesChanged && node.status !== 'provisioning' && node.status !== 'deploying') resetVolumes(node, store.release);
  }
  if (typeof data.pending_addition === 'boolean') node.pending_addition = data.pending_addition;
  if (typeof data.pending_deletion === 'boolean') node.pending_deletion = data.pending_deletion;
  if (typeof data.name === 'string') node.name = data.name;
}

export function asObject(value: unknown): Json {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid(`${JSON.stringify(value ?? null)} is not of type 'object'`);
  return value as Json;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
