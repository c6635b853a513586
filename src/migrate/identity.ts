import { randomBytes } from 'node:crypto';
import { markTags } from '../diff/marks.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { collectAll, identity, isNotFound } from '../openstack/index.js';
import { PumphouseError } from '../errors.js';
import type { MigrationContext } from './context.js';
import type { CopyKind } from './copy.js';

/**
 * Identity copies: domains, projects (marked with tags), users (password per the plan's policy),
 * roles and role grants. Users, roles and grants have no tags in Keystone; their natural keys
 * (name in domain; user + role + scope) identify them.
 */

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

async function domainIdOf(m: MigrationContext, resource: InventoryResource): Promise<string> {
  const ref = refList(resource, 'domain')[0];
  return ref ? m.requireTargetId(ref, `the domain of ${resource.address}`) : 'default';
}

export const domainCopy: CopyKind = {
  async find(m, source) {
    const client = await m.target.identity();
    const all = await collectAll(identity.domains.list(client));
    return all.find((d) => d.name === source.name)?.id;
  },
  async create(m, source) {
    const client = await m.target.identity();
    const res = await client.post<{ domain: { id: string } }>(client.url('domains'), { domain: { name: source.name, description: str(source.attributes['description']), enabled: source.attributes['enabled'] !== false } });
    return res.domain.id;
  },
};

export const projectCopy: CopyKind = {
  async find(m, source) {
    const client = await m.target.identity();
    const found = await collectAll(identity.projects.list(client, { name: source.name, domain_id: await domainIdOf(m, source) }));
    return found[0]?.id;
  },
  async create(m, source) {
    const client = await m.target.identity();
    const tags = [...new Set([...(source.attributes['tags'] as string[] | undefined ?? []), ...markTags(source.id, m.planName)])];
    const parent = refList(source, 'parent')[0];
    const project = await identity.projects.create(client, {
      name: source.name,
      domain_id: await domainIdOf(m, source),
      description: str(source.attributes['description']),
      enabled: source.attributes['enabled'] !== false,
      tags,
      ...(parent ? { parent_id: m.requireTargetId(parent, `the parent of ${source.address}`) } : {}),
    });
    return project.id;
  },
};

/** A password a person can type: 24 characters from an unambiguous alphabet (~140 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(24)].map((b) => alphabet[b % alphabet.length]).join('');
}

export const userCopy: CopyKind = {
  async find(m, source) {
    const client = await m.target.identity();
    const found = await collectAll(identity.users.list(client, { name: source.name, domain_id: await domainIdOf(m, source) }));
    return found[0]?.id;
  },
  async create(m, source) {
    const client = await m.target.identity();
    const a = source.attributes;
    const defaultProject = refList(source, 'defaultProject')[0];
    const defaultProjectId = defaultProject ? m.targetIdOf(defaultProject) : undefined;
    // Keystone never reveals a password hash, so a copy gets a new password (reset) or none (skip,
    // or a plan without an identity section, whose users come along only as owners).
    const password = m.settings.passwords === 'reset' ? generatePassword() : undefined;
    // Written before the user exists: a kill in between must not leave a password nobody knows.
    if (password) await m.passwords.record(source.name, password);
    const user = await identity.users.create(client, {
      name: source.name,
      domain_id: await domainIdOf(m, source),
      enabled: a['enabled'] !== false,
      ...(typeof a['email'] === 'string' ? { email: a['email'] } : {}),
      ...(str(a['description']) ? { description: str(a['description']) } : {}),
      ...(defaultProjectId ? { default_project_id: defaultProjectId } : {}),
      ...(password ? { password } : {}),
    });
    return user.id;
  },
};

export const roleCopy: CopyKind = {
  async find(m, source) {
    const client = await m.target.identity();
    return (await collectAll(identity.roles.list(client, { name: source.name })))[0]?.id;
  },
  async create(m, source) {
    const client = await m.target.identity();
    const description = str(source.attributes['description']);
    return (await identity.roles.create(client, { name: source.name, ...(description ? { description } : {}) })).id;
  },
};

/** A grant has no id of its own on the target: the mapping records "user/role/scope". */
function grantParts(m: MigrationContext, source: InventoryResource): { scope: identity.roles.GrantScope; userId: string; roleId: string } {
  const user = refList(source, 'user')[0];
  const role = refList(source, 'role')[0];
  const project = refList(source, 'project')[0];
  const domain = refList(source, 'domain')[0];
  if (!user || !role || (!project && !domain)) {
    throw new PumphouseError('PH1623', `${source.address}: only user grants on a project or domain can be copied`, { hint: 'group and system grants are not copied; exclude this grant' });
  }
  const userId = m.requireTargetId(user, `the user of ${source.address}`);
  const roleId = m.requireTargetId(role, `the role of ${source.address}`);
  const scope = project
    ? { projectId: m.requireTargetId(project, `the project of ${source.address}`) }
    : { domainId: m.requireTargetId(domain as string, `the domain of ${source.address}`) };
  return { scope, userId, roleId };
}

const grantKey = (p: ReturnType<typeof grantParts>): string =>
  `${p.userId}/${p.roleId}/${'projectId' in p.scope ? `project:${p.scope.projectId}` : `domain:${p.scope.domainId}`}`;

export const roleAssignmentCopy: CopyKind = {
  async find(m, source) {
    const parts = grantParts(m, source);
    const client = await m.target.identity();
    try {
      return (await identity.roles.hasGrant(client, parts.scope, parts.userId, parts.roleId)) ? grantKey(parts) : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  },
  async create(m, source) {
    const parts = grantParts(m, source);
    await identity.roles.grant(await m.target.identity(), parts.scope, parts.userId, parts.roleId);
    return grantKey(parts);
  },
};
