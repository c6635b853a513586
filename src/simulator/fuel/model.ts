/**
 * The simulator's state: Nailgun's tables as plain objects (fuel-api.md §6 "State"). Rows hold
 * what the serializers need; JSON views are built in views.ts.
 */

export type NodeStatus = 'discover' | 'provisioning' | 'provisioned' | 'deploying' | 'ready' | 'error';
export type TaskStatus = 'running' | 'ready' | 'error';

export interface SimNetwork {
  id: number;
  name: string;
  /** Node group id; null for the global admin network. */
  group_id: number | null;
  cidr: string | null;
  gateway: string | null;
  vlan_start: number | null;
  ip_ranges: [string, string][];
  meta: Record<string, unknown>;
}

export interface SimNic {
  id: number;
  name: string;
  mac: string | null;
  type: 'ether' | 'bond';
  state: string | null;
  current_speed: number | null;
  max_speed: number | null;
  /** Network ids, in the order they were assigned. */
  assigned: number[];
  /** Bonds only. */
  mode?: string;
  slaves?: string[];
}

export interface SimVolume {
  name: string;
  size: number;
}

export interface SimDisk {
  /** meta `disk` (by-path on real hardware). */
  id: string;
  /** Kernel name. */
  name: string;
  /** Usable MB. */
  size: number;
  extra: string[];
  volumes: SimVolume[];
}

export interface SimNode {
  id: number;
  name: string;
  mac: string;
  ip: string | null;
  status: NodeStatus;
  progress: number;
  error_type: 'provision' | 'deploy' | 'deletion' | null;
  cluster: number | null;
  group_id: number | null;
  roles: string[];
  pending_roles: string[];
  pending_addition: boolean;
  pending_deletion: boolean;
  fqdn: string | null;
  manufacturer: string | null;
  platform_name: string | null;
  os_platform: string | null;
  kernel_params: string | null;
  meta: Record<string, unknown>;
  nics: SimNic[];
  disks: SimDisk[];
  /** Last agent POST/PUT (ms); `online` turns false after the keepalive timeout. */
  lastAgentAt: number;
  agentChecksum: string | null;
  /** The HardwareWorld machine it runs on: its power state is the agent's liveness. */
  machine: string | null;
}

export interface SimChange {
  name: 'networks' | 'attributes' | 'disks' | 'interfaces';
  node_id: number | null;
}

export interface SimCluster {
  id: number;
  name: string;
  mode: 'multinode' | 'ha_full' | 'ha_compact';
  status: 'new' | 'deployment' | 'stopped' | 'operational' | 'error' | 'remove';
  net_provider: 'nova_network' | 'neutron';
  release_id: number;
  /** The default node group; its id is the group_id of the cluster's networks and nodes. */
  group_id: number;
  changes: SimChange[];
  networks: SimNetwork[];
  networking_parameters: Record<string, unknown>;
}

export interface SimTask {
  id: number;
  uuid: string;
  name: 'deploy' | 'provision' | 'deployment' | 'node_deletion';
  cluster: number;
  status: TaskStatus;
  progress: number;
  message: string | null;
  result: Record<string, unknown>;
  parent_id: number | null;
}

export interface SimRelease {
  id: number;
  name: string;
  version: string;
  operating_system: string;
  description: string;
  state: string;
  roles: string[];
  roles_metadata: Record<string, { name: string; description: string; conflicts?: string[] }>;
  /** release.volumes_metadata.volumes_roles_mapping */
  volumes_roles_mapping: Record<string, string[]>;
}

/** Id sequences, one per table (Postgres serials). */
export class Sequences {
  private readonly next = new Map<string, number>();

  constructor(start: Record<string, number> = {}) {
    for (const [table, value] of Object.entries(start)) this.next.set(table, value);
  }

  /** Every table back to `start` (a master reset to its first state). */
  restart(start: Record<string, number>): void {
    this.next.clear();
    for (const [table, value] of Object.entries(start)) this.next.set(table, value);
  }

  take(table: string): number {
    const id = this.next.get(table) ?? 1;
    this.next.set(table, id + 1);
    return id;
  }
}
