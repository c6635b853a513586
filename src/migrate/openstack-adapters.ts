import { SOURCE_METADATA_KEY, SOURCE_TAG_PREFIX } from '../diff/marks.js';
import { blockStorage, collectAll, compute, image, network, type Cloud, type ServiceClient } from '../openstack/index.js';
import type { FloatingIpOps, ImageOps, PortOps, QuotaOps, SecurityGroupRuleOps, ServerOps, ServerStepAdapters, SnapshotOps, VolumeOps, VolumeStepAdapters } from './adapters.js';
import type { MigrationContext } from './context.js';
import { ensureImageCopy, findImageCopy } from './images.js';
import { bootSession } from './owner-session.js';
import { readBack } from './read-back.js';
import { temporariesByName } from './temporaries.js';

/** The adapters of adapters.ts over the OpenStack client: one call of the client each. */

export function novaServers(cloud: Cloud): ServerOps {
  const client = () => cloud.compute();
  return {
    get: async (id) => compute.servers.get(await client(), id),
    listMarked: async (sourceId) => collectAll(compute.servers.listTagged(await client(), [`${SOURCE_TAG_PREFIX}${sourceId}`])),
    remove: async (id) => compute.servers.remove(await client(), id),
    start: async (id) => compute.servers.start(await client(), id),
    stop: async (id) => compute.servers.stop(await client(), id),
    lock: async (id) => compute.servers.lock(await client(), id),
    unlock: async (id) => compute.servers.unlock(await client(), id),
    addMetadata: async (id, metadata) => {
      const c = await client();
      await c.post(c.url('servers', id, 'metadata'), { metadata }, { retrySafe: true });
    },
    snapshot: async (id, name, metadata) => compute.servers.createImage(await client(), id, name, metadata),
  };
}

export function glanceImages(cloud: Cloud): ImageOps {
  const client = () => cloud.image();
  return {
    get: async (id) => image.images.get(await client(), id),
    listByProperty: async (key, value) => collectAll(image.images.listByProperty(await client(), key, value)),
    setProperties: async (id, properties) => {
      await image.images.setProperties(await client(), id, properties);
    },
    remove: async (id) => image.images.remove(await client(), id),
  };
}

export function neutronFloatingIps(cloud: Cloud): FloatingIpOps {
  const client = () => cloud.network();
  const list = (c: ServiceClient, query: Record<string, string>) => network.common.neutronList<network.floatingIps.FloatingIp>(c, 'floatingips', query);
  return {
    portOf: async (id) => (await network.floatingIps.get(await client(), id)).port_id,
    setPort: async (id, portId) => {
      await network.floatingIps.update(await client(), id, { port_id: portId });
    },
    listMarked: async (sourceId) => collectAll(list(await client(), { tags: `${SOURCE_TAG_PREFIX}${sourceId}` })),
    listByAddress: async (address, projectId) => collectAll(list(await client(), { floating_ip_address: address, ...(projectId ? { project_id: projectId } : {}) })),
    create: async (body) => network.floatingIps.create(await client(), { ...body }),
    setTags: async (id, tags) => network.floatingIps.setTags(await client(), id, tags),
    remove: async (id) => network.floatingIps.remove(await client(), id),
  };
}

export function neutronPorts(cloud: Cloud): PortOps {
  const client = () => cloud.network();
  return {
    adminStateUp: async (id) => (await network.ports.get(await client(), id)).admin_state_up,
    setAdminStateUp: async (id, up) => {
      await network.ports.update(await client(), id, { admin_state_up: up });
    },
  };
}

