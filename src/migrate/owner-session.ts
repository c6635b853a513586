import type { CloudConfig } from '../config/types.js';
import type { StepContext } from '../executor/runner.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { AuthenticationError, compute, isConflict, isNotFound, type Cloud, type ServiceClient } from '../openstack/index.js';
import { errorMessage } from '../errors.js';
import type { MigrationContext } from './context.js';

/**
 * Who boots a server's copy. Nova makes whoever boots a server its owner (`user_id`) and looks
 * its `key_name` up among that user's keypairs. With `passwords: reset` Pumphouse set the
 * owner's password on the target itself (the passwords file), so it boots the copy as the owner,
 * in a project-scoped session of its own; the keypair step already imported the key for them.
 *
 * Only where it cannot (no known password: `passwords: skip`, no identity section, a user who was
 * already on the target; or Keystone refusing the login) does Pumphouse boot as itself, as the
 * plan's "Will not survive" list says. The key must then be in Pumphouse's own keypairs for the
 * boot: it is imported there as a temporary (recorded first), under a lock per key name, and
 * removed as soon as Nova accepted the boot (Nova keeps the key with the server), so nothing is
 * left in Pumphouse's keypairs.
 */
export interface BootSession {
  /** The session to boot with, scoped to the server's target project. */
  cloud: Cloud;
  /** The `key_name` to boot with, if the server has a key the booting user holds. */
  keyName?: string;
  /** Undoes what only the boot needed (a temporary key in Pumphouse's keypairs); call it whatever the boot did. */
  release(): Promise<void>;
}

/** The kind and key of a temporary keypair in the state: `<user id>/<name>` on the target. */
export const TEMPORARY_KEYPAIR_KIND = 'keypair';
const keypairKey = (id: string): string => `keypair:${id}`;

export async function bootSession(m: MigrationContext, ctx: StepContext, server: InventoryResource, projectId: string): Promise<BootSession> {
  const keyName = typeof server.attributes['keyName'] === 'string' ? server.attributes['keyName'] : undefined;
  const owner = ownerOnTarget(m, server);
  if (owner?.userId === m.target.session.info.user.id) return { cloud: await m.targetIn(projectId), ...(keyName ? { keyName } : {}), release: async () => undefined };
  if (owner?.password) {
    try {
      const cloud = await m.targetAs(owner.userId, owner.password, projectId);
      return { cloud, ...(keyName ? { keyName } : {}), release: async () => undefined };
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      m.events.emit({
        type: 'warning', level: 'warn',
        message: `${server.address}: the target refused the login of its owner ${owner.address} (${errorMessage(error)}): its copy is booted, and owned, by Pumphouse's user instead`,
        data: { code: 'PH1625', cloud: m.target.label, hint: `check ${owner.address}'s password in the passwords file and its role on the project` },
      });
    }
  }
  ctx.progress({ phase: `booting as Pumphouse's user: the owner ${owner?.address ?? '(unknown)'} cannot boot it` });
  const cloud = await m.targetIn(projectId);
  return keyName ? borrowKey(m, ctx, server, cloud, keyName) : { cloud, release: async () => undefined };
}

/** The owner's target user and, when Pumphouse set it, their password. */
function ownerOnTarget(m: MigrationContext, server: InventoryResource): { address: string; userId: string; password?: string } | undefined {
  const address = refList(server, 'owner')[0];
  const user = address ? m.sourceLookup.get(address) : undefined;
  const userId = address ? m.targetIdOf(address) : undefined;
  if (!address || !user || !userId) return undefined;
  const password = m.settings.passwords === 'reset' ? m.passwords.known(user.name) : undefined;
  return { address, userId, ...(password ? { password } : {}) };
}

/** A project-scoped password login as another user, on the target's endpoints, CA and timeouts. */
export function sessionConfig(target: CloudConfig, userId: string, password: string, projectId: string): CloudConfig {
  return { ...target, auth_type: 'password', auth: { auth_url: target.auth.auth_url, user_id: userId, password, project_id: projectId } };
}

/** Per context: the key names being lent to Pumphouse's user, so two boots never share one. */
const locks = new WeakMap<MigrationContext, Map<string, Promise<void>>>();

/** Puts the server's public key in Pumphouse's own keypairs for one boot, then takes it out. */
async function borrowKey(m: MigrationContext, ctx: StepContext, server: InventoryResource, cloud: Cloud, keyName: string): Promise<BootSession> {
  const unlock = await lock(m, keyName);
  try {
    const publicKey = publicKeyOf(m, server);
    const client = await cloud.compute();
    const userId = m.target.session.info.user.id;
    const id = `${userId}/${keyName}`;
    const ours = m.ledger.temporaries()[keypairKey(id)] !== undefined;
    const held = await ownKey(client, keyName);
    if (held && !ours) {
      // The operator's own key of that name: usable only if it is the same key.
      unlock();
      if (held.public_key.trim() === publicKey?.trim()) return { cloud, keyName, release: async () => undefined };
      ctx.progress({ phase: `Pumphouse's user has another key named ${keyName} on the target: booting without a key` });
      return { cloud, release: async () => undefined };
    }
    if (!publicKey) {
      unlock();
      return { cloud, release: async () => undefined };
    }
    if (held && held.public_key.trim() !== publicKey.trim()) await compute.keypairs.remove(client, keyName);
    if (!ours) await m.ledger.addTemporary(keypairKey(id), { cloud: 'target', kind: TEMPORARY_KEYPAIR_KIND, id, purpose: `key ${keyName} lent to Pumphouse's user to boot ${server.address}`, createdAt: new Date().toISOString() });
    if (!held || held.public_key.trim() !== publicKey.trim()) await importOwn(client, keyName, publicKey);
    return {
      cloud, keyName,
      release: async () => {
        try {
          await removeTemporaryKeypair(client, id);
          await m.ledger.removeTemporary(keypairKey(id));
        } finally {
          unlock();
        }
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

function publicKeyOf(m: MigrationContext, server: InventoryResource): string | undefined {
  const keypair = refList(server, 'keypair')[0];
  const key = keypair ? m.sourceLookup.get(keypair)?.attributes['publicKey'] : undefined;
  return typeof key === 'string' ? key : undefined;
}

async function ownKey(client: ServiceClient, name: string): Promise<compute.keypairs.Keypair | undefined> {
  try {
    return await compute.keypairs.get(client, name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function importOwn(client: ServiceClient, name: string, publicKey: string): Promise<void> {
  try {
    await compute.keypairs.importKey(client, { name, public_key: publicKey });
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}

/** Deletes a temporary keypair by its recorded id, `<user id>/<name>` (also `pumphouse cleanup`). */
export async function removeTemporaryKeypair(client: ServiceClient, id: string): Promise<void> {
  const slash = id.indexOf('/');
  await compute.keypairs.remove(client, id.slice(slash + 1), id.slice(0, slash));
}

async function lock(m: MigrationContext, name: string): Promise<() => void> {
  let held = locks.get(m);
  if (!held) locks.set(m, (held = new Map()));
  const previous = held.get(name) ?? Promise.resolve();
  let unlock!: () => void;
  const mine = new Promise<void>((resolve) => (unlock = resolve));
  const chained = previous.then(() => mine);
  held.set(name, chained);
  await previous;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    unlock();
    if (held.get(name) === chained) held.delete(name);
  };
}
