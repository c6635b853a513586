import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionPlan } from '../execution-plan/plan.js';
import { PumphouseError, quoted } from '../errors.js';
import { writePrivateFile } from '../engine/files.js';
import { API_CODES } from './http.js';

/**
 * The plans posted to the API, on disk in `api-plans/` beside the state: `<id>.yaml` is the plan
 * file as posted (its diagnostics point into it), `<id>.json` what it planned. They outlive a
 * restart, and only so many for so long: the newest `keep`, none older than `maxAgeMs`; older
 * ones are removed when a plan is added (and at start). Only the index is held in memory.
 */
export interface ShelvedPlan {
  id: string;
  /** The posted plan file. */
  file: string;
  createdAt: string;
  plan: ExecutionPlan;
}

export interface PlanRetention {
  keep: number;
  maxAgeMs: number;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class PlanShelf {
  /** id → when it was kept (ms), oldest first. */
  private readonly index = new Map<string, number>();

  constructor(private readonly dir: string, private readonly retention: PlanRetention, private readonly now: () => number = Date.now) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const names = readdirSync(dir);
    const kept = names.filter((n) => n.endsWith('.json') && ID.test(n.slice(0, -5))).map((n) => ({ id: n.slice(0, -5), at: statSync(join(dir, n)).mtimeMs }));
    for (const { id, at } of kept.sort((a, b) => a.at - b.at)) this.index.set(id, at);
    // Plan files posted but never planned (refused, or a crash on the way).
    for (const name of names) if (name.endsWith('.yaml') && !this.index.has(name.slice(0, -5))) rmSync(join(dir, name), { force: true });
    this.expire();
  }

  /** Writes a posted plan file under a new id, to be loaded, then kept or discarded. */
  draft(text: string): { id: string; file: string } {
    const id = randomUUID();
    const file = join(this.dir, `${id}.yaml`);
    writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
    return { id, file };
  }

  discard(id: string): void {
    this.index.delete(id);
    for (const ext of ['yaml', 'json']) rmSync(join(this.dir, `${id}.${ext}`), { force: true });
  }

  async keep(plan: ShelvedPlan): Promise<void> {
    const file = join(this.dir, `${plan.id}.json`);
    await writePrivateFile(file, JSON.stringify(plan), { what: 'a plan of the API', code: API_CODES.internal, refuseSymlink: true, durable: false });
    // Its time on disk is its age after a restart.
    const at = this.now();
    utimesSync(file, at / 1000, at / 1000);
    this.index.set(plan.id, at);
    this.expire();
  }

  get(id: string): ShelvedPlan {
    if (ID.test(id) && this.index.has(id)) {
      try {
        return JSON.parse(readFileSync(join(this.dir, `${id}.json`), 'utf8')) as ShelvedPlan;
      } catch {
        this.index.delete(id);
      }
    }
    const { keep, maxAgeMs } = this.retention;
    throw new PumphouseError(API_CODES.notFound, `no plan ${quoted(id)}: it never existed here or has expired (the newest ${keep} plans are kept, for at most ${maxAgeMs / 3_600_000} h)`, { hint: 'POST the plan file to /v1/plans again' });
  }

  /** Removes what is beyond the newest `keep` or older than `maxAgeMs`. */
  private expire(): void {
    const oldest = this.now() - this.retention.maxAgeMs;
    let excess = this.index.size - this.retention.keep;
    for (const [id, at] of [...this.index]) {
      if (excess <= 0 && at >= oldest) break;
      this.discard(id);
      excess -= 1;
    }
  }
}
