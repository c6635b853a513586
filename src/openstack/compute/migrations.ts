import { Pager, type PageOptions } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/**
 * Nova migration records (GET /os-migrations, admin): one per live migration, cold migration,
 * resize or evacuation, kept after the move. Paged and newest first from 2.59; a deleted server's
 * records are gone with it.
 */

export type MigrationType = 'live-migration' | 'migration' | 'resize' | 'evacuation';

/**
 * Statuses by type, as Nova moves them:
 * - live-migration: accepted → queued/preparing → running → completed (or error/failed);
 * - migration/resize: pre-migrating → migrating → post-migrating → finished (VERIFY_RESIZE)
 *   → confirming → confirmed (or reverted, error);
 * - evacuation: accepted → pre-migrating → done, and `completed` once the source host's
 *   nova-compute has restarted and cleaned up (or error).
 */
export interface Migration {
  /** Integer database id. */
  id: number;
  /** 2.59+. */
  uuid?: string;
  instance_uuid: string;
  status: string;
  /** 2.23+. */
  migration_type?: MigrationType;
  source_compute: string | null;
  source_node: string | null;
  /** null until the scheduler chose, when no host was named. */
  dest_compute: string | null;
  dest_node: string | null;
  dest_host: string | null;
  old_instance_type_id: number | null;
  new_instance_type_id: number | null;
  created_at: string;
  updated_at: string | null;
  /** 2.80+. */
  user_id?: string;
  project_id?: string;
}

export interface MigrationListOptions extends PageOptions {
  instanceUuid?: string;
  /** Migrations from or to this compute host. */
  host?: string;
  migrationType?: MigrationType;
  status?: string;
}

export function list(client: ServiceClient, options: MigrationListOptions = {}): Pager<Migration> {
  const query = { instance_uuid: options.instanceUuid, host: options.host, migration_type: options.migrationType, status: options.status };
  // Before 2.59 Nova neither pages nor takes limit/marker here.
  if (!client.supports('2.59')) return new Pager<Migration>(client, client.url('os-migrations'), { key: 'migrations', style: 'single', query });
  return new Pager<Migration>(client, client.url('os-migrations'), {
    key: 'migrations', style: 'links', query, ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  });
}
