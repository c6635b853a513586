import { identity, collectAll } from '../../openstack/index.js';
import { addressPath } from '../address.js';
import { unlessGone, type Collector } from './collector.js';

type Domain = identity.domains.Domain;

export const domainCollector: Collector<Domain> = {
  name: 'domain',
  kind: 'domain',
  service: 'identity',
  fetch: async (ctx) => collectAll(identity.domains.list(await ctx.cloud.identity())),
  fetchOne: async (cloud, id) => unlessGone(async () => identity.domains.get(await cloud.identity(), id)),
  naming: (d) => ({ id: d.id, name: d.name, path: addressPath(d.name) }),
  build: (d, ctx) => ctx.refs().done({ enabled: d.enabled, description: d.description ?? '' }),
};
