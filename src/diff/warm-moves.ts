import type { SelectedResource } from '../desired/selection.js';
import { refList, type InventoryLookup } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import type { AttributeDifference } from './changes.js';
import { PRECOPIED_METADATA_KEY, VERIFIED_METADATA_KEY } from './marks.js';

/**
 * A warm move caught between its pre-copy and its cutover, as the target shows it: the copy is
 * built and stopped, marked `pumphouse_precopied` (when its snapshot was taken) but not yet
 * `pumphouse_verified`, and its ports are admin-down on purpose (migrate/warm-ports.ts: the same
 * MACs and IPs must not be live on both clouds) until the cutover gives them the source's admin
 * state. So the plan says the server waits for its cutover, and does not offer to "fix" its
 * ports' admin state: that update would be noise at best, and the cutover settles it anyway.
 */

/** A port's attribute the cutover of its server settles. */
export const SETTLED_BY_CUTOVER = 'attributes.adminStateUp';

/** When the target's copy of a warm server is pre-copied and waits for its cutover: the time of its snapshot. */
export function precopiedAt(copy: InventoryResource | undefined): string | undefined {
  if (copy?.kind !== 'server') return undefined;
  const metadata = (copy.attributes['metadata'] ?? {}) as Record<string, unknown>;
  const at = metadata[PRECOPIED_METADATA_KEY];
  return metadata[VERIFIED_METADATA_KEY] === undefined && typeof at === 'string' ? at : undefined;
}

/**
 * Port address → its server's, for the ports of the servers this plan moves warm whose move is
 * not over (`moved` false): their admin state on the target is their server's cutover's to set.
 */
export function portsAwaitingCutover(selected: readonly SelectedResource[], source: InventoryLookup, moved: (server: InventoryResource) => boolean): Map<string, string> {
  const ports = new Map<string, string>();
  for (const s of selected) {
    if (s.role !== 'migrate' || s.move?.cutover !== 'warm') continue;
    const server = source.get(s.address);
    if (!server || moved(server)) continue;
    for (const port of refList(server, 'ports')) ports.set(port, server.address);
  }
  return ports;
}

/** A port's differences less those its server's cutover settles, when it waits for one. */
export function beyondCutover(differences: readonly AttributeDifference[], awaitingCutover: boolean): AttributeDifference[] {
  return awaitingCutover ? differences.filter((d) => d.path !== SETTLED_BY_CUTOVER) : [...differences];
}
