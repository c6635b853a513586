import { byCloud, defineKind, attr, key, needs } from '../schema.js';

export interface QuotaAttributes {
  service: 'compute' | 'network' | 'block-storage';
  /** Limit per resource name; only the settable names both clouds know are compared. */
  limits: Record<string, number>;
}

/**
 * The limits apply sets, per service: those every supported release's API still accepts in an
 * update (Nova dropped its network quotas at 2.36 and injected files at 2.57; Cinder's per-type
 * limits name types the target calls differently). Only these are compared, so a limit the
 * target shows but apply cannot write is never an update that never ends.
 */
export const SETTABLE_LIMITS: Readonly<Record<QuotaAttributes['service'], readonly string[]>> = {
  compute: ['cores', 'ram', 'instances', 'key_pairs', 'metadata_items', 'server_groups', 'server_group_members'],
  network: ['network', 'subnet', 'port', 'router', 'floatingip', 'security_group', 'security_group_rule'],
  'block-storage': ['volumes', 'snapshots', 'gigabytes', 'backups', 'backup_gigabytes', 'per_volume_gigabytes', 'groups'],
};

/** A project's quotas of one service (Nova, Neutron or Cinder): made equal on the target. */
/** The response a quota is read from names its service. */
export const quotaModel = defineKind<QuotaAttributes>({
  kind: 'quota',
  attributes: { service: key, limits: { class: 'settable', why: 'the SETTABLE_LIMITS of its service' } },
  references: { project: needs('project', 'project') },
  api: {
    compute_quota_set: { id: byCloud('the project id'), '*': attr('limits', 'service') },
    network_quota: { '*': attr('limits'), project_id: byCloud('the project'), tenant_id: byCloud('the project') },
    volume_quota_set: { id: byCloud('the project id'), '*': attr('limits') },
  },
});
