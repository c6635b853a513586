import { refList } from '../inventory/lookup.js';
import { collectAll, compute, isConflict } from '../openstack/index.js';
import type { CopyKind } from './copy.js';
import { syncExtraSpecs, syncFlavorAccess } from './flavor-parts.js';

/**
 * Compute meta-resources: flavors (extra specs, access lists; the source id kept when free),
 * keypairs (imported for their user: Nova keys them by user and name, without tags) and server
 * groups (created in their project, found by project and name).
 */

export const flavorCopy: CopyKind = {
  async find(m, source) {
    const client = await m.target.compute();
    const flavors = await collectAll(compute.flavors.list(client));
    return flavors.find((f) => f.name === source.name)?.id;
  },
  async create(m, source) {
    const client = await m.target.compute();
    const a = source.attributes;
    const body: compute.flavors.FlavorCreate = {
      name: source.name,
      ram: Number(a['ramMb']),
      vcpus: Number(a['vcpus']),
      disk: Number(a['diskGb']),
      'OS-FLV-EXT-DATA:ephemeral': Number(a['ephemeralGb'] ?? 0),
      swap: Number(a['swapMb'] ?? 0),
      rxtx_factor: Number(a['rxtxFactor'] ?? 1),
      'os-flavor-access:is_public': a['isPublic'] !== false,
      ...(typeof a['description'] === 'string' ? { description: a['description'] } : {}),
    };
    try {
      // Scripts and images (img_flavor) name flavors by id: keep it where the target allows.
      return (await compute.flavors.create(client, { ...body, id: source.id })).id;
    } catch (error) {
      if (!isConflict(error)) throw error;
      return (await compute.flavors.create(client, body)).id;
    }
  },
  async complete(m, source, targetId) {
    const client = await m.target.compute();
    await syncExtraSpecs(client, targetId, (source.attributes['extraSpecs'] ?? {}) as Record<string, string>);
    await syncFlavorAccess(m, client, source, targetId);
  },
};

/** A keypair's mapping is "<target user id>/<name>": keypairs have no id. */
export const keypairCopy: CopyKind = {
  async find(m, source) {
    const user = refList(source, 'user')[0];
    const userId = user ? m.targetIdOf(user) : undefined;
    if (!userId) return undefined;
    const keys = await collectAll(compute.keypairs.list(await m.target.compute(), { user_id: userId }));
    return keys.some((k) => k.name === source.name) ? `${userId}/${source.name}` : undefined;
  },
  async create(m, source) {
    const user = refList(source, 'user')[0] as string;
    const userId = m.requireTargetId(user, `the owner of ${source.address}`);
    await compute.keypairs.importKey(await m.target.compute(), {
      name: source.name, public_key: String(source.attributes['publicKey']), type: String(source.attributes['type'] ?? 'ssh'), user_id: userId,
    });
    return `${userId}/${source.name}`;
  },
};

export const serverGroupCopy: CopyKind = {
  async find(m, source) {
    const projectId = m.targetProjectOf(source);
    const groups = await collectAll(compute.serverGroups.list(await m.target.compute(), { all_projects: true }));
    return groups.find((g) => g.name === source.name && g.project_id === projectId)?.id;
  },
  async create(m, source) {
    const cloud = await m.targetIn(m.targetProjectOf(source));
    return (await compute.serverGroups.create(await cloud.compute(), source.name, String(source.attributes['policy'] ?? 'anti-affinity'))).id;
  },
};
