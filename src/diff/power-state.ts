import type { InventoryResource } from '../inventory/model.js';
import { SOURCE_STATUS_METADATA_KEY } from './marks.js';

/** The power states a server moves in (ensureSourceStopped refuses any other). */
export type PowerState = 'ACTIVE' | 'SHUTOFF';

export function isPowerState(value: unknown): value is PowerState {
  return value === 'ACTIVE' || value === 'SHUTOFF';
}

/**
 * The status a server's copy must have. It is the source's status, except where apply stopped the
 * source itself: a source kept stopped (`source: keep-stopped`) is SHUTOFF because of the move,
 * not by its owner's wish. The copy records at boot the status the source had before the move
 * (metadata `pumphouse_source_status`), so a SHUTOFF source whose copy says ACTIVE was running:
 * its copy must run. The record lives on the copy, not in the state file, so a plan made with a
 * fresh state says the same. Apply stops only running servers, so a running source (started
 * again, or never stopped) is taken at its word.
 */
export function desiredServerStatus(source: InventoryResource, copy: InventoryResource): unknown {
  const status = source.attributes['status'];
  if (status !== 'SHUTOFF') return status;
  const recorded = (copy.attributes['metadata'] as Record<string, unknown> | undefined)?.[SOURCE_STATUS_METADATA_KEY];
  return isPowerState(recorded) ? recorded : status;
}
