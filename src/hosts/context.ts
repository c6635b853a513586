import type { HostHardware, HostManagement } from '../config/types.js';
import type { HostChange } from '../diff/changes.js';
import { PumphouseError, type PhCode } from '../errors.js';
import { StepAbortedError } from '../executor/executor.js';
import type { StepContext } from '../executor/runner.js';
import { done, pending, waitFor } from '../wait.js';
import type { FuelOps, NovaHostOps, PowerFor } from './adapters.js';

/**
 * What the host steps share: what they need of the apply (`m`: the plan's host changes, the
 * ledger, timings), Nova's host operations on both clouds, the BMCs and the Fuel master. Fuel and
 * the BMCs are optional (a plan that only puts hosts in maintenance needs neither); a step that
 * needs one and lacks it fails with a hint naming the pumphouse.yaml key.
 */
export interface HostStepContext extends HostStepWorld {
  m: HostApplyContext;
}

/**
 * The part of the apply's migration context (migrate/context.ts) the host steps use, so hosts/
 * does not import migrate/: apply gives them its MigrationContext, which has all of it.
 */
export interface HostApplyContext {
  readonly planName: string;
  /** Polling interval for status waits, ms. */
  readonly pollMs: number;
  /** Longest wait for one status transition, ms. */
  readonly waitTimeoutMs: number;
  readonly ledger: {
    mapping(address: string): string | undefined;
    /** On disk before it resolves: for a mapping nothing else could find again (an upgraded host's node). */
    saveMapping(address: string, targetId: string): Promise<void>;
  };
  change(address: string): { host?: HostChange } | undefined;
}

/** The host steps' outside world, given to an apply (the migration context is the apply's own). */
export interface HostStepWorld {
  sourceNova: NovaHostOps;
  targetNova: NovaHostOps;
  /** pumphouse.yaml `hosts`. */
  hardware: Record<string, HostHardware>;
  /** How a host is taken into Fuel's bootstrap: its `management`, else pumphouse.yaml's `host_management`. */
  management(host: string): HostManagement;
  power: PowerFor;
  fuel?: FuelOps;
  /** pumphouse.yaml `fuel.environment`: where a plan's host goes unless it names another. */
  fuelEnvironment?: string;
  /** pumphouse.yaml `fuel.source_environment`: the environment a Fuel-managed host's node must be in. */
  fuelSourceEnvironment?: string;
  /** How long a PXE-booted host may take to appear in Fuel. @default 15 min */
  discoverTimeoutMs?: number;
  /** How long a provision or deployment may take. @default 2 h */
  deployTimeoutMs?: number;
}

/** Host step error codes (PH166x). */
export const HOST_STEP_CODES = {
  noComputeService: 'PH1660',
  serversRemain: 'PH1661',
  moveFailed: 'PH1662',
  noFuel: 'PH1663',
  noPxeMacs: 'PH1664',
  notInFuel: 'PH1665',
  fuelTaskFailed: 'PH1666',
  noTemplate: 'PH1667',
  notServing: 'PH1668',
  otherEnvironment: 'PH1669',
  sourcePending: 'PH1670',
  noSourceNode: 'PH1671',
  noDestination: 'PH1672',
} as const satisfies Record<string, PhCode>;

export function hostNameOf(address: string): string {
  return address.slice('hypervisor:'.length);
}

export function hostChangeOf(h: HostStepContext, address: string): HostChange {
  const change = h.m.change(address)?.host;
  if (!change) throw new PumphouseError('PH1680', `${address}: the plan has no host change for it`, { hint: 're-plan, then apply the new plan' });
  return change;
}

/** Polls `probe` until it returns a value; `what` says what is awaited, for the timeout message. */
export function pollUntil<T>(ctx: StepContext, h: HostStepContext, probe: () => Promise<T | undefined>, options: { timeoutMs: number; code: PhCode; what: string; hint: string }): Promise<T> {
  const poll = async () => {
    const value = await probe();
    return value === undefined ? pending(undefined) : done(value);
  };
  return waitFor(poll, {
    firstIntervalMs: 20,
    intervalMs: h.m.pollMs,
    timeoutMs: options.timeoutMs,
    signal: ctx.signal,
    abortError: () => new StepAbortedError(),
    timeoutError: () => new PumphouseError(options.code, `${options.what}: not after ${Math.round(options.timeoutMs / 1000)} s`, { hint: options.hint }),
  });
}
