import { PumphouseError } from '../errors.js';
import type { Change } from '../diff/changes.js';
import { TargetMatcher, type StateMappings } from '../diff/match.js';
import { digestOf, digestsOf, type ExecutionPlan } from '../execution-plan/plan.js';
import { InventoryLookup } from '../inventory/lookup.js';
import type { Inventory } from '../inventory/model.js';
import type { ApplyState } from '../state/model.js';

/**
 * A saved plan (`apply plan.json`, or one posted to the API) is applied only if both clouds are as it saw them where its
 * steps act: otherwise its steps would act on things the reviewer never saw.
 * - the source objects its steps copy or move are unchanged (`sourceDigests`);
 * - the target objects its update steps change are unchanged (`targetDigests`);
 * - nothing on the target is now what it would create: the plan's own matching (state mapping,
 *   mark, natural key) finds no counterpart for an object it planned to create or move.
 * Objects whose steps an apply of this very plan already started are exempt
 * (`startedByThisPlan`): that apply changed them itself.
 */
export interface CurrentClouds {
  source: Inventory;
  target: Inventory;
  /** The state's id mappings now. */
  mappings: StateMappings;
}

export function checkPlanFresh(plan: ExecutionPlan, now: CurrentClouds, started: (address: string) => boolean): void {
  const stale = [...changedOnSource(plan, now.source), ...changedOnTarget(plan, now.target), ...createdMeanwhile(plan, now)]
    .filter(({ address }) => !started(address));
  if (stale.length === 0) return;
  const shown = stale.slice(0, 5).map((s) => `${s.address}${s.why ? ` (${s.why})` : ''}`).join(', ') + (stale.length > 5 ? ` and ${stale.length - 5} more` : '');
  throw new PumphouseError('PH1602', `the saved plan is stale: ${stale.length} object(s) it changes are different on the source or the target since it was made: ${shown}`, {
    hint: `make a new plan: pumphouse plan ${plan.plan.file} --out <plan.json>, review it, then apply that`,
  });
}

interface Stale {
  address: string;
  why?: string;
}

function changedOnSource(plan: ExecutionPlan, source: Inventory): Stale[] {
  const now = digestsOf(plan.changes, source);
  return Object.entries(plan.sourceDigests)
    .filter(([address, digest]) => now[address] !== digest)
    .map(([address]) => (now[address] === undefined ? { address, why: 'gone' } : { address }));
}

function changedOnTarget(plan: ExecutionPlan, target: Inventory): Stale[] {
  const digests = Object.entries(plan.targetDigests);
  if (digests.length === 0) return [];
  const lookup = new InventoryLookup(target);
  const changes = new Map(plan.changes.map((c) => [c.address, c]));
  return digests.flatMap(([address, digest]): Stale[] => {
    const match = changes.get(address)?.target;
    const current = match ? lookup.byId(changes.get(address)!.kind, match.id) : undefined;
    if (!current) return [{ address, why: `${match?.address ?? 'its counterpart'} is gone from the target` }];
    return digestOf(current) === digest ? [] : [{ address, why: `${current.address} changed on the target` }];
  });
}

/** What the plan creates or moves that the target now has: matched the way the plan's diff matched. */
function createdMeanwhile(plan: ExecutionPlan, now: CurrentClouds): Stale[] {
  const creating = plan.changes.filter(isCreation);
  if (creating.length === 0) return [];
  const source = new InventoryLookup(now.source);
  const matcher = new TargetMatcher(new InventoryLookup(now.target), plan.settings.maps, now.mappings);
  const stale: Stale[] = [];
  // In plan order, as the diff matched: a port's key names the target network its network matched.
  for (const change of plan.changes) {
    const resource = change.action === 'host' ? undefined : source.get(change.address);
    if (!resource) continue;
    const result = matcher.match(resource);
    if (isCreation(change) && 'found' in result) stale.push({ address: change.address, why: `the target has it now: ${result.found.address}` });
  }
  return stale;
}

/** A create or a move that found nothing on the target when planned (an unfinished copy is expected there). */
function isCreation(change: Change): boolean {
  return (change.action === 'create' || change.action === 'migrate') && change.target === undefined;
}

/**
 * Whether an apply of this very plan (same plan file, made at the same time) already started a
 * step of `address`: a resume. Another plan's apply (an earlier or later plan of the same file)
 * exempts nothing: its changes are exactly what makes this plan stale.
 */
export function startedByThisPlan(state: Pick<ApplyState, 'plan' | 'steps'>, plan: ExecutionPlan): (address: string) => boolean {
  if (state.plan?.hash !== plan.plan.fileHash || state.plan.madeAt !== plan.createdAt) return () => false;
  const steps = Object.keys(state.steps);
  return (address) => steps.some((id) => id.endsWith(`:${address}`));
}
