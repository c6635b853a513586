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

// ---- writes (admin) -------------------------------------------------------------------------

export interface ProjectCreate {
  name: string;
  domain_id: string;
  description?: string;
  enabled?: boolean;
  tags?: string[];
  parent_id?: string;
}

/** POST /v3/projects. Keystone answers 409 when the domain already has a project of that name. */
export async function create(client: ServiceClient, project: ProjectCreate): Promise<Project> {
  return (await client.post<{ project: Project }>(listURL(client), { project })).project;
}

export async function update(client: ServiceClient, id: string, changes: Partial<Omit<ProjectCreate, 'domain_id' | 'parent_id'>>): Promise<Project> {
  return (await client.patch<{ project: Project }>(getURL(client, id), { project: changes })).project;
}

/** PUT /v3/projects/{id}/tags/{tag}: adds one tag (idempotent). */
export async function addTag(client: ServiceClient, id: string, tag: string): Promise<void> {
  await client.put(client.url('projects', id, 'tags', tag), undefined, { okCodes: [200, 201, 204] });
}

/** Projects carrying every tag in `tags` (Keystone's `tags` filter). */
export function listTagged(client: ServiceClient, tags: readonly string[]): Pager<Project> {
  return new Pager<Project>(client, listURL(client), { key: 'projects', style: 'single', query: { tags: tags.join(',') } });
}

export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(getURL(client, id), { missingOk: true });
}
