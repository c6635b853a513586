import { byCloud, defineKind, NAME, attr, essential, key, needs, ref } from '../schema.js';

export interface KeypairAttributes {
  type: string;
  fingerprint: string;
  publicKey: string;
}

/** A Nova keypair, matched by its user and name; imported for that user (never for the admin). */
export const keypairModel = defineKind<KeypairAttributes>({
  kind: 'keypair',
  attributes: { type: essential, fingerprint: key, publicKey: essential },
  references: { user: needs('user', 'owner user') },
  api: {
    keypair: {
      name: NAME, user_id: ref('user'), type: attr('type'), fingerprint: attr('fingerprint'), public_key: attr('publicKey'),
      id: byCloud('Nova’s internal row id'), created_at: byCloud('creation time'), updated_at: byCloud('update time'),
      deleted: byCloud('soft-delete flag'), deleted_at: byCloud('soft-delete time'),
    },
  },
});
