import type { Inventory, InventoryResource } from '../../inventory/model.js';

/**
 * The original Pumphouse's `GET /resources` document, built from our inventories (pure):
 *   { reset, source: { urls, resources: [{ id, cloud, type, data }], … }, destination: { … }, hosts, events }
 * Each resource has the type and the `data` fields the original's listers returned (tenant,
 * server with host_id/image_id/tenant_id, volume, image, flavor, floating_ip with server_id, host
 * with its status available | blocked | error, secgroup, network in its Neutron form). A client
 * keys them by (type, cloud, id), as the original's UI and functional tests do. Each cloud also
 * keeps the short summary our dashboard reads (projects, servers, images, hosts).
 */
export type OriginalCloud = 'source' | 'destination';

export interface OriginalResource {
  id: string;
  cloud: OriginalCloud;
  type: string;
  data: Record<string, unknown>;
}

export interface OriginalCloudView {
  urls: Record<string, string>;
  resources: OriginalResource[];
  [summary: string]: unknown;
}

export interface OriginalDocument {
  reset: boolean;
  source: OriginalCloudView;
  destination: OriginalCloudView;
  /** Hosts that belong to no cloud (the original left it empty). */
  hosts: unknown[];
  /** The events in flight (the original left it empty). */
  events: unknown[];
}

export function originalDocument(source: Inventory, target: Inventory, reset: boolean): OriginalDocument {
  return { reset, source: cloudView(source, 'source'), destination: cloudView(target, 'destination'), hosts: [], events: [] };
}

function cloudView(inventory: Inventory, cloud: OriginalCloud): OriginalCloudView {
  return { urls: { identity: inventory.authUrl }, resources: originalResources(inventory, cloud), ...summary(inventory) };
}

type Lister = (r: InventoryResource, at: Index) => Record<string, unknown> | undefined;

interface Index {
  byAddress: Map<string, InventoryResource>;
  /** The subnets of each network, by the network's address. */
  subnets: Map<string, string[]>;
  /** The nova-compute service of each host. */
  computeServices: Map<string, InventoryResource>;
}

/** Our kinds → the original's types and the `data` its lister gave each. */
const LISTERS: ReadonlyArray<[kind: InventoryResource['kind'], type: string, data: Lister]> = [
  ['project', 'tenant', (r) => ({ id: r.id, name: r.name, description: str(r.attributes['description']) })],
  ['server', 'server', (r) => ({
    id: r.id, name: r.name, status: r.attributes['status'], tenant_id: r.project?.id ?? null,
    image_id: str(r.attributes['imageId']) ?? null, // The host's id is its service's host name (see hostData), so a server names its host by the same.
    host_id: str(r.attributes['host']) ?? str(r.attributes['hypervisorHostname']) ?? null,
  })],
  ['volume', 'volume', (r, at) => ({
    id: r.id, status: r.attributes['status'], name: r.name, tenant_id: r.project?.id ?? null, host_id: str(r.attributes['backendHost']) ?? null,
    size: r.attributes['sizeGb'], type: str(r.attributes['volumeType']) ?? null, server_ids: idsOf(r.refs['servers'], at),
  })],
  ['image', 'image', (r) => ({ id: r.id, status: r.attributes['status'], name: r.name })],
  ['flavor', 'flavor', (r) => ({ id: r.id, name: r.name, vcpus: r.attributes['vcpus'], ram: r.attributes['ramMb'], disk: r.attributes['diskGb'], is_public: r.attributes['isPublic'] })],
  ['floating-ip', 'floating_ip', (r, at) => ({ name: r.name, server_id: idsOf(r.refs['server'], at)[0] ?? null })],
  ['hypervisor', 'host', (r, at) => hostData(r, at)],
  ['security-group', 'secgroup', (r) => ({ id: r.id, name: r.name, description: str(r.attributes['description']) ?? '', tenant_id: r.project?.id ?? null, rules: r.attributes['rules'] ?? [] })],
  ['network', 'network', (r, at) => networkData(r, at)],
];

/** The original's resource list of one cloud, in the order of LISTERS. */
export function originalResources(inventory: Inventory, cloud: OriginalCloud): OriginalResource[] {
  const at = indexOf(inventory);
  const out: OriginalResource[] = [];
  for (const [kind, type, lister] of LISTERS) {
    for (const r of inventory.resources) {
      if (r.kind !== kind) continue;
      const data = lister(r, at);
      // A floating IP is known by its address, a host by its service's host name, as the original did.
      if (data) out.push({ id: kind === 'floating-ip' ? r.name : kind === 'hypervisor' ? String(data['name']) : r.id, cloud, type, data });
    }
  }
  return out;
}

/** The original's host status: nova-compute up and enabled, up and disabled, or down. A host whose service is gone is not listed. */
function hostData(r: InventoryResource, at: Index): Record<string, unknown> | undefined {
  const name = str(r.attributes['serviceHost']) ?? r.name;
  const service = at.computeServices.get(name);
  if (!service) return undefined;
  const up = service.attributes['state'] === 'up';
  const status = !up ? 'error' : service.attributes['status'] === 'enabled' ? 'available' : 'blocked';
  return { name, status };
}

function networkData(r: InventoryResource, at: Index): Record<string, unknown> {
  const provider = (r.attributes['provider'] ?? {}) as Record<string, unknown>;
  return {
    id: r.id, admin_state_up: r.attributes['adminStateUp'], name: r.name,
    'provider:network_type': provider['networkType'] ?? null, 'provider:physical_network': provider['physicalNetwork'] ?? null,
    'provider:segmentation_id': provider['segmentationId'] ?? null, 'router:external': r.attributes['external'] === true,
    shared: r.attributes['shared'] === true, status: r.attributes['status'], subnets: at.subnets.get(r.address) ?? [], tenant_id: r.project?.id ?? null,
  };
}

function indexOf(inventory: Inventory): Index {
  const byAddress = new Map(inventory.resources.map((r) => [r.address, r]));
  const subnets = new Map<string, string[]>();
  const computeServices = new Map<string, InventoryResource>();
  for (const r of inventory.resources) {
    const network = r.kind === 'subnet' ? r.refs['network'] : undefined;
    if (typeof network === 'string') subnets.set(network, [...(subnets.get(network) ?? []), r.id]);
    if (r.kind === 'compute-service' && r.attributes['binary'] === 'nova-compute') computeServices.set(String(r.attributes['host']), r);
  }
  return { byAddress, subnets, computeServices };
}

function idsOf(refs: string | string[] | undefined, at: Index): string[] {
  const list = refs === undefined ? [] : Array.isArray(refs) ? refs : [refs];
  return list.map((address) => at.byAddress.get(address)?.id).filter((id): id is string => id !== undefined);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The short picture of a cloud our dashboard shows. */
export function summary(inventory: Inventory): Record<string, unknown> {
  const of = (kind: string) => inventory.resources.filter((r) => r.kind === kind);
  return {
    cloud: inventory.cloud,
    projects: of('project').map((p) => ({ id: p.id, name: p.name, enabled: p.attributes['enabled'] !== false })),
    servers: of('server').map((s) => ({ id: s.id, name: s.name, project: s.project?.name ?? null, status: s.attributes['status'], host: s.attributes['host'] ?? null })),
    images: of('image').map((i) => ({ id: i.id, name: i.name, status: i.attributes['status'] })),
    hosts: of('hypervisor').map((h) => ({ name: h.name, status: h.attributes['status'], state: h.attributes['state'], runningVms: h.attributes['runningVms'] ?? null })),
  };
}
