import { revokeTemporaryGrant, TEMPORARY_GRANT_KIND } from '../migrate/access.js';
import { removeTemporaryKeypair, TEMPORARY_KEYPAIR_KIND } from '../migrate/lent-keys.js';
import { temporariesByName } from '../migrate/temporaries.js';
import { waitForStatus } from '../migrate/wait.js';
import { blockStorage, image, isNotFound, type Cloud } from '../openstack/index.js';
import { type Problem, problemOf, PumphouseError } from '../errors.js';
import type { TemporaryObject } from '../state/model.js';
import type { StateStore } from '../state/store.js';

/**
 * Removes the temporary objects apply recorded in the state and did not get to remove (a failure
 * or a kill in the middle of a copy): source snapshots of servers, snapshot/clone volumes and
 * upload images of volumes, the target's transfer images, the admin role Pumphouse gave its own
 * user on target projects, a key lent to its user for a boot. Only objects the state names are
 * touched: by id, or — for an intent recorded before its create call returned — by the unique
 * name it was to be created under. Never anything found by guessing.
 */
export interface CleanupResult {
  temporary: TemporaryObject;
  /** The objects removed (ids); [] for an intent whose create never happened. */
  removed: string[];
  /** Why it could not be removed (it stays in the state for the next cleanup). */
  error?: Problem;
}

/** Snapshots go after the clones made from them; images and clones first; Pumphouse's own access last. */
const order = (t: TemporaryObject): number => (t.kind === 'volume-snapshot' ? 1 : t.kind === TEMPORARY_GRANT_KIND ? 2 : 0);

export function recordedTemporaries(store: StateStore): Array<[string, TemporaryObject]> {
  return Object.entries(store.state.temporaries).sort(([, a], [, b]) => order(a) - order(b));
}

export async function removeTemporaries(store: StateStore, clouds: { source: Cloud; target: Cloud }): Promise<CleanupResult[]> {
  const results: CleanupResult[] = [];
  for (const [key, temporary] of recordedTemporaries(store)) {
    const cloud = temporary.cloud === 'source' ? clouds.source : clouds.target;
    try {
      const ids = temporary.id ? [temporary.id] : await namedIds(cloud, temporary.kind, temporary.name ?? '');
      for (const id of ids) await removeOne(cloud, temporary.kind, id);
      await store.update((s) => {
        delete s.temporaries[key];
      });
      results.push({ temporary, removed: ids });
    } catch (error) {
      results.push({ temporary, removed: [], error: problemOf(error) });
    }
  }
  return results;
}

/** Everything an intent's name finds, failed objects included: all of it is Pumphouse's. */
async function namedIds(cloud: Cloud, kind: string, name: string): Promise<string[]> {
  const named = await temporariesByName(cloud, kind, name);
  return [...named.usable, ...named.failed];
}

async function removeOne(cloud: Cloud, kind: string, id: string): Promise<void> {
  if (kind === TEMPORARY_GRANT_KIND) await revokeTemporaryGrant(await cloud.identity(), id);
  else if (kind === TEMPORARY_KEYPAIR_KIND) await removeTemporaryKeypair(await cloud.compute(), id);
  else if (kind === 'image') await image.images.remove(await cloud.image(), id);
  else if (kind === 'volume') {
    const client = await cloud.blockStorage();
    if (!(await settled(`volume ${id}`, () => blockStorage.volumes.get(client, id)))) return;
    await blockStorage.volumes.remove(client, id);
    // A snapshot goes only once the volumes made from it are gone: wait for this one.
    await untilGone(`volume ${id}`, () => blockStorage.volumes.get(client, id));
  } else if (kind === 'volume-snapshot') {
    const client = await cloud.blockStorage();
    await blockStorage.snapshots.remove(client, id);
    await untilGone(`volume snapshot ${id}`, () => blockStorage.snapshots.get(client, id));
  } else throw new PumphouseError('PH1608', `unknown temporary kind ${kind}`);
}

/**
 * Cinder refuses to delete a volume while it moves data (400): an apply killed right after asking
 * for an upload to an image leaves the volume `uploading` for as long as its size takes. False
 * when the volume is gone meanwhile.
 */
const BUSY_VOLUME = ['creating', 'downloading', 'uploading', 'attaching', 'detaching', 'backing-up', 'restoring-backup', 'extending', 'retyping'];

async function settled(what: string, get: () => Promise<{ status: string }>): Promise<boolean> {
  const state = () => get().then((v) => ({ status: BUSY_VOLUME.includes(v.status) ? v.status : 'settled' }), (error: unknown) => {
    if (isNotFound(error)) return { status: 'gone' };
    throw error;
  });
  const end = await waitForStatus(state, { what: `${what} ending its transfer`, want: ['settled', 'gone'], failOn: [], pollMs: 500, timeoutMs: 300_000, signal: new AbortController().signal });
  return end.status === 'settled';
}

/** Cinder deletes in the background: the record goes only once the object has. */
async function untilGone(what: string, get: () => Promise<{ status: string }>): Promise<void> {
  const gone = () => get().catch((error: unknown) => {
    if (isNotFound(error)) return { status: 'gone' };
    throw error;
  });
  await waitForStatus(gone, { what: `${what} being deleted`, want: ['gone'], pollMs: 500, timeoutMs: 300_000, signal: new AbortController().signal });
}
