import { byCloud, defineKind, attr, key, needs, settable } from '../schema.js';

export interface QuotaAttributes {
  service: 'compute' | 'network' | 'block-storage';
  /** Limit per resource name; only the names both clouds know are compared. */
  limits: Record<string, number>;
}

/** A project's quotas of one service (Nova, Neutron or Cinder): made equal on the target. */
export const quotaModel = defineKind<QuotaAttributes>({
  kind: 'quota',
  attributes: { service: key, limits: settable },
  references: { project: needs('project', 'project') },
  api: {
    compute_quota_set: { id: byCloud('the project id'), '*': attr('limits') },
    network_quota: { '*': attr('limits'), project_id: byCloud('the project'), tenant_id: byCloud('the project') },
    volume_quota_set: { id: byCloud('the project id'), '*': attr('limits') },
  },
});
