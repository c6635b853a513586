import { identity } from '../../openstack/index.js';
import { apiFields, text, withMarks, type Updater } from './updater.js';

/** Keystone: domains, projects (tags with the marks kept) and roles, each one PATCH. */
export const IDENTITY_UPDATERS = {
  domain: (async (m, id, after) => {
    await identity.domains.update(await m.target.identity(), id, {
      ...apiFields(after, { enabled: 'enabled' }),
      ...('description' in after ? { description: text(after['description']) } : {}),
    });
  }) satisfies Updater,
  project: (async (m, id, after, sourceId) => {
    await identity.projects.update(await m.target.identity(), id, {
      ...apiFields(after, { enabled: 'enabled' }),
      ...('description' in after ? { description: text(after['description']) } : {}),
      ...('tags' in after ? { tags: withMarks(after['tags'], sourceId, m.planName) } : {}),
    });
  }) satisfies Updater,
  role: (async (m, id, after) => {
    // Keystone answers 403 for an immutable role (its bootstrap roles): the error says how to lift it.
    if ('description' in after) await identity.roles.update(await m.target.identity(), id, { description: text(after['description']) });
  }) satisfies Updater,
};
