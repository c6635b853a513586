import { byCloud, defineKind, ID, NAME, attr, essential, info, ref } from '../schema.js';

export interface ServerGroupAttributes {
  policy: string | null;
  rules: Record<string, unknown>;
}

/** A Nova server group: its policy and rules; members join as their servers' copies boot. */
export const serverGroupModel = defineKind<ServerGroupAttributes>({
  kind: 'server-group',
  attributes: { policy: essential, rules: { class: 'essential', why: 'rules are fixed at creation' } },
  // Nova records whoever creates a group, and no API sets it: the plan lists the loss (src/diff/losses.ts).
  references: { members: info('server', 'member server'), creator: info('user', 'creator') },
  api: {
    server_group: {
      id: ID, name: NAME, policy: attr('policy'), policies: attr('policy'), rules: attr('rules'), members: { to: 'reference', roles: ['members'] },
      metadata: byCloud('always empty since 2.64'), project_id: byCloud('the owner, recorded as the resource’s project'),
      user_id: ref('creator'),
    },
  },
});
