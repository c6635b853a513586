import { byCloud, defineKind, ID, LINKS, NAME, attr, needs, ref, settable } from '../schema.js';

export interface RoleAttributes {
  description: string;
}

/** A Keystone role, matched by name (global roles) or domain and name. */
export const roleModel = defineKind<RoleAttributes>({
  kind: 'role',
  attributes: { description: settable },
  references: { domain: needs('domain', 'domain') },
  api: {
    role: {
      id: ID, name: NAME, links: LINKS, description: attr('description'), domain_id: ref('domain'),
      options: byCloud('Keystone resource options (immutable roles) are the target’s policy'),
    },
  },
});
