import { blockStorage, collectAll, mapLimit } from '../../openstack/index.js';
import { addressPath } from '../address.js';
import { sortedRecord, type Collector } from './collector.js';

export interface VolumeTypeItem {
  type: blockStorage.volumeTypes.VolumeType;
  /** Project ids of a private type; [] for public ones. */
  access: string[];
}

export const volumeTypeCollector: Collector<VolumeTypeItem> = {
  name: 'volume-type',
  kind: 'volume-type',
  service: 'block-storage',
  fetch: async (ctx) => {
    const client = await ctx.cloud.blockStorage();
    const types = await collectAll(blockStorage.volumeTypes.list(client, { is_public: 'None' }));
    return mapLimit(types, ctx.concurrency, async (type) => ({
      type,
      access: type.is_public ? [] : (await blockStorage.volumeTypes.listAccess(client, type.id)).map((a) => a.project_id),
    }));
  },
  naming: ({ type }) => ({ id: type.id, name: type.name, path: addressPath(type.name) }),
  build: ({ type, access }, ctx) =>
    ctx.refs().many('accessProjects', 'project', access).done({
      isPublic: type.is_public, description: type.description, extraSpecs: sortedRecord(type.extra_specs), qosSpecsId: type.qos_specs_id ?? null,
    }),
};
