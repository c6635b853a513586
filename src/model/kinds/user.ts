import { byCloud, defineKind, ID, LINKS, NAME, attr, lost, needs, notCarried, ref, settable, weak } from '../schema.js';

export interface UserAttributes {
  enabled: boolean;
  email: string | null;
  description: string;
  passwordExpiresAt: string | null;
}

/** A Keystone user, matched by domain and name. Keystone never returns a password or its hash. */
export const userModel = defineKind<UserAttributes>({
  kind: 'user',
  attributes: {
    enabled: settable,
    email: settable,
    description: settable,
    passwordExpiresAt: lost('password expiry: follows the target’s password policy from the new password on'),
  },
  references: {
    domain: needs('domain', 'domain'),
    defaultProject: weak('project', 'default project'),
  },
  api: {
    user: {
      id: ID, name: NAME, links: LINKS, enabled: attr('enabled'), email: attr('email'), description: attr('description'),
      password_expires_at: attr('passwordExpiresAt'), domain_id: ref('domain'), default_project_id: ref('defaultProject'),
      options: notCarried('user options (lockout exemptions, MFA rules) are not copied'),
      federated: byCloud('federated identities belong to the target’s identity providers'),
    },
  },
});
