import type { InventoryResource } from '../inventory/model.js';

/**
 * The mark Pumphouse writes on every object it creates on the target, so a later plan finds the
 * copy even when the state file is lost or the object was renamed:
 *   - tags `pumphouse-source=<source id>` and `pumphouse-plan=<plan name>` where the API has tags
 *     (Keystone projects, Neutron resources, Nova servers, Glance images);
 *   - metadata or properties `pumphouse_source` / `pumphouse_plan` where it has key/value
 *     metadata instead (Cinder volumes).
 * Marks are bookkeeping, not desired state: the attribute diff ignores them.
 */
export const SOURCE_TAG_PREFIX = 'pumphouse-source=';
export const PLAN_TAG_PREFIX = 'pumphouse-plan=';
export const SOURCE_METADATA_KEY = 'pumphouse_source';
export const PLAN_METADATA_KEY = 'pumphouse_plan';
/** Set on a server's copy once apply verified it and handled the source: the move is complete. */
export const VERIFIED_METADATA_KEY = 'pumphouse_verified';
/**
 * Set on a server's copy at boot: the status (ACTIVE or SHUTOFF) the source had before apply
 * stopped it, the power state the copy must keep (see diff/power-state.ts).
 */
export const SOURCE_STATUS_METADATA_KEY = 'pumphouse_source_status';
/**
 * Set on a warm server's copy once its pre-copy built it (left stopped): when the source was
 * snapshotted. Writes on the source after that moment do not reach the copy.
 */
export const PRECOPIED_METADATA_KEY = 'pumphouse_precopied';

/** Kinds whose copies carry their mark from the call that creates them: an unmarked one is not a copy. */
export const MARKED_FROM_CREATION: ReadonlySet<string> = new Set(['image', 'volume', 'server']);

/** The tags apply writes on a copy of `sourceId` made by plan `planName`. */
export function markTags(sourceId: string, planName: string): string[] {
  return [`${SOURCE_TAG_PREFIX}${sourceId}`, `${PLAN_TAG_PREFIX}${planName}`];
}

/** The metadata apply writes on a copy where the API has no tags. */
export function markMetadata(sourceId: string, planName: string): Record<string, string> {
  return { [SOURCE_METADATA_KEY]: sourceId, [PLAN_METADATA_KEY]: planName };
}

/** The source id a target object was copied from, if it carries a mark. */
export function markedSourceId(resource: InventoryResource): string | undefined {
  const tags = resource.attributes['tags'];
  if (Array.isArray(tags)) {
    for (const tag of tags) if (typeof tag === 'string' && tag.startsWith(SOURCE_TAG_PREFIX)) return tag.slice(SOURCE_TAG_PREFIX.length);
  }
  for (const key of ['metadata', 'properties']) {
    const bag = resource.attributes[key];
    if (bag && typeof bag === 'object') {
      const value = (bag as Record<string, unknown>)[SOURCE_METADATA_KEY];
      if (typeof value === 'string') return value;
    }
  }
  return undefined;
}

export function isMarkTag(tag: unknown): boolean {
  return typeof tag === 'string' && (tag.startsWith(SOURCE_TAG_PREFIX) || tag.startsWith(PLAN_TAG_PREFIX));
}

export function isMarkKey(key: string): boolean {
  return key === SOURCE_METADATA_KEY || key === PLAN_METADATA_KEY || key === VERIFIED_METADATA_KEY || key === SOURCE_STATUS_METADATA_KEY || key === PRECOPIED_METADATA_KEY;
}
