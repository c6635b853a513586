import { compute, isConflict, isNotFound, type ServiceClient } from '../openstack/index.js';
import type { MigrationContext } from './context.js';

/**
 * Keys lent to Pumphouse's own user. Nova takes a new server's `key_name` from the keypairs of
 * the user who boots it; when Pumphouse must boot a copy itself (its owner cannot: see
 * owner-session.ts), the owner's public key has to be in Pumphouse's keypairs for that boot.
 *
 * A lent key is recorded in the state as a temporary before it is imported, shared by every boot
 * that needs the same key under that name, and removed when the apply ends (with Pumphouse's
 * other temporary access, access.ts) or by `pumphouse cleanup`; Nova keeps the key with each
 * server it booted. Two owners' different keys of one name take turns: the second waits until no
 * boot holds the first. A key of that name Pumphouse's user had before is the operator's: used
 * when it is the same key, never replaced.
 */
export const TEMPORARY_KEYPAIR_KIND = 'keypair';
const temporaryKey = (id: string): string => `keypair:${id}`;

interface Loan {
  publicKey: string;
  /** false: the operator's own key of that name. */
  ours: boolean;
  holders: number;
  idle?: { promise: Promise<void>; resolve: () => void };
}

export class KeyLender {
  private readonly loans = new Map<string, Loan>();
  private readonly changing = new Map<string, Promise<void>>();

  constructor(private readonly m: MigrationContext, private readonly client: () => Promise<ServiceClient>) {}

  /** Makes `name` hold `publicKey` in Pumphouse's keypairs; resolves to the give-back, or undefined if the name is the operator's with another key. */
  async borrow(name: string, publicKey: string, purpose: string): Promise<(() => void) | undefined> {
    for (;;) {
      const loan = this.loans.get(name);
      if (loan && sameKey(loan.publicKey, publicKey)) {
        loan.holders += 1;
        return () => giveBack(loan);
      }
      if (loan && !loan.ours) return undefined;
      if (loan && loan.holders > 0) {
        await idle(loan).promise;
        continue;
      }
      await this.exclusive(name, () => this.lend(name, publicKey, purpose));
    }
  }

  /** Puts `publicKey` under `name` unless a loan that must stay is there by now. */
  private async lend(name: string, publicKey: string, purpose: string): Promise<void> {
    const current = this.loans.get(name);
    if (current && (sameKey(current.publicKey, publicKey) || !current.ours || current.holders > 0)) return;
    const client = await this.client();
    const id = `${this.m.target.session.info.user.id}/${name}`;
    const recorded = this.m.ledger.temporaries()[temporaryKey(id)] !== undefined;
    const held = current ? current.publicKey : (await ownKey(client, name))?.public_key;
    if (held !== undefined && !recorded) {
      this.loans.set(name, { publicKey: held, ours: false, holders: 0 });
      return;
    }
    if (!recorded) await this.m.ledger.addTemporary(temporaryKey(id), { cloud: 'target', kind: TEMPORARY_KEYPAIR_KIND, id, purpose, createdAt: new Date().toISOString() });
    if (held !== undefined && sameKey(held, publicKey)) {
      this.loans.set(name, { publicKey, ours: true, holders: 0 });
      return;
    }
    if (held !== undefined) await compute.keypairs.remove(client, name);
    try {
      await compute.keypairs.importKey(client, { name, public_key: publicKey });
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
    this.loans.set(name, { publicKey, ours: true, holders: 0 });
  }

  private async exclusive(name: string, work: () => Promise<void>): Promise<void> {
    const previous = this.changing.get(name) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.changing.set(name, next.catch(() => undefined));
    await next;
  }
}

/** Deletes a temporary keypair by its recorded id, `<user id>/<name>` (apply's end, `pumphouse cleanup`). */
export async function removeTemporaryKeypair(client: ServiceClient, id: string): Promise<void> {
  const slash = id.indexOf('/');
  await compute.keypairs.remove(client, id.slice(slash + 1), id.slice(0, slash));
}

const sameKey = (a: string, b: string): boolean => a.trim() === b.trim();

function giveBack(loan: Loan): void {
  loan.holders -= 1;
  if (loan.holders === 0 && loan.idle) {
    loan.idle.resolve();
    delete loan.idle;
  }
}

function idle(loan: Loan): NonNullable<Loan['idle']> {
  if (!loan.idle) {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    loan.idle = { promise, resolve };
  }
  return loan.idle;
}

async function ownKey(client: ServiceClient, name: string): Promise<compute.keypairs.Keypair | undefined> {
  try {
    return await compute.keypairs.get(client, name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
