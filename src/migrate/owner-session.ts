import type { CloudConfig } from '../config/types.js';
import type { StepContext } from '../executor/runner.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { AuthenticationError, type Cloud } from '../openstack/index.js';
import type { MigrationContext } from './context.js';
import { KeyLender } from './lent-keys.js';

/**
 * Who boots a server's copy. Nova makes whoever boots a server its owner (`user_id`) and looks
 * its `key_name` up among that user's keypairs. With `passwords: reset` Pumphouse set the
 * owner's password on the target itself (the passwords file), so it boots the copy as the owner,
 * in a project-scoped session of its own; the keypair step already imported the key for them.
 *
 * Only where it cannot (no known password: `passwords: skip`, no identity section, a user who was
 * already on the target; or Keystone refusing the login) does Pumphouse boot as itself, as the
 * plan's "Will not survive" list says. The key must then be in Pumphouse's own keypairs for the
 * boot: it is lent there for the apply (lent-keys.ts), and nothing is left there when it ends.
 */
export interface BootSession {
  /** The session to boot with, scoped to the server's target project. */
  cloud: Cloud;
  /** The `key_name` to boot with, if the server has a key the booting user holds. */
  keyName?: string;
  /** Gives back what only the boot needed (a lent key); call it whatever the boot did. */
  release(): Promise<void>;
}

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
        message: `${server.address}: the target refused the login of its owner ${owner.address} (HTTP ${error.status}): its copy is booted, and owned, by Pumphouse's user instead`,
        data: { code: 'PH1625', cloud: m.target.label, hint: `check ${owner.address}'s password in the passwords file and its role on the project` },
      });
    }
  }
  ctx.progress({ phase: `booting as Pumphouse's user: the owner ${owner?.address ?? '(unknown)'} cannot boot it` });
  const cloud = await m.targetIn(projectId);
  const publicKey = publicKeyOf(m, server);
  const giveBack = keyName && publicKey ? await lender(m).borrow(keyName, publicKey, `key ${keyName} of ${refList(server, 'keypair')[0] ?? '?'}, lent to Pumphouse's user to boot copies`) : undefined;
  if (keyName && publicKey && !giveBack) ctx.progress({ phase: `Pumphouse's user has another key named ${keyName} on the target: booting without a key` });
  return giveBack ? { cloud, keyName: keyName as string, release: async () => giveBack() } : { cloud, release: async () => undefined };
}

/** One lender per apply: loans are shared by the boots of that apply. */
const lenders = new WeakMap<MigrationContext, KeyLender>();
function lender(m: MigrationContext): KeyLender {
  let found = lenders.get(m);
  if (!found) lenders.set(m, (found = new KeyLender(m, () => m.target.compute())));
  return found;
}

function publicKeyOf(m: MigrationContext, server: InventoryResource): string | undefined {
  const keypair = refList(server, 'keypair')[0];
  const key = keypair ? m.sourceLookup.get(keypair)?.attributes['publicKey'] : undefined;
  return typeof key === 'string' ? key : undefined;
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
  const { cloudName: _cloudName, definedIn: _definedIn, ...connection } = target;
  return { ...connection, auth_type: 'password', auth: { auth_url: target.auth.auth_url, user_id: userId, password, project_id: projectId } };
}

