import { markTags } from '../../diff/marks.js';
import type { StepContext } from '../../executor/runner.js';
import type { InventoryResource } from '../../inventory/model.js';
import type { MigrationContext } from '../context.js';

/**
 * One kind's update: brings a copy on the target back in line with its source. `after` holds
 * the settable attributes that differ, with the source's value as the diff compared it (tags
 * and metadata without the marks); `details.refs` names the compared references that differ,
 * which the updater reads from `details.source` and translates to target ids (m.targetIdOf).
 * Each write is the API's own idempotent update, so running one twice is harmless.
 */
export type Updater = (m: MigrationContext, targetId: string, after: Record<string, unknown>, sourceId: string, details: UpdateDetails) => Promise<void>;

export interface UpdateDetails {
  source: InventoryResource;
  /** Roles of the compared references that differ ("securityGroups", "port", …). */
  refs: readonly string[];
  /** The step, for progress and cancellation (a server stopped or started). */
  ctx: StepContext;
}

/** The source's tags with the copy's marks kept (the diff compares tags without them). */
export const withMarks = (tags: unknown, sourceId: string, plan: string): string[] => [...new Set([...((tags as string[] | undefined) ?? []), ...markTags(sourceId, plan)])];

/** The attributes among `after`, under their API names (`{ adminStateUp: 'admin_state_up' }`). */
export function apiFields(after: Record<string, unknown>, names: Readonly<Record<string, string>>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [attribute, field] of Object.entries(names)) if (attribute in after) body[field] = after[attribute];
  return body;
}

export const text = (v: unknown): string => (typeof v === 'string' ? v : '');
