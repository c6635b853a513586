import { byCloud, defineKind, ID, LINKS, NAME, attr, notCarried, settable } from '../schema.js';

export interface DomainAttributes {
  enabled: boolean;
  description: string;
}

/** A Keystone domain: matched by name; Default exists on both sides. */
export const domainModel = defineKind<DomainAttributes>({
  kind: 'domain',
  attributes: { enabled: settable, description: settable },
  references: {},
  api: {
    domain: {
      id: ID, name: NAME, links: LINKS, enabled: attr('enabled'), description: attr('description'),
      tags: notCarried('domain tags are not copied'),
      options: byCloud('Keystone resource options are the target’s policy'),
    },
  },
});
