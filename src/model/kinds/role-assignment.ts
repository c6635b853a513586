import { attr, defineKind, LINKS, essential, key, lost, needs, ref } from '../schema.js';

export interface RoleAssignmentAttributes {
  scope: 'project' | 'domain' | 'system';
  inherited: boolean;
  /** Set for a group's grant: groups are not copied. */
  group?: { id: string; name: string | null; domain: string | null };
}

/** A role grant: user (or group) + role + scope; Keystone gives it no id. */
export const roleAssignmentModel = defineKind<RoleAssignmentAttributes>({
  kind: 'role-assignment',
  attributes: {
    scope: key,
    inherited: essential,
    group: lost('group grants are not copied: groups are not migrated'),
  },
  references: {
    user: needs('user', 'user'),
    role: needs('role', 'role'),
    project: needs('project', 'project'),
    domain: needs('domain', 'domain'),
  },
  api: {
    role_assignment: {
      links: LINKS, role: ref('role'), user: ref('user'), scope: attr('scope', 'inherited'),
      group: attr('group'),
    },
  },
});
