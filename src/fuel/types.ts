/**
 * The JSON shapes of the Nailgun API that pumphouse reads or sends (fuel-api.md §3). Fields are
 * those of the 6.0 serializers; later versions add fields, which are kept by the index
 * signatures where a PUT must send them back untouched.
 */

export interface FuelVersion {
  release: string;
  api: string;
  auth_required?: boolean;
  [field: string]: unknown;
}

export interface FuelRelease {
  id: number;
  name: string;
  version: string;
  operating_system: string;
  state?: string;
  roles: string[];
  roles_metadata?: Record<string, { name?: string; description?: string; conflicts?: string[] }>;
  [field: string]: unknown;
}

export type FuelClusterStatus = 'new' | 'deployment' | 'stopped' | 'operational' | 'error' | 'remove' | 'update' | 'update_error' | 'partially_deployed';
export type FuelNetProvider = 'nova_network' | 'neutron';

export interface FuelChange {
  name: 'networks' | 'attributes' | 'disks' | 'interfaces' | string;
  node_id: number | null;
}

export interface FuelCluster {
  id: number;
  name: string;
  mode: string;
  status: FuelClusterStatus;
  net_provider: FuelNetProvider;
  release_id: number;
  fuel_version?: string;
  changes: FuelChange[];
  [field: string]: unknown;
}

export type FuelNodeStatus = 'discover' | 'provisioning' | 'provisioned' | 'deploying' | 'ready' | 'error' | 'removing' | 'stopped';

export interface FuelMetaInterface {
  name: string;
  mac: string;
  max_speed?: number | null;
  current_speed?: number | null;
  ip?: string;
  netmask?: string;
  state?: string;
  pxe?: boolean;
  [field: string]: unknown;
}

export interface FuelMetaDisk {
  name: string;
  disk: string;
  model?: string;
  /** Bytes. */
  size: number;
  [field: string]: unknown;
}

export interface FuelNodeMeta {
  interfaces: FuelMetaInterface[];
  disks: FuelMetaDisk[];
  memory?: { total: number; [field: string]: unknown };
  cpu?: { real?: number; total?: number; [field: string]: unknown };
  system?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface FuelNode {
  id: number;
  name: string;
  /** The admin (PXE) NIC's MAC. */
  mac: string;
  ip: string | null;
  status: FuelNodeStatus;
  online: boolean;
  progress: number;
  error_type: 'deploy' | 'provision' | 'deletion' | 'discover' | 'stop_deployment' | null;
  /** The cluster id, or null when unassigned. */
  cluster: number | null;
  group_id: number | null;
  roles: string[];
  pending_roles: string[];
  pending_addition: boolean;
  pending_deletion: boolean;
  /** `node-<id>.<domain>`; null before provisioning in 6.0. */
  fqdn: string | null;
  manufacturer?: string | null;
  platform_name?: string | null;
  os_platform?: string | null;
  meta: FuelNodeMeta;
  [field: string]: unknown;
}

export interface FuelVolume {
  name: string;
  /** MB. */
  size: number;
}

/** A disk in the "simple format" of GET/PUT /nodes/{id}/disks; sizes in MB. */
export interface FuelDisk {
  id: string;
  name: string;
  size: number;
  extra?: string[];
  volumes: FuelVolume[];
}

/** What PUT /nodes/{id}/disks needs of each disk. */
export interface FuelDiskUpdate {
  id: string;
  size: number;
  volumes: FuelVolume[];
}

export interface FuelNetworkRef {
  id: number;
  name: string;
}

export interface FuelInterface {
  /** Per node, from the DB; bonds created by a PUT have none until Fuel answers. */
  id?: number;
  name: string;
  mac?: string | null;
  type: 'ether' | 'bond';
  state?: string | null;
  current_speed?: number | null;
  max_speed?: number | null;
  assigned_networks: FuelNetworkRef[];
  /** Bonds only. */
  mode?: string;
  slaves?: { name: string }[];
  [field: string]: unknown;
}

/** What PUT /nodes/{id}/interfaces needs of each NIC: id and type for an ether, name/mode/slaves for a bond. */
export interface FuelInterfaceUpdate {
  id?: number;
  type: 'ether' | 'bond';
  name?: string;
  mode?: string;
  slaves?: { name: string }[];
  assigned_networks: FuelNetworkRef[];
}

export interface FuelNetworkGroup {
  id: number;
  name: string;
  group_id: number | null;
  cidr: string | null;
  gateway: string | null;
  vlan_start: number | null;
  ip_ranges: [string, string][];
  meta: Record<string, unknown>;
}

export interface FuelNetworkConfiguration {
  networks: FuelNetworkGroup[];
  networking_parameters: Record<string, unknown>;
  public_vip?: string;
  management_vip?: string;
  [field: string]: unknown;
}

export type FuelTaskStatus = 'pending' | 'running' | 'ready' | 'error';

export interface FuelTask {
  id: number;
  uuid: string;
  name: string;
  /** The cluster id. */
  cluster: number | null;
  status: FuelTaskStatus;
  progress: number;
  message: string | null;
  result: unknown;
  [field: string]: unknown;
}

export interface FuelAssignment {
  id: number;
  roles: string[];
}
