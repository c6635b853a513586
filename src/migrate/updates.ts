import type { StepRunner } from '../executor/runner.js';
import { UnsupportedStepError } from '../executor/runner.js';
import { isMarkKey, markTags } from '../diff/marks.js';
import { blockStorage, compute, identity, image, network } from '../openstack/index.js';
import type { ResourceKind } from '../inventory/model.js';
import type { MigrationContext } from './context.js';
import type { CopyKind } from './copy.js';
import { leftToOtherSteps, verifyReadBack } from './read-back.js';

/**
 * `update` steps: a copy on the target whose settable attributes differ from the source (the
 * diff's `differences`, `after` being the source's value). Each is written with the API's own
 * idempotent update (PATCH/PUT), so running one twice is harmless; there is nothing to observe
 * first. Essentials never reach here: the diff makes them conflicts. Verify reads the object back
 * (read-back.ts): an update the target did not keep fails the step.
 */
type Updater = (m: MigrationContext, targetId: string, after: Record<string, unknown>, sourceId: string) => Promise<void>;

const withMarks = (tags: unknown, sourceId: string, plan: string): string[] => [...new Set([...((tags as string[] | undefined) ?? []), ...markTags(sourceId, plan)])];

const UPDATERS: Partial<Record<string, Updater>> = {
  project: async (m, id, after, sourceId) => {
    await identity.projects.update(await m.target.identity(), id, {
      ...('enabled' in after ? { enabled: after['enabled'] as boolean } : {}),
      ...('description' in after ? { description: String(after['description'] ?? '') } : {}),
      ...('tags' in after ? { tags: withMarks(after['tags'], sourceId, m.planName) } : {}),
    });
  },
  user: async (m, id, after) => {
    await identity.users.update(await m.target.identity(), id, {
      ...('enabled' in after ? { enabled: after['enabled'] as boolean } : {}),
      ...('email' in after && typeof after['email'] === 'string' ? { email: after['email'] } : {}),
      ...('description' in after ? { description: String(after['description'] ?? '') } : {}),
    });
  },
  flavor: async (m, id, after) => {
    if ('extraSpecs' in after) await compute.flavors.setExtraSpecs(await m.target.compute(), id, after['extraSpecs'] as Record<string, string>);
  },
  image: async (m, id, after, sourceId) => {
    const patch: Record<string, unknown> = {};
    if ('properties' in after) for (const [k, v] of Object.entries(after['properties'] as Record<string, unknown>)) if (!isMarkKey(k)) patch[k] = v;
    for (const [field, key] of [['visibility', 'visibility'], ['minDiskGb', 'min_disk'], ['minRamMb', 'min_ram'], ['protected', 'protected']] as const) {
      if (field in after) patch[key] = after[field];
    }
    if ('tags' in after) patch['tags'] = withMarks(after['tags'], sourceId, m.planName);
    await image.images.setProperties(await m.target.image(), id, patch);
  },
  network: neutron('networks', { adminStateUp: 'admin_state_up', shared: 'shared', mtu: 'mtu', portSecurityEnabled: 'port_security_enabled', description: 'description' }),
  subnet: neutron('subnets', { gatewayIp: 'gateway_ip', enableDhcp: 'enable_dhcp', allocationPools: 'allocation_pools', dnsNameservers: 'dns_nameservers', hostRoutes: 'host_routes', description: 'description' }),
  router: neutron('routers', { adminStateUp: 'admin_state_up', routes: 'routes', description: 'description' }),
  port: neutron('ports', { adminStateUp: 'admin_state_up', allowedAddressPairs: 'allowed_address_pairs', portSecurityEnabled: 'port_security_enabled', description: 'description' }),
  'floating-ip': neutron('floatingips', { description: 'description' }),
  volume: async (m, id, after) => {
    const client = await m.target.blockStorage();
    if ('metadata' in after) await client.post(client.url('volumes', id, 'metadata'), { metadata: after['metadata'] }, { retrySafe: true });
    if ('bootable' in after) await blockStorage.volumes.setBootable(client, id, after['bootable'] === true);
    if ('description' in after) await client.put(client.url('volumes', id), { volume: { description: after['description'] } });
  },
  server: async (m, id, after, sourceId) => {
    const client = await m.target.compute();
    if ('metadata' in after) await client.post(client.url('servers', id, 'metadata'), { metadata: after['metadata'] }, { retrySafe: true });
    if ('tags' in after) await client.put(client.url('servers', id, 'tags'), { tags: withMarks(after['tags'], sourceId, m.planName) });
    if ('description' in after) await client.put(client.url('servers', id), { server: { description: after['description'] } });
  },
};

/** Neutron: settable attributes by their API names, plus tags with the marks kept. */
function neutron(collection: 'networks' | 'subnets' | 'routers' | 'ports' | 'floatingips', fields: Record<string, string>): Updater {
  return async (m, id, after, sourceId) => {
    const client = await m.target.network();
    const body: Record<string, unknown> = {};
    for (const [attribute, field] of Object.entries(fields)) if (attribute in after) body[field] = after[attribute];
    if (Object.keys(body).length > 0) await network.common.neutronUpdate(client, collection, collection.replace(/s$/, ''), id, body);
    if ('tags' in after) await network.common.neutronSetTags(client, collection, id, withMarks(after['tags'], sourceId, m.planName));
  };
}

/**
 * `copies`: the copy kinds, whose `complete` settles an object's parts — the references a diff
 * can find missing (a router's interfaces, a flavor's access list, an image's members).
 */
export function updateRunner(m: MigrationContext, copies: Partial<Record<ResourceKind, CopyKind>> = {}): StepRunner {
  return {
    async observe() {
      return { done: false };
    },
    async run(ctx) {
      const change = m.change(ctx.step.address);
      const updater = UPDATERS[ctx.step.kind];
      if (!change?.target || !updater) throw new UnsupportedStepError(ctx.step, `change ${ctx.step.address} on the target by hand, or exclude it with --exclude ${ctx.step.address}`);
      const source = m.sourceObject(ctx.step.address);
      const after = Object.fromEntries(change.differences.filter((d) => d.path.startsWith('attributes.')).map((d) => [d.path.slice('attributes.'.length), d.after]));
      await updater(m, change.target.id, after, source.id);
      if (change.differences.some((d) => d.path.startsWith('refs.'))) await copies[ctx.step.kind]?.complete?.(m, source, change.target.id, ctx);
      return { targetId: change.target.id };
    },
    async verify(ctx) {
      // Read back: every field the model compares must now be the source's, not only those the diff listed.
      const target = m.change(ctx.step.address)?.target;
      if (target) await verifyReadBack(m, m.sourceObject(ctx.step.address), target.id, leftToOtherSteps(ctx.step.kind, 'update'));
    },
  };
}
