import { byCloud, cloud, defineKind, ID, LINKS, NAME, attr, needs, ref, settable } from '../schema.js';

export interface ProjectAttributes {
  enabled: boolean;
  description: string;
  isDomain: boolean;
  tags: string[];
}

/** A Keystone project, matched by domain and name; marked with tags. */
export const projectModel = defineKind<ProjectAttributes>({
  kind: 'project',
  attributes: { enabled: settable, description: settable, isDomain: cloud, tags: settable },
  references: {
    domain: needs('domain', 'domain'),
    parent: needs('project', 'parent project'),
  },
  api: {
    project: {
      id: ID, name: NAME, links: LINKS, enabled: attr('enabled'), description: attr('description'),
      is_domain: attr('isDomain'), tags: attr('tags'), domain_id: ref('domain'), parent_id: ref('parent'),
      options: byCloud('Keystone resource options are the target’s policy'),
    },
  },
});
