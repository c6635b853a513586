import { blockStorage, collectAll, image, type Cloud } from '../openstack/index.js';
import type { MigrationContext } from './context.js';
import type { TemporaryObject } from '../state/model.js';

/**
 * Temporaries (snapshots, volumes and images made only to carry a copy) are recorded in the state
 * *before* the call that creates them, under a unique name, because their id is known only once
 * that call returns: a kill in between would otherwise leave a full-size object that no resume
 * and no `pumphouse cleanup` could find. A resumed step adopts the object the intent names
 * instead of making a second one; the intent is replaced by the id once it is known; cleanup
 * removes an intent's objects by their name (src/apply/cleanup.ts).
 */
export interface TemporarySpec {
  cloud: TemporaryObject['cloud'];
  kind: 'image' | 'volume' | 'volume-snapshot';
  /** Unique to this copy (it names the source object), so the name alone finds it again. */
  name: string;
  purpose: string;
}

/** The objects on a cloud named as one temporary: the ones a resumed step can adopt, and failed ones. */
export interface NamedTemporaries {
  usable: string[];
  /** Failed (error, killed): never adopted, but Pumphouse's all the same, so removed by cleanup. */
  failed: string[];
}

const intentKey = (spec: TemporarySpec): string => `pending:${spec.cloud}:${spec.kind}:${spec.name}`;

/**
 * The temporary's id: one a killed run already made under its name, or a new one. `existing`
 * lists the objects named so (by default through the client: temporariesByName). A failed one a
 * killed run left goes on record by its id before the intent is replaced, or nothing would
 * remove it.
 */
export async function createTemporary(m: MigrationContext, spec: TemporarySpec, create: () => Promise<string>, existing?: (spec: TemporarySpec) => Promise<NamedTemporaries>): Promise<string> {
  await intendTemporary(m, spec);
  const earlier = existing ? await existing(spec) : await temporariesByName(spec.cloud === 'source' ? m.source : m.target, spec.kind, spec.name);
  for (const failed of earlier.failed) await addTemporary(m, spec, failed);
  const id = earlier.usable[0] ?? (await create());
  await recordTemporary(m, spec, id);
  return id;
}

/** Puts the intent on disk: from here on, cleanup can find the object by its name. */
export async function intendTemporary(m: MigrationContext, spec: TemporarySpec): Promise<void> {
  await m.ledger.addTemporary(intentKey(spec), { cloud: spec.cloud, kind: spec.kind, name: spec.name, purpose: spec.purpose, createdAt: new Date().toISOString() });
}

/** Records a temporary by its id, replacing its intent. */
export async function recordTemporary(m: MigrationContext, spec: TemporarySpec, id: string): Promise<void> {
  await addTemporary(m, spec, id);
  await m.ledger.removeTemporary(intentKey(spec));
}

async function addTemporary(m: MigrationContext, spec: TemporarySpec, id: string): Promise<void> {
  await m.ledger.addTemporary(`${spec.kind}:${id}`, { cloud: spec.cloud, kind: spec.kind, id, name: spec.name, purpose: spec.purpose, createdAt: new Date().toISOString() });
}

/** Statuses of an object on its way out: neither adopted nor removed again. */
const GOING = new Set(['deleted', 'pending_delete', 'deleting']);
/** Statuses of an object that failed: never adopted, removed by cleanup. */
const FAILED = new Set(['killed', 'error', 'error_deleting']);

/**
 * The objects of a kind with this exact name (those being deleted left out), in every project: a
 * snapshot or volume outside Pumphouse's own project (a driver or policy that puts it in its
 * volume's, as the sandbox once did) would otherwise never be found, so a kill before the create
 * call answered would leave it to no one. Glance shows an admin every image anyway. The name is
 * unique to one copy, so the wider listing finds nothing but its temporaries.
 */
export async function temporariesByName(cloud: Cloud, kind: TemporarySpec['kind'] | string, name: string): Promise<NamedTemporaries> {
  const named = (await namedObjects(cloud, kind, name)).filter((o) => o.name === name && !GOING.has(o.status));
  return { usable: named.filter((o) => !FAILED.has(o.status)).map((o) => o.id), failed: named.filter((o) => FAILED.has(o.status)).map((o) => o.id) };
}

async function namedObjects(cloud: Cloud, kind: string, name: string): Promise<Array<{ id: string; name?: string | null; status: string }>> {
  switch (kind) {
    case 'image':
      return collectAll(image.images.list(await cloud.image(), { name }));
    case 'volume':
      return collectAll(blockStorage.volumes.list(await cloud.blockStorage(), { name, all_tenants: true }));
    case 'volume-snapshot':
      return collectAll(blockStorage.snapshots.list(await cloud.blockStorage(), { name, all_tenants: true }));
    default:
      return [];
  }
}
