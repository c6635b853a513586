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

const intentKey = (spec: TemporarySpec): string => `pending:${spec.cloud}:${spec.kind}:${spec.name}`;

/**
 * The temporary's id: one a killed run already made under its name, or a new one. `existing`
 * lists the live objects named so (by default through the client: temporaryIdsByName).
 */
export async function createTemporary(m: MigrationContext, spec: TemporarySpec, create: () => Promise<string>, existing?: (spec: TemporarySpec) => Promise<string[]>): Promise<string> {
  await intendTemporary(m, spec);
  const earlier = existing ? await existing(spec) : await temporaryIdsByName(spec.cloud === 'source' ? m.source : m.target, spec.kind, spec.name);
  const id = earlier[0] ?? (await create());
  await recordTemporary(m, spec, id);
  return id;
}

/** Puts the intent on disk: from here on, cleanup can find the object by its name. */
export async function intendTemporary(m: MigrationContext, spec: TemporarySpec): Promise<void> {
  await m.ledger.addTemporary(intentKey(spec), { cloud: spec.cloud, kind: spec.kind, name: spec.name, purpose: spec.purpose, createdAt: new Date().toISOString() });
}

/** Records a temporary by its id, replacing its intent. */
export async function recordTemporary(m: MigrationContext, spec: TemporarySpec, id: string): Promise<void> {
  await m.ledger.addTemporary(`${spec.kind}:${id}`, { cloud: spec.cloud, kind: spec.kind, id, name: spec.name, purpose: spec.purpose, createdAt: new Date().toISOString() });
  await m.ledger.removeTemporary(intentKey(spec));
}

/** The live objects of a kind with this exact name (being deleted or failed ones left out). */
export async function temporaryIdsByName(cloud: Cloud, kind: TemporarySpec['kind'] | string, name: string): Promise<string[]> {
  switch (kind) {
    case 'image':
      return (await collectAll(image.images.list(await cloud.image(), { name })))
        .filter((i) => i.name === name && !['killed', 'deleted', 'pending_delete'].includes(i.status)).map((i) => i.id);
    case 'volume':
      return (await collectAll(blockStorage.volumes.list(await cloud.blockStorage(), { name })))
        .filter((v) => v.name === name && !['deleting', 'error', 'error_deleting'].includes(v.status)).map((v) => v.id);
    case 'volume-snapshot':
      return (await collectAll(blockStorage.snapshots.list(await cloud.blockStorage(), { name })))
        .filter((s) => s.name === name && !['deleting', 'error', 'error_deleting'].includes(s.status)).map((s) => s.id);
    default:
      return [];
  }
}
