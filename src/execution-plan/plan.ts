import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { DesiredState } from '../desired/model.js';
import { IMPACT_ORDER, type Change, type Impact } from '../diff/changes.js';
import type { Step } from '../graph/steps.js';
import type { Inventory, InventoryResource } from '../inventory/model.js';
import type { PreflightCheck } from '../preflight/checks.js';

/**
 * The saved machine plan (`pumphouse plan --out plan.json`, schemas/plan-output.schema.json):
 * everything apply needs and nothing it must re-derive. Distinct from the operator's plan file.
 *
 * Invariants: deterministic for the same inputs apart from `createdAt` and the inventories'
 * `takenAt`; `inventories.*.fingerprint` lets apply refuse a stale plan; `applyable` is false
 * when any error diagnostic, conflict or failed pre-flight check is present.
 */
export const PLAN_OUTPUT_FORMAT_VERSION = 1;

export interface InventoryStamp {
  cloud: string;
  authUrl: string;
  takenAt: string;
  fingerprint: string;
}

export interface PlanSummary {
  create: number;
  update: number;
  migrate: number;
  conflict: number;
  noop: number;
  hostsToUpgrade: number;
  hostChanges: number;
  /** Sum of the migrated servers' estimated bytes. */
  bytes: number;
  /** Sum of the per-server downtime estimates (servers move in parallel, so wall time is less). */
  downtimeSeconds: number;
  worstImpact: Impact;
}

export interface ExecutionPlan {
  formatVersion: typeof PLAN_OUTPUT_FORMAT_VERSION;
  plan: { name: string; file: string; fileHash: string };
  createdAt: string;
  inventories: { source: InventoryStamp; target: InventoryStamp };
  summary: PlanSummary;
  changes: Change[];
  /** Each after what it depends on; apply starts them in another order within that (apply/schedule.ts). */
  steps: Step[];
  preflight: PreflightCheck[];
  diagnostics: Diagnostic[];
  applyable: boolean;
  /** What apply needs from the plan file besides the steps: it runs from the plan alone. */
  settings: PlanSettings;
  /**
   * A digest of every source object a step changes or moves, so `apply plan.json` can refuse a
   * plan whose objects changed since it was made (statuses excluded: apply itself stops servers).
   */
  sourceDigests: Record<string, string>;
  /**
   * A digest of every target object an update step changes, by the source address of its change,
   * so `apply plan.json` can refuse a plan whose target objects changed since it was made (what
   * the plan creates is checked against the target's current objects: apply/stale.ts).
   */
  targetDigests: Record<string, string>;
}

export interface PlanSettings {
  maps: DesiredState['maps'];
  passwords: 'reset' | 'skip' | null;
  /** Where generated passwords go (mode 0600); null when no identity moves. */
  passwordsFile: string | null;
  parallelism: DesiredState['parallelism'];
}

export interface AssembleInput {
  desired: DesiredState;
  source: Inventory;
  target: Inventory;
  changes: Change[];
  /** Each after what it depends on; apply starts them in another order within that (apply/schedule.ts). */
  steps: Step[];
  preflight: PreflightCheck[];
  diagnostics: Diagnostic[];
  now: Date;
}

/** Puts the pieces together; pure. */
export function assemblePlan(input: AssembleInput): ExecutionPlan {
  const summary = summarizeChanges(input.changes);
  const applyable = summary.conflict === 0
    && !input.diagnostics.some((d) => d.severity === 'error')
    && !input.preflight.some((c) => c.status === 'failed');
  return {
    formatVersion: PLAN_OUTPUT_FORMAT_VERSION,
    plan: { name: input.desired.name, file: input.desired.file, fileHash: input.desired.fileHash },
    createdAt: input.now.toISOString(),
    inventories: { source: stamp(input.source), target: stamp(input.target) },
    summary,
    changes: withProjects(input.changes, input.source),
    steps: input.steps,
    preflight: input.preflight,
    diagnostics: input.diagnostics,
    applyable,
    settings: {
      maps: input.desired.maps,
      passwords: input.desired.identity?.passwords ?? null,
      passwordsFile: input.desired.identity?.passwordsFile ?? null,
      parallelism: input.desired.parallelism,
    },
    sourceDigests: digestsOf(input.changes, input.source),
    targetDigests: targetDigestsOf(input.changes, input.target),
  };
}

