import { compute, collectAll, isNotFound, mapLimit, type ServiceClient } from '../../openstack/index.js';
import { addressPath } from '../address.js';
import { sortedRecord, unlessGone, type Collector } from './collector.js';

/** A flavor with what separate calls add: extra specs (below 2.61) and, if private, its projects. */
export interface FlavorItem {
  flavor: compute.flavors.Flavor;
  extraSpecs: Record<string, string>;
  /** Project ids allowed to use a private flavor; [] for public ones. */
  access: string[];
}

/** A flavor with its extra specs (embedded from 2.61) and, if private, its access list. */
async function withParts(client: ServiceClient, flavor: compute.flavors.Flavor): Promise<FlavorItem> {
  const extraSpecs = client.supports('2.61') ? (flavor.extra_specs ?? {}) : await compute.flavors.extraSpecs(client, flavor.id);
  let access: string[] = [];
  if (!flavor['os-flavor-access:is_public']) {
    try {
      access = (await compute.flavors.listAccess(client, flavor.id)).map((a) => a.tenant_id);
    } catch (error) {
      // Deleted between the listing and this call: keep it with no access list.
      if (!isNotFound(error)) throw error;
    }
  }
  return { flavor, extraSpecs, access };
}

export const flavorCollector: Collector<FlavorItem> = {
  name: 'flavor',
  kind: 'flavor',
  service: 'compute',
  fetch: async (ctx) => {
    const client = await ctx.cloud.compute();
    const flavors = await collectAll(compute.flavors.list(client, { is_public: 'None', pageSize: ctx.pageSize }));
    return mapLimit(flavors, ctx.concurrency, (flavor) => withParts(client, flavor));
  },
  fetchOne: async (cloud, id) => {
    const client = await cloud.compute();
    return unlessGone(async () => withParts(client, await compute.flavors.get(client, id)));
  },
  naming: ({ flavor }) => ({ id: flavor.id, name: flavor.name, path: addressPath(flavor.name) }),
  build: ({ flavor, extraSpecs, access }, ctx) =>
    ctx.refs().many('accessProjects', 'project', access).done({
      vcpus: flavor.vcpus,
      ramMb: flavor.ram,
      diskGb: flavor.disk,
      ephemeralGb: flavor['OS-FLV-EXT-DATA:ephemeral'] ?? 0,
      swapMb: flavor.swap === '' ? 0 : flavor.swap,
      isPublic: flavor['os-flavor-access:is_public'],
      disabled: flavor['OS-FLV-DISABLED:disabled'] ?? false,
      rxtxFactor: flavor.rxtx_factor ?? 1,
      description: flavor.description ?? null,
      extraSpecs: sortedRecord(extraSpecs),
    }),
};
