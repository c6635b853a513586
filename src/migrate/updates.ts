import type { StepContext, StepRunner } from '../executor/runner.js';
import { UnsupportedStepError } from '../executor/runner.js';
import { isMarkKey, markTags } from '../diff/marks.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { blockStorage, compute, identity, image, network } from '../openstack/index.js';
import type { MigrationContext } from './context.js';
import { updateFlavor } from './flavor-parts.js';
import { updateImage } from './image-parts.js';
import { updateServer } from './server-update.js';

/**
 * `update` steps: a copy on the target whose settable attributes differ from the source (the
 * diff's `differences`, `after` being the source's value). Each is written with the API's own
 * idempotent update (PATCH/PUT), so running one twice is harmless; there is nothing to observe
 * first. Essentials never reach here: the diff makes them conflicts.
 */
type Updater = (m: MigrationContext, targetId: string, after: Record<string, unknown>, sourceId: string, ctx: StepContext) => Promise<void>;

const withMarks = (tags: unknown, sourceId: string, plan: string): string[] => [...new Set([...((tags as string[] | undefined) ?? []), ...markTags(sourceId, plan)])];

const UPDATERS: Partial<Record<string, Updater>> = {
  project: async (m, id, after, sourceId) => {
    await identity.projects.update(await m.target.identity(), id, {
      ...('enabled' in after ? { enabled: after['enabled'] as boolean } : {}),
      ...('description' in after ? { description: String(after['description'] ?? '') } : {}),
      ...('tags' in after ? { tags: withMarks(after['tags'], sourceId, m.planName) } : {}),
    });
  },
  user: async (m, id, after, sourceId) => {
    const source = m.sourceLookup.byId('user', sourceId);
    const defaultProject = source ? referenceUpdate(m, source, 'defaultProject') : undefined;
    await identity.users.update(await m.target.identity(), id, {
      ...('enabled' in after ? { enabled: after['enabled'] as boolean } : {}),
      ...('email' in after ? { email: typeof after['email'] === 'string' ? after['email'] : null } : {}),
      ...('description' in after ? { description: String(after['description'] ?? '') } : {}),
      ...(defaultProject !== undefined ? { default_project_id: defaultProject } : {}),
    });
  },
  // Flavors and images also bring their references (access list, members, kernel/ramdisk) in line.
  flavor: updateFlavor,
  image: updateImage,
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
  server: (m, id, after, sourceId, ctx) => updateServer(m, id, after, (tags) => withMarks(tags, sourceId, m.planName), ctx),
};

/**
 * For a reference the plan says differs (`refs.<role>`): the target id of the source's referenced
 * object, or null to clear it when that object will not be on the target; undefined when the
 * reference does not differ.
 */
function referenceUpdate(m: MigrationContext, source: InventoryResource, role: string): string | null | undefined {
  if (!m.change(source.address)?.differences.some((d) => d.path === `refs.${role}`)) return undefined;
  const referenced = refList(source, role)[0];
  return (referenced ? m.targetIdOf(referenced) : undefined) ?? null;
}

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

export function updateRunner(m: MigrationContext): StepRunner {
  return {
    async observe() {
      return { done: false };
    },
    async run(ctx) {
      const change = m.change(ctx.step.address);
      const updater = UPDATERS[ctx.step.kind];
      if (!change?.target || !updater) throw new UnsupportedStepError(ctx.step, `change ${ctx.step.address} on the target by hand, or exclude it with --exclude ${ctx.step.address}`);
      const after = Object.fromEntries(change.differences.filter((d) => d.path.startsWith('attributes.')).map((d) => [d.path.slice('attributes.'.length), d.after]));
      await updater(m, change.target.id, after, m.sourceObject(ctx.step.address).id, ctx);
      return { targetId: change.target.id };
    },
    async verify() {
      // The update calls answer with the object as written; a re-plan shows any remaining difference.
    },
  };
}
