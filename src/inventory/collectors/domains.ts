import { identity, collectAll } from '../../openstack/index.js';
import { addressPath } from '../address.js';
import type { Collector } from './collector.js';

type Domain = identity.domains.Domain;

export const domainCollector: Collector<Domain> = {
  name: 'domain',
  kind: 'domain',
  service: 'identity',
  fetch: async (ctx) => collectAll(identity.domains.list(await ctx.cloud.identity())),
  naming: (d) => ({ id: d.id, name: d.name, path: addressPath(d.name) }),
  build: (d, ctx) => ctx.refs().done({ enabled: d.enabled, description: d.description ?? '' }),
};
