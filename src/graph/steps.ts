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
  | 'migrate-server' // the downtime step
  | 'maintain-host' // disable nova-compute with a reason
  | 'evacuate-host' // move the servers that remain
  | 'upgrade-host' // PXE, Fuel discover, assign, deploy, wait for nova-compute
  | 'decommission-host';

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
