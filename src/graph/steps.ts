import type { ResourceKind } from '../inventory/model.js';

/**
 * The execution plan's unit of work. Each step is idempotent (observe → run → verify at apply
 * time), keyed by a stable id so a state file can record it and a resumed apply can find it.
 */
export type StepAction =
  | 'create' // copy a meta-resource (project, user, grant, flavor, image, network, ...)
  | 'update'
  | 'sync-rules' // a security group's rules, once every group they name exists (breaks group cycles)
  | 'migrate-volume'
  | 'migrate-server' // the downtime step (for a warm server: only the cutover)
  | 'precopy-server' // a warm server: its disk copied from a snapshot while it runs, its copy built and left stopped
  | 'check-host' // reads only: a fixed layout against the node's disks and NICs, before any change
  | 'maintain-host' // disable nova-compute with a reason
  | 'evacuate-host' // move the servers that remain
  | 'release-host' // services off the source, into Fuel's bootstrap, left unassigned
  | 'upgrade-host' // into Fuel's bootstrap (BMC or Fuel), assign, deploy, wait for its services
  | 'decommission-host';

/** The step actions of the Hosts wave (src/hosts runs them). */
export const HOST_STEP_ACTIONS = ['check-host', 'maintain-host', 'evacuate-host', 'release-host', 'upgrade-host', 'decommission-host'] as const satisfies readonly StepAction[];
export type HostStepAction = (typeof HOST_STEP_ACTIONS)[number];

export interface Step {
  /** `<action>:<address>`, e.g. "create:network:demo/net-1"; unique in a plan. */
  id: string;
  action: StepAction;
  kind: ResourceKind;
  /** The change's source address. */
  address: string;
  /** Ids of the steps that must succeed first. */
  dependsOn: string[];
}

export interface StepGraph {
  /** Topologically ordered; ties broken by id, so the order is deterministic. */
  steps: Step[];
}
