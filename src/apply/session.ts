import type { PumphouseConfig } from '../config/load.js';
import type { CloudConfig } from '../config/types.js';
import { PumphouseError } from '../errors.js';
import type { EventSink } from '../events/sink.js';
import type { ExecutionPlan } from '../execution-plan/plan.js';
import { hostStepWorld } from '../hosts/world.js';
import { connectCloud, discoverCloud } from '../inventory/clouds.js';
import type { Inventory } from '../inventory/model.js';
import { connect, type Cloud } from '../openstack/index.js';
import type { StateStore } from '../state/store.js';
import { runApply, type ApplyReport } from './apply.js';
import { acquireTargetLease } from './lease.js';
import { noPasswords, PasswordsFile, warnUsersWithoutPasswords } from './passwords.js';

/**
 * An apply's connections, as `pumphouse apply` and `pumphouse serve` both open them: both clouds
 * connected and discovered, the state checked to belong to them, the plan recorded, and the
 * apply run with everything its steps need (passwords file, the host steps' world).
 */
export interface ApplySession {
  clouds: [Cloud, Cloud];
  configs: [CloudConfig, CloudConfig];
  inventories: { source: Inventory; target: Inventory };
  close(): void;
}

/** Connects to both clouds and discovers them, keeping the connections for the apply. */
export async function openApplySession(config: PumphouseConfig, events: EventSink): Promise<ApplySession> {
  const configs: [CloudConfig, CloudConfig] = [config.source, config.target];
  const clouds = await settleAll(configs.map((c) => connectCloud(config, c, events))) as [Cloud, Cloud];
  try {
    const [source, target] = await settleAll(clouds.map((cloud, i) => discoverCloud(config, cloud, configs[i]!.label, events)));
    return { clouds, configs, inventories: { source: source!, target: target! }, close: () => clouds.forEach((c) => c.close()) };
  } catch (error) {
    clouds.forEach((c) => c.close());
    throw error;
  }
}

/** A state file belongs to one pair of clouds: applying it to others would mismatch every id. */
export function checkStateClouds(store: StateStore, session: ApplySession): void {
  const recorded = store.state.clouds;
  if (!recorded) return;
  const [source, target] = session.clouds;
  if (recorded.source.authUrl !== source.authUrl || recorded.target.authUrl !== target.authUrl) {
    throw new PumphouseError('PH1604', `the state file was written for source ${recorded.source.authUrl} and target ${recorded.target.authUrl}, not ${source.authUrl} → ${target.authUrl}`, {
      hint: 'use a state file per pair of clouds: --state PATH',
    });
  }
}

export interface SessionApplyOptions {
  parallelism?: number;
  failFast?: boolean;
  stop?: AbortSignal;
  abort?: AbortSignal;
  pollMs?: number;
}

/** Records the clouds and the plan in the state, then runs the apply. */
export async function applyInSession(config: PumphouseConfig, session: ApplySession, plan: ExecutionPlan, store: StateStore, events: EventSink, options: SessionApplyOptions = {}): Promise<ApplyReport> {
  await store.update((s) => {
    s.clouds = { source: { authUrl: session.clouds[0].authUrl }, target: { authUrl: session.clouds[1].authUrl } };
    const startedAt = s.plan?.hash === plan.plan.fileHash ? s.plan.startedAt : new Date().toISOString();
    s.plan = { name: plan.plan.name, hash: plan.plan.fileHash, startedAt, madeAt: plan.createdAt };
  });
  const passwords = plan.settings.passwords === 'reset' && plan.settings.passwordsFile ? await PasswordsFile.open(plan.settings.passwordsFile) : undefined;
  const lease = await acquireTargetLease(session.clouds[1], { lineage: store.state.lineage, plan: plan.plan.name, stateFile: store.path, events });
  try {
    const report = await runSessionApply(config, session, plan, store, events, passwords ?? noPasswords, options);
    if (passwords) warnUsersWithoutPasswords({ changes: plan.changes, steps: plan.steps, records: store.state.steps, source: session.inventories.source, passwords, events });
    return report;
  } finally {
    await lease.release();
  }
}

function runSessionApply(config: PumphouseConfig, session: ApplySession, plan: ExecutionPlan, store: StateStore, events: EventSink, passwords: PasswordsFile | typeof noPasswords, options: SessionApplyOptions): Promise<ApplyReport> {
  return runApply({
    plan,
    source: session.clouds[0],
    target: session.clouds[1],
    targetConfig: session.configs[1],
    inventories: session.inventories,
    store,
    events,
    passwords,
    connect: (c) => connect(c, { events }),
    hosts: hostStepWorld(config, { source: session.clouds[0], target: session.clouds[1] }, events),
    keepAdminGrants: config.settings.apply.keepAdminGrants,
    ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}),
    ...(options.failFast !== undefined ? { failFast: options.failFast } : {}),
    ...(options.stop ? { stop: options.stop } : {}),
    ...(options.abort ? { abort: options.abort } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
  });
}

/**
 * Runs all, waits for all (so one cloud's failure does not abandon the other's requests
 * mid-flight), then throws the first failure or returns every result in order.
 */
export async function settleAll<T>(work: Array<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
