import { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/** Keystone v3 projects (domains acting as projects, `is_domain: true`, are listed too). */

export interface Project {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
  description?: string | null;
  /** The domain id for top-level projects. */
  parent_id?: string | null;
  is_domain?: boolean;
  tags?: string[];
}

export interface ProjectListOptions {
  domain_id?: string;
  name?: string;
  enabled?: boolean;
  /** Keystone filters is_domain=false unless told otherwise. */
  is_domain?: boolean;
}

const listURL = (c: ServiceClient): string => c.url('projects');
const getURL = (c: ServiceClient, id: string): string => c.url('projects', id);

export function list(client: ServiceClient, options: ProjectListOptions = {}): Pager<Project> {
  return new Pager<Project>(client, listURL(client), { key: 'projects', style: 'single', query: { ...options } });
}

export async function get(client: ServiceClient, id: string): Promise<Project> {
  return (await client.get<{ project: Project }>(getURL(client, id))).project;
}
