import type { MovePolicy } from '../desired/selection.js';
import type { InventoryResource } from '../inventory/model.js';

/**
 * Estimates for the plan's "data to copy" and "downtime" columns — the order of magnitude a
 * reviewer needs, not a promise:
 *   - a snapshot copies the whole root disk (its flavor size; the used size is not knowable from
 *     the APIs) through Glance; a rebuild copies no root disk data; moving volumes copy their size;
 *   - a cold move is down for a fixed part (stop, snapshot, boot, verify) plus its bytes at the
 *     throughput; a warm move only for its cutover (stop, floating IPs, start, verify);
 *   - the throughput, the fixed part and the cutover come from what earlier applies measured on
 *     these clouds (the state's downtime records: `calibrate`), else from the defaults below; the
 *     estimate says which (`basis`).
 * Apply measures the real downtime and its summary sets both side by side.
 */
export const COPY_BYTES_PER_SECOND = 100 * 1024 * 1024;
export const FIXED_DOWNTIME_SECONDS = { snapshot: 60, rebuild: 90 } as const;
export const WARM_CUTOVER_SECONDS = 30;

const GiB = 1024 ** 3;

export interface MoveEstimate {
  bytes: number;
  downtimeSeconds: number;
  /** Where the figure comes from, e.g. "measured: 3 earlier moves on these clouds". */
  basis: string;
}

/** What earlier moves measured: a downtime record of the state, as far as estimates need it. */
export interface MeasuredMove {
  cutover?: 'cold' | 'warm';
  bytes?: number;
  seconds?: number;
  verifiedAt?: string;
}

export interface Calibration {
  /** Cold moves: seconds = fixedSeconds + bytes / bytesPerSecond. */
  bytesPerSecond: number;
  fixedSeconds: number | undefined;
  cutoverSeconds: number;
  coldBasis: string;
  warmBasis: string;
}

export const ASSUMED: Calibration = {
  bytesPerSecond: COPY_BYTES_PER_SECOND, fixedSeconds: undefined, cutoverSeconds: WARM_CUTOVER_SECONDS,
  coldBasis: 'assumed: 100 MiB/s, nothing measured on these clouds yet', warmBasis: 'assumed: nothing measured on these clouds yet',
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * From the verified moves of earlier applies: the warm cutover is their median; for cold moves the
 * throughput is the median over those that copied data of bytes / (seconds − the fixed part), the
 * fixed part the median downtime of those that copied (almost) nothing, else a tenth of theirs.
 */
export function calibrate(records: readonly MeasuredMove[]): Calibration {
  const done = records.filter((r) => r.verifiedAt !== undefined && typeof r.seconds === 'number');
  const warm = done.filter((r) => r.cutover === 'warm').map((r) => r.seconds as number);
  const cold = done.filter((r) => r.cutover !== 'warm' && typeof r.bytes === 'number');
  const small = cold.filter((r) => (r.bytes as number) < 64 * 1024 * 1024).map((r) => r.seconds as number);
  const copying = cold.filter((r) => (r.bytes as number) >= 64 * 1024 * 1024);
  const fixed = small.length > 0 ? median(small) : copying.length > 0 ? median(copying.map((r) => r.seconds as number)) / 10 : undefined;
  const rates = copying.map((r) => (r.bytes as number) / Math.max(0.001, (r.seconds as number) - (fixed ?? 0)));
  return {
    bytesPerSecond: rates.length > 0 ? median(rates) : ASSUMED.bytesPerSecond,
    fixedSeconds: fixed,
    cutoverSeconds: warm.length > 0 ? median(warm) : ASSUMED.cutoverSeconds,
    coldBasis: rates.length > 0 ? `measured: ${formatRate(median(rates))} over ${copying.length} earlier cold move${copying.length === 1 ? '' : 's'} on these clouds` : ASSUMED.coldBasis,
    warmBasis: warm.length > 0 ? `measured: ${warm.length} earlier warm cutover${warm.length === 1 ? '' : 's'} on these clouds` : ASSUMED.warmBasis,
  };
}

function formatRate(bytesPerSecond: number): string {
  return `${Math.round(bytesPerSecond / (1024 * 1024))} MiB/s`;
}

export function estimateServerMove(server: InventoryResource, policy: MovePolicy, movingVolumes: readonly InventoryResource[], calibration: Calibration = ASSUMED): MoveEstimate {
  const flavor = (server.attributes['flavor'] ?? {}) as { diskGb?: number | null };
  const bootFromVolume = server.attributes['bootFromVolume'] === true;
  const rootBytes = policy.strategy === 'snapshot' && !bootFromVolume ? (flavor.diskGb ?? 0) * GiB : 0;
  const volumeBytes = movingVolumes.reduce((sum, v) => sum + volumeBytesOf(v), 0);
  const bytes = rootBytes + volumeBytes;
  if (policy.cutover === 'warm') return { bytes, downtimeSeconds: Math.ceil(calibration.cutoverSeconds), basis: calibration.warmBasis };
  const fixed = calibration.fixedSeconds ?? FIXED_DOWNTIME_SECONDS[policy.strategy];
  return { bytes, downtimeSeconds: Math.ceil(fixed + bytes / calibration.bytesPerSecond), basis: calibration.coldBasis };
}

export function volumeBytesOf(volume: InventoryResource): number {
  const size = volume.attributes['sizeGb'];
  return typeof size === 'number' ? size * GiB : 0;
}