export function cinderVolumes(cloud: Cloud): VolumeOps {
  const client = () => cloud.blockStorage();
  return {
    get: async (id) => blockStorage.volumes.get(await client(), id),
    listMarked: async (sourceId) => collectAll(blockStorage.volumes.listByMetadata(await client(), { [SOURCE_METADATA_KEY]: sourceId })),
    create: async (body) => blockStorage.volumes.create(await client(), body),
    remove: async (id) => blockStorage.volumes.remove(await client(), id),
    uploadToImage: async (id, imageName) => blockStorage.volumes.uploadToImage(await client(), id, imageName),
    setBootable: async (id, bootable) => blockStorage.volumes.setBootable(await client(), id, bootable),
    setImageMetadata: async (id, metadata) => blockStorage.volumes.setImageMetadata(await client(), id, metadata),
    unsetImageMetadata: async (id, key) => blockStorage.volumes.unsetImageMetadata(await client(), id, key),
  };
}

export function cinderSnapshots(cloud: Cloud): SnapshotOps {
  const client = () => cloud.blockStorage();
  return {
    get: async (id) => blockStorage.snapshots.get(await client(), id),
    create: async (body) => blockStorage.snapshots.create(await client(), body),
    remove: async (id) => blockStorage.snapshots.remove(await client(), id),
  };
}

function copyOps(m: MigrationContext): Pick<ServerStepAdapters, 'readBack' | 'copyImage' | 'temporaries'> {
  return {
    readBack: (source, targetId) => readBack(m, source, targetId),
    copyImage: (ctx, sourceImageId, record) => ensureImageCopy(m, sourceImageId, record, ctx),
    temporaries: (spec) => temporariesByName(spec.cloud === 'source' ? m.source : m.target, spec.kind, spec.name),
  };
}

export function serverStepAdapters(m: MigrationContext): ServerStepAdapters {
  return {
    ...copyOps(m),
    source: { servers: novaServers(m.source), images: glanceImages(m.source), floatingIps: neutronFloatingIps(m.source) },
    target: { servers: novaServers(m.target), images: glanceImages(m.target), floatingIps: neutronFloatingIps(m.target), ports: neutronPorts(m.target) },
    async boot(ctx, source, projectId, body) {
      const session = await bootSession(m, ctx, source, projectId);
      try {
        const created = await compute.servers.create(await session.cloud.compute(), { ...body, ...(session.keyName ? { key_name: session.keyName } : {}) });
        return created.id;
      } finally {
        await session.release();
      }
    },
    findImageCopy: (sourceImageId) => findImageCopy(m, sourceImageId),
  };
}

export function volumeStepAdapters(m: MigrationContext): VolumeStepAdapters {
  return {
    ...copyOps(m),
    source: { servers: novaServers(m.source), volumes: cinderVolumes(m.source), snapshots: cinderSnapshots(m.source), images: glanceImages(m.source) },
    target: { volumes: cinderVolumes(m.target), images: glanceImages(m.target) },
    createVolumeIn: async (projectId, body) => blockStorage.volumes.create(await (await m.targetIn(projectId)).blockStorage(), body),
  };
}

export function targetQuotas(cloud: Cloud): QuotaOps {
  return {
    async limits(service, projectId) {
      if (service === 'compute') return { ...(await compute.quotas.get(await cloud.compute(), projectId)) };
      if (service === 'network') return { ...(await network.quotas.get(await cloud.network(), projectId)) };
      return { ...(await blockStorage.quotas.get(await cloud.blockStorage(), projectId)) };
    },
    async setLimits(service, projectId, limits) {
      if (service === 'compute') await compute.quotas.update(await cloud.compute(), projectId, limits);
      else if (service === 'network') await network.quotas.update(await cloud.network(), projectId, limits);
      else await blockStorage.quotas.update(await cloud.blockStorage(), projectId, limits);
    },
  };
}

export function neutronRules(cloud: Cloud): SecurityGroupRuleOps {
  const client = () => cloud.network();
  return {
    group: async (id) => network.securityGroups.get(await client(), id),
    createRule: async (rule) => {
      await network.securityGroups.createRule(await client(), rule);
    },
    removeRule: async (id) => network.securityGroups.removeRule(await client(), id),
  };
}
