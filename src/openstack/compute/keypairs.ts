import { PumphouseError } from '../../errors.js';
import { OPENSTACK_CODES } from '../http/codes.js';
import { Pager, type PageOptions } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/**
 * Nova keypairs. They belong to a *user*, not a project, and have no id: (user, name) is the key.
 * Listing another user's keypairs (`user_id`) needs 2.10; paging (keypairs_links) needs 2.35.
 * Nova wraps each item: `{"keypairs": [{"keypair": {...}}]}`.
 */

export interface Keypair {
  name: string;
  public_key: string;
  fingerprint: string;
  /** "ssh" | "x509", 2.2+. */
  type?: string;
  /** Present in GET of one keypair, not in listings: `list` fills it in from the query. */
  user_id?: string;
}

export interface KeypairListOptions extends PageOptions {
  /** Another user's keypairs (admin); needs microversion 2.10. */
  user_id?: string;
}

const listURL = (c: ServiceClient): string => c.url('os-keypairs');
const getURL = (c: ServiceClient, name: string): string => c.url('os-keypairs', name);

export function list(client: ServiceClient, options: KeypairListOptions = {}): Pager<Keypair> {
  const { pageSize, user_id } = options;
  if (user_id !== undefined && !client.supports('2.10')) {
    throw new PumphouseError(OPENSTACK_CODES.microversionUnsupported, `compute: listing the keypairs of another user needs microversion 2.10 (negotiated ${client.microversion ?? 'none'})`, {
      hint: 'the compute service is too old for keypair discovery',
    });
  }
  return new Pager<Keypair>(client, listURL(client), {
    key: 'keypairs',
    style: client.supports('2.35') ? 'links' : 'single',
    ...(pageSize ? { pageSize } : {}),
    query: { user_id },
    map: (raw) => {
      const keypair = (raw as { keypair: Keypair }).keypair;
      return user_id !== undefined ? { ...keypair, user_id } : keypair;
    },
  });
}

export async function get(client: ServiceClient, name: string, userId?: string): Promise<Keypair> {
  return (await client.get<{ keypair: Keypair }>(getURL(client, name), { query: { user_id: userId } })).keypair;
}

// ---- writes ---------------------------------------------------------------------------------

export interface KeypairImport {
  name: string;
  public_key: string;
  /** 2.2+. */
  type?: string;
  /** Another user's keypair (admin), 2.10+. */
  user_id?: string;
}

/** POST /os-keypairs with a public key (an import: no private key is ever generated or seen). */
export async function importKey(client: ServiceClient, keypair: KeypairImport): Promise<Keypair> {
  const body: KeypairImport = { name: keypair.name, public_key: keypair.public_key };
  if (keypair.type && client.supports('2.2')) body.type = keypair.type;
  if (keypair.user_id !== undefined) {
    // Before 2.10 Nova would import it for the caller, silently: into the admin's own keypairs.
    if (!client.supports('2.10')) {
      throw new PumphouseError(OPENSTACK_CODES.microversionUnsupported, `compute: importing a keypair for another user needs microversion 2.10 (negotiated ${client.microversion ?? 'none'})`, {
        hint: 'the target compute service is too old to hold keypairs for their users',
      });
    }
    body.user_id = keypair.user_id;
  }
  return (await client.post<{ keypair: Keypair }>(listURL(client), { keypair: body })).keypair;
}

export async function remove(client: ServiceClient, name: string, userId?: string): Promise<void> {
  await client.delete(getURL(client, name), { missingOk: true, query: { user_id: userId } });
}
