import type { MovePolicy } from '../desired/selection.js';
import type { InventoryResource } from '../inventory/model.js';

/**
 * Estimates for the plan's "data to copy" and "downtime" columns. They are deliberately simple
 * and conservative — a reviewer needs the order of magnitude, not a promise:
 *   - a snapshot copies the whole root disk (its flavor size; the used size is not knowable from
 *     the APIs) through Glance; a rebuild copies no root disk data;
 *   - moving volumes copy their full size;
 *   - data flows at COPY_BYTES_PER_SECOND; a server also spends FIXED_DOWNTIME_SECONDS in stop,
 *     boot and verify.
 * Apply measures the real downtime and reports it.
 */
export const COPY_BYTES_PER_SECOND = 100 * 1024 * 1024;
export const FIXED_DOWNTIME_SECONDS = { snapshot: 60, rebuild: 90 } as const;

const GiB = 1024 ** 3;

export interface MoveEstimate {
  bytes: number;
  downtimeSeconds: number;
}

export function estimateServerMove(server: InventoryResource, policy: MovePolicy, movingVolumes: readonly InventoryResource[]): MoveEstimate {
  const flavor = (server.attributes['flavor'] ?? {}) as { diskGb?: number | null };
  const bootFromVolume = server.attributes['bootFromVolume'] === true;
  const rootBytes = policy.strategy === 'snapshot' && !bootFromVolume ? (flavor.diskGb ?? 0) * GiB : 0;
  const volumeBytes = movingVolumes.reduce((sum, v) => sum + volumeBytesOf(v), 0);
  const bytes = rootBytes + volumeBytes;
  return { bytes, downtimeSeconds: FIXED_DOWNTIME_SECONDS[policy.strategy] + Math.ceil(bytes / COPY_BYTES_PER_SECOND) };
}

export function volumeBytesOf(volume: InventoryResource): number {
  const size = volume.attributes['sizeGb'];
  return typeof size === 'number' ? size * GiB : 0;
}
