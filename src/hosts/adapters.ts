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
  binary: string;
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

/** What the scheduler sees, for checking that servers leaving a host have somewhere to go. */
export interface PlacementSnapshot {
  hypervisors: Array<{ name: string; serviceHost: string; enabled: boolean; up: boolean; freeRamMb: number; freeDiskGb: number }>;
  servers: Array<{ id: string; name: string; host: string; ramMb: number; diskGb: number }>;
  groups: Array<{ name: string; policy: string; members: string[] }>;
}

/** Nova's host operations on one cloud (admin). */
export interface NovaHostOps {
  /** The host's nova-compute service, if the cloud has one. */
  computeService(host: string): Promise<ComputeServiceView | undefined>;
  /** Every Nova service on the host (nova-compute, a controller's conductor and scheduler…). */
  services(host: string): Promise<ComputeServiceView[]>;
  placementSnapshot(): Promise<PlacementSnapshot>;
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
  /** Unassigned from its environment: the next deployment of that environment wipes it. */
  pendingDeletion: boolean;
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

export interface FuelEnvironmentRef {
  id: number;
  name: string;
}

/** A layout the plan gives (spec.hosts[].fuel.layout), sizes in MB. */
export interface FixedLayoutRef {
  disks: ReadonlyArray<{ name: string; volumes: ReadonlyArray<{ name: string; size: number | 'rest' }> }>;
  interfaces: ReadonlyArray<{ name: string; networks: readonly string[] }>;
}

/** The tasks a host step starts: `deploy` is the supertask of `PUT /changes`. */
export type FuelTaskName = 'provision' | 'deployment' | 'deploy';

/** The Fuel master, as the host steps use it. */
export interface FuelOps {
  environmentId(name: string): Promise<number>;
  environments(): Promise<FuelEnvironmentRef[]>;
  nodes(): Promise<FuelNodeRef[]>;
  node(id: number): Promise<FuelNodeRef>;
  assign(environmentId: number, nodeId: number, roles: readonly string[]): Promise<void>;
  /** Out of its environment: at once for a `discover` node, at the environment's next deployment otherwise. */
  unassign(environmentId: number, nodeId: number): Promise<void>;
  rename(nodeId: number, name: string): Promise<void>;
  /** Disks and interfaces of `nodeId` laid out like `templateId`'s (matched by name). */
  copyLayout(nodeId: number, templateId: number, environmentId: number): Promise<void>;
  /** What is wrong with `layout` on the node in the environment (reads only); empty when it fits. */
  fixedLayoutProblems(nodeId: number, layout: FixedLayoutRef, environmentId: number): Promise<string[]>;
  /** Disks and interfaces of `nodeId` as `layout` says. @throws PH1913 before anything is sent, when it does not fit */
  applyFixedLayout(nodeId: number, layout: FixedLayoutRef, environmentId: number): Promise<void>;
  provision(environmentId: number, nodeId: number): Promise<FuelTaskRef>;
  deploy(environmentId: number, nodeId: number): Promise<FuelTaskRef>;
  /** `PUT /changes`: every pending change of the environment (for a source environment: the nodes unassigned from it). */
  deployChanges(environmentId: number): Promise<FuelTaskRef>;
  task(id: number): Promise<FuelTaskRef>;
  /** A task of the environment still running, if any (one started before a kill). */
  activeTask(environmentId: number, name: FuelTaskName): Promise<FuelTaskRef | undefined>;
}

/** The BMC of a source host, from pumphouse.yaml `hosts`. */
export type PowerFor = (hostName: string) => PowerDriver;
