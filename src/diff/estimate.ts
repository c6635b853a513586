import type { MovePolicy } from '../desired/selection.js';
import type { InventoryResource } from '../inventory/model.js';

/**
 * Estimates for the plan's "data to copy" and "downtime" columns — the order of magnitude a
 * reviewer needs, not a promise:
 *   - a snapshot copies what the root disk holds: the size of the image it booted from (what it
 *     held then; what was written since is not knowable from the APIs), at most its flavor disk,
 *     the flavor disk when the image is unknown; a rebuild copies no root disk data; moving volumes
 *     copy their size (Cinder uploads a volume whole);
 *   - a cold move is down for a fixed part (stop, snapshot, boot, verify) plus its bytes at the
 *     throughput, which is per byte of a snapshot: those cross the source's image storage twice
 *     (into the snapshot, then to the target), a volume's three times (uploaded to an image on the
 *     source, copied, written into the target's volume), so a volume's bytes weigh 3/2; a warm move only for its cutover (stop, floating IPs, start, verify); a server
 *     already stopped is interrupted by nothing;
 *   - the throughput, the fixed part and the cutover come from what earlier applies measured on
 *     these clouds (the state's downtime records: `calibrate`), else from a probe of the clouds
 *     (estimate-probe.ts), else from the defaults below; the estimate says which (`basis`).
 * Estimates are in tenths of a second: a warm cutover on a fast cloud is well under one.
 * Apply measures the real downtime and its summary sets both side by side.
 */
export const COPY_BYTES_PER_SECOND = 100 * 1024 * 1024;
export const FIXED_DOWNTIME_SECONDS = { snapshot: 60, rebuild: 90 } as const;
export const WARM_CUTOVER_SECONDS = 30;
/** How much longer a volume's byte takes than a snapshot's: three crossings against two (see above). */
export const VOLUME_BYTE_WEIGHT = 3 / 2;

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

/** Where a figure comes from: the state's records, a probe of the clouds, or the defaults. */
export type FigureSource = 'measured' | 'probed' | 'assumed';

export interface Calibration {
  /** Cold moves: seconds = fixedSeconds[strategy] + bytes / bytesPerSecond. */
  bytesPerSecond: number;
  fixedSeconds: Readonly<Record<MovePolicy['strategy'], number>>;
  cutoverSeconds: number;
  /** Where the cold figures (throughput, fixed part) and the warm one (cutover) come from. */
  cold: FigureSource;
  warm: FigureSource;
  coldBasis: string;
  warmBasis: string;
}

export const ASSUMED: Calibration = {
  bytesPerSecond: COPY_BYTES_PER_SECOND, fixedSeconds: FIXED_DOWNTIME_SECONDS, cutoverSeconds: WARM_CUTOVER_SECONDS, cold: 'assumed', warm: 'assumed',
  coldBasis: 'assumed: 100 MiB/s, nothing measured on these clouds yet', warmBasis: 'assumed: nothing measured on these clouds yet',
};

export const median = (values: readonly number[]): number => {
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
    fixedSeconds: fixed !== undefined ? { snapshot: fixed, rebuild: fixed } : ASSUMED.fixedSeconds,
    cutoverSeconds: warm.length > 0 ? median(warm) : ASSUMED.cutoverSeconds,
    cold: rates.length > 0 ? 'measured' : 'assumed',
    warm: warm.length > 0 ? 'measured' : 'assumed',
    coldBasis: rates.length > 0 ? `measured: ${formatRate(median(rates))} over ${copying.length} earlier cold move${copying.length === 1 ? '' : 's'} on these clouds` : ASSUMED.coldBasis,
    warmBasis: warm.length > 0 ? `measured: ${warm.length} earlier warm cutover${warm.length === 1 ? '' : 's'} on these clouds` : ASSUMED.warmBasis,
  };
}

/** Each cutover's figures from `measured` where earlier applies measured them, else from `other` (a probe). */
export function preferMeasured(measured: Calibration, other: Calibration): Calibration {
  const cold = measured.cold === 'measured' ? measured : other;
  const warm = measured.warm === 'measured' ? measured : other;
  return {
    bytesPerSecond: cold.bytesPerSecond, fixedSeconds: cold.fixedSeconds, cold: cold.cold, coldBasis: cold.coldBasis,
    cutoverSeconds: warm.cutoverSeconds, warm: warm.warm, warmBasis: warm.warmBasis,
  };
}

function formatRate(bytesPerSecond: number): string {
  return `${Math.round(bytesPerSecond / (1024 * 1024))} MiB/s`;
}

/** Seconds, up to the next tenth. */
export const tenths = (seconds: number): number => Math.ceil(Math.round(seconds * 1000) / 100) / 10;

/** `bootImage`: the image the server booted from, when the source still has it. */
export function estimateServerMove(server: InventoryResource, policy: MovePolicy, movingVolumes: readonly InventoryResource[], calibration: Calibration = ASSUMED, bootImage?: InventoryResource): MoveEstimate {
  const root = rootBytes(server, policy, bootImage);
  const volumes = movingVolumes.reduce((sum, v) => sum + volumeBytesOf(v), 0);
  const bytes = root + volumes;
  // Stopping a server that does not run interrupts nothing: its copy is made while it is down anyway.
  if (server.attributes['status'] === 'SHUTOFF') return { bytes, downtimeSeconds: 0, basis: 'the source server is stopped already' };
  if (policy.cutover === 'warm') return { bytes, downtimeSeconds: tenths(calibration.cutoverSeconds), basis: calibration.warmBasis };
  const fixed = calibration.fixedSeconds[policy.strategy];
  const copySeconds = (root + VOLUME_BYTE_WEIGHT * volumes) / calibration.bytesPerSecond;
  return { bytes, downtimeSeconds: tenths(fixed + copySeconds), basis: calibration.coldBasis };
}

/** What a snapshot of the root disk carries: see the header. */
function rootBytes(server: InventoryResource, policy: MovePolicy, bootImage: InventoryResource | undefined): number {
  if (policy.strategy !== 'snapshot' || server.attributes['bootFromVolume'] === true) return 0;
  const diskGb = ((server.attributes['flavor'] ?? {}) as { diskGb?: number | null }).diskGb ?? 0;
  const imageBytes = bootImage?.attributes['size'];
  if (typeof imageBytes !== 'number' || imageBytes <= 0) return diskGb * GiB;
  return diskGb > 0 ? Math.min(imageBytes, diskGb * GiB) : imageBytes;
}

export function volumeBytesOf(volume: InventoryResource): number {
  const size = volume.attributes['sizeGb'];
  return typeof size === 'number' ? size * GiB : 0;
}