/** Attributes that change under apply's own hands (it stops servers) or by themselves. */
const VOLATILE = new Set(['status', 'vmState', 'powerState', 'taskState', 'updatedAt', 'attachments']);

/** sha256 of each changed or moved source object, without its volatile attributes. */
export function digestsOf(changes: readonly Change[], source: Inventory): Record<string, string> {
  const byAddress = new Map(source.resources.map((r) => [r.address, r]));
  const out: Record<string, string> = {};
  for (const change of changes) {
    if (change.action !== 'create' && change.action !== 'update' && change.action !== 'migrate') continue;
    const resource = byAddress.get(change.address);
    if (resource) out[change.address] = digestOf(resource);
  }
  return out;
}

/** sha256 of the target object each update changes, by the change's (source) address. */
export function targetDigestsOf(changes: readonly Change[], target: Inventory): Record<string, string> {
  const updated = changes.filter((c) => c.action === 'update' && c.target);
  if (updated.length === 0) return {};
  const byId = new Map(target.resources.map((r) => [`${r.kind}\u0000${r.id}`, r]));
  const out: Record<string, string> = {};
  for (const change of updated) {
    const resource = byId.get(`${change.kind}\u0000${change.target!.id}`);
    if (resource) out[change.address] = digestOf(resource);
  }
  return out;
}

/** sha256 of an object without its volatile attributes. */
export function digestOf(resource: InventoryResource): string {
  const attributes = Object.fromEntries(Object.entries(resource.attributes).filter(([k]) => !VOLATILE.has(k)));
  return createHash('sha256').update(JSON.stringify({ id: resource.id, name: resource.name, refs: resource.refs, attributes })).digest('hex');
}

export function summarizeChanges(changes: readonly Change[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, migrate: 0, conflict: 0, noop: 0, hostsToUpgrade: 0, hostChanges: 0, bytes: 0, downtimeSeconds: 0, worstImpact: 'none' };
  for (const change of changes) {
    switch (change.action) {
      case 'create': summary.create++; break;
      case 'update': summary.update++; break;
      case 'migrate': summary.migrate++; break;
      case 'conflict': summary.conflict++; break;
      case 'noop': summary.noop++; break;
      case 'host':
        summary.hostChanges++;
        if (change.host?.desired === 'upgraded' && change.host.current !== 'upgraded') summary.hostsToUpgrade++;
        break;
    }
    summary.bytes += change.move?.bytes ?? 0;
    summary.downtimeSeconds += change.move?.downtimeSeconds ?? 0;
    if (IMPACT_ORDER.indexOf(change.impact) > IMPACT_ORDER.indexOf(summary.worstImpact)) summary.worstImpact = change.impact;
  }
  return summary;
}

/** True when applying would change nothing (terraform's "No changes."). */
export function hasChanges(plan: Pick<ExecutionPlan, 'summary'>): boolean {
  const s = plan.summary;
  return s.create + s.update + s.migrate + s.conflict + s.hostChanges > 0;
}

/** Fills in each change's owning project from the source inventory, for grouping. */
function withProjects(changes: readonly Change[], source: Inventory): Change[] {
  const projectOf = new Map(source.resources.filter((r) => r.project).map((r) => [r.address, r.project!.name]));
  return changes.map((change) => {
    const project = change.project ?? projectOf.get(change.address);
    return project === undefined ? change : { ...change, project };
  });
}

function stamp(inventory: Inventory): InventoryStamp {
  return { cloud: inventory.cloud, authUrl: inventory.authUrl, takenAt: inventory.takenAt, fingerprint: inventory.fingerprint };
}
