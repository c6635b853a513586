import type { Change } from '../diff/changes.js';
import type { Step } from '../graph/steps.js';
import { type InventoryLookup, refList } from '../inventory/lookup.js';

/**
 * How apply shares what is scarce while it walks the plan:
 *   - a server's move (a cold one, or a warm cutover) holds a slot of its source host
 *     (`parallelism.perHost`), so one host is not drained all at once;
 *   - every stream of disk data (an image, a volume, a cold server's snapshot, a warm pre-copy)
 *     holds one of `parallelism.copies`, so the bandwidth between the clouds goes to few copies
 *     that each finish early rather than to many that all finish late;
 *   - what can leave before any downtime does (phaseOf): a downtime started while such a copy
 *     still streams would share its bandwidth and last longer;
 *   - among downtime steps, the shortest estimated downtime goes first (priorityOf): streams at
 *     once share the link, so the sum of the downtimes is smallest shortest-first (warm cutovers,
 *     which copy nothing while down, before cold moves, and these by the bytes they copy). A
 *     server waits for its turn running: its stop is inside the step that holds its slots.
 */
export const COPIES_LIMIT = 'copies';

export function capacitiesOf(parallelism: { perHost: number; copies?: number }): Map<string, number> {
  return new Map([['host:*', Math.max(1, parallelism.perHost)], [COPIES_LIMIT, Math.max(1, parallelism.copies ?? 4)]]);
}

export class Schedule {
  private readonly changes = new Map<string, Change>();

  constructor(changes: readonly Change[], private readonly source: InventoryLookup) {
    for (const change of changes) this.changes.set(change.address, change);
  }

  limitsOf(step: Step): readonly string[] {
    switch (step.action) {
      case 'migrate-server': {
        const host = this.source.get(step.address)?.attributes['host'];
        const slot = typeof host === 'string' ? [`host:${host}`] : [];
        return this.isWarm(step.address) || !this.streamsDisk(step.address) ? slot : [...slot, COPIES_LIMIT];
      }
      case 'precopy-server':
      case 'migrate-volume':
        return [COPIES_LIMIT];
      case 'create':
        return step.kind === 'image' ? [COPIES_LIMIT] : [];
      default:
        return [];
    }
  }

  phaseOf(step: Step): 'early' | 'downtime' | undefined {
    switch (step.action) {
      case 'precopy-server':
        return 'early';
      case 'migrate-server':
        return 'downtime';
      case 'migrate-volume':
        return this.stopsAServer(step.address) ? 'downtime' : 'early';
      case 'create':
        return step.kind === 'image' ? 'early' : undefined;
      default:
        return undefined;
    }
  }

  /**
   * Smaller starts first among downtime steps (executor.ts): the server's estimated downtime,
   * except for the step that continues a downtime already begun (a cold server's own move after
   * its attached volumes, whose step stopped it), which goes before every server not stopped yet.
   */
  priorityOf(step: Step): number {
    switch (step.action) {
      case 'migrate-server':
        return this.stoppedByItsVolumes(step.address) ? Number.NEGATIVE_INFINITY : this.estimateOf(step.address);
      case 'migrate-volume': {
        const volume = this.source.get(step.address);
        const servers = volume ? refList(volume, 'servers').filter((s) => this.movesCold(s)) : [];
        return Math.min(...servers.map((s) => this.estimateOf(s)));
      }
      default:
        return 0;
    }
  }

  private estimateOf(address: string): number {
    return this.changes.get(address)?.move?.downtimeSeconds ?? Number.POSITIVE_INFINITY;
  }

  /** A cold server with attached volumes that move in its downtime: their step stops it. */
  private stoppedByItsVolumes(address: string): boolean {
    if (!this.movesCold(address)) return false;
    const server = this.source.get(address);
    return server !== undefined && refList(server, 'volumes').some((v) => this.changes.get(v)?.action === 'migrate');
  }

  private movesCold(address: string): boolean {
    return this.changes.get(address)?.action === 'migrate' && !this.isWarm(address);
  }

  private isWarm(address: string): boolean {
    return this.changes.get(address)?.move?.cutover === 'warm';
  }

  /** A cold move streams the server's disk unless it is rebuilt or boots from a volume. */
  private streamsDisk(address: string): boolean {
    const move = this.changes.get(address)?.move;
    return move?.strategy === 'snapshot' && this.source.get(address)?.attributes['bootFromVolume'] !== true;
  }

  /** A volume attached to a server that moves cold is copied inside that server's downtime. */
  private stopsAServer(volumeAddress: string): boolean {
    const volume = this.source.get(volumeAddress);
    if (!volume) return false;
    return refList(volume, 'servers').some((s) => this.movesCold(s));
  }
}
