import type { PowerDriver } from '../hardware/power.js';

/**
 * What the host steps need of the outside world, each as a small interface: Nova's host
 * operations on a cloud, the BMC of a host, the Fuel master. Adapters (nova-ops.ts, fuel-ops.ts)
 * put the clients behind them, so the steps read as the procedure they are and tests can drive
 * them without HTTP.
 */

export interface ComputeServiceView {
  id: string;
  host: string;
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
  forcedDown: boolean;
  disabledReason: string | null;
}

export interface HostServerView {
  id: string;
  name: string;
  status: string;
  /** Nova's task in progress (`deleting`, `migrating`, …), or null. */
  taskState: string | null;
  host: string | null;
}

export type EvacuationMove = 'live' | 'cold' | 'evacuate';

/** Nova's host operations on one cloud (admin). */
export interface NovaHostOps {
  /** The host's nova-compute service, if the cloud has one. */
  computeService(host: string): Promise<ComputeServiceView | undefined>;
  disableService(service: ComputeServiceView, reason: string): Promise<void>;
  forceDown(service: ComputeServiceView, down: boolean): Promise<void>;
  deleteService(service: ComputeServiceView): Promise<void>;
  /** Every server (all projects) whose compute host is `host`. */
  serversOn(host: string): Promise<HostServerView[]>;
  server(id: string): Promise<HostServerView | undefined>;
  /** Starts the move; the scheduler picks the destination unless `to` names hosts (the first is asked). */
  move(serverId: string, how: EvacuationMove, to: readonly string[]): Promise<void>;
  confirmResize(serverId: string): Promise<void>;
}

export interface FuelNodeRef {
  id: number;
  name: string;
  status: string;
  online: boolean;
  cluster: number | null;
  roles: string[];
  pendingRoles: string[];
  pendingAddition: boolean;
  fqdn: string | null;
  hostname: string | null;
  macs: string[];
  progress: number;
  errorType: string | null;
}

export interface FuelTaskRef {
  id: number;
  name: string;
  status: 'pending' | 'running' | 'ready' | 'error';
  progress: number;
  message: string | null;
}

/** The Fuel master, as the upgrade step uses it. */
export interface FuelOps {
  environmentId(name: string): Promise<number>;
  nodes(): Promise<FuelNodeRef[]>;
  node(id: number): Promise<FuelNodeRef>;
  assign(environmentId: number, nodeId: number, roles: readonly string[]): Promise<void>;
  /** Disks and interfaces of `nodeId` laid out like `templateId`'s (matched by name). */
  copyLayout(nodeId: number, templateId: number, environmentId: number): Promise<void>;
  provision(environmentId: number, nodeId: number): Promise<FuelTaskRef>;
  deploy(environmentId: number, nodeId: number): Promise<FuelTaskRef>;
  task(id: number): Promise<FuelTaskRef>;
  /** A provision or deployment task of the environment still running, if any (one started before a kill). */
  activeTask(environmentId: number, name: 'provision' | 'deployment'): Promise<FuelTaskRef | undefined>;
}

/** The BMC of a source host, from pumphouse.yaml `hosts`. */
export type PowerFor = (hostName: string) => PowerDriver;
