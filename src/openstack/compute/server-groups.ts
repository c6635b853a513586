import { Pager, type PageOptions } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/**
 * Nova server groups (affinity policies). Paged with limit/offset, without links.
 * Below 2.64 the policy is `policies: ["anti-affinity"]`; from 2.64 `policy` + `rules`
 * ({max_server_per_host}). `project_id`/`user_id` from 2.13.
 */

export interface ServerGroup {
  id: string;
  name: string;
  policies?: string[];
  policy?: string;
  rules?: Record<string, number>;
  /** Server ids. */
  members: string[];
  project_id?: string;
  user_id?: string;
}

export interface ServerGroupListOptions extends PageOptions {
  /** Every project's groups (admin). */
  all_projects?: boolean;
}

const listURL = (c: ServiceClient): string => c.url('os-server-groups');
const getURL = (c: ServiceClient, id: string): string => c.url('os-server-groups', id);

export function list(client: ServiceClient, options: ServerGroupListOptions = {}): Pager<ServerGroup> {
  const { pageSize, all_projects } = options;
  return new Pager<ServerGroup>(client, listURL(client), {
    key: 'server_groups', style: 'offset', ...(pageSize ? { pageSize } : {}), query: { all_projects: all_projects ? 'True' : undefined },
  });
}

export async function get(client: ServiceClient, id: string): Promise<ServerGroup> {
  return (await client.get<{ server_group: ServerGroup }>(getURL(client, id))).server_group;
}

/** The policy name whatever the microversion. */
export function policyOf(group: ServerGroup): string | undefined {
  return group.policy ?? group.policies?.[0];
}

/** POST /os-server-groups in the token's project; `policy` from 2.64, `policies` before. */
export async function create(client: ServiceClient, name: string, policy: string): Promise<ServerGroup> {
  const body = client.supports('2.64') ? { name, policy } : { name, policies: [policy] };
  return (await client.post<{ server_group: ServerGroup }>(listURL(client), { server_group: body })).server_group;
}

export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(getURL(client, id), { missingOk: true });
}
