import { refList } from '../../inventory/lookup.js';
import type { InventoryResource } from '../../inventory/model.js';
import { network } from '../../openstack/index.js';
import type { MigrationContext } from '../context.js';
import { interfaceSubnets, pluggedSubnets } from '../network.js';
import { apiFields, withMarks, type Updater } from './updater.js';

/**
 * Neutron: each object's settable attributes in one PUT (by their API names), its tags replaced
 * with the marks kept, and its compared references written back: a port's security groups, a
 * floating IP's port, a router's gateway and interfaces. A security group's rules are the
 * `sync-rules` step's (the step graph adds it when they differ).
 */
type Collection = 'networks' | 'subnets' | 'routers' | 'ports' | 'floatingips' | 'security-groups';

const SINGULAR: Record<Collection, string> = {
  networks: 'network', subnets: 'subnet', routers: 'router', ports: 'port', floatingips: 'floatingip', 'security-groups': 'security_group',
};

/** PUTs the body when it has anything, then the tags when they differ. */
async function write(m: MigrationContext, collection: Collection, id: string, body: Record<string, unknown>, after: Record<string, unknown>, sourceId: string): Promise<void> {
  const client = await m.target.network();
  if (Object.keys(body).length > 0) await network.common.neutronUpdate(client, collection, SINGULAR[collection], id, body);
  if ('tags' in after) await network.common.neutronSetTags(client, collection, id, withMarks(after['tags'], sourceId, m.planName));
}

/** A kind whose settable attributes map one to one onto API fields. */
function plain(collection: Collection, names: Readonly<Record<string, string>>): Updater {
  return (m, id, after, sourceId) => write(m, collection, id, apiFields(after, names), after, sourceId);
}

const refTargets = (m: MigrationContext, source: InventoryResource, role: string): string[] =>
  refList(source, role).map((address) => m.requireTargetId(address, `the ${role} of ${source.address}`));

const port: Updater = async (m, id, after, sourceId, { source, refs }) => {
  const body = apiFields(after, { adminStateUp: 'admin_state_up', allowedAddressPairs: 'allowed_address_pairs', portSecurityEnabled: 'port_security_enabled', description: 'description' });
  // Neutron checks port security against the groups and address pairs the port ends with: one PUT.
  const securityOff = after['portSecurityEnabled'] === false;
  if (refs.includes('securityGroups') || securityOff) body['security_groups'] = refTargets(m, source, 'securityGroups');
  if (securityOff) body['allowed_address_pairs'] = source.attributes['allowedAddressPairs'] ?? [];
  await write(m, 'ports', id, body, after, sourceId);
};

const floatingIp: Updater = async (m, id, after, sourceId, { source, refs }) => {
  const body = apiFields(after, { description: 'description' });
  if (refs.includes('port')) {
    // As the server step associates it: Neutron picks the port's first address.
    const portAddress = refList(source, 'port')[0];
    body['port_id'] = portAddress ? m.requireTargetId(portAddress, `the port of ${source.address}`) : null;
  }
  await write(m, 'floatingips', id, body, after, sourceId);
};

/**
 * A router in the order Neutron accepts: the gateway, the missing interfaces, the attributes
 * (routes need their next hops on the router's subnets), then the interfaces it should not have.
 */
const router: Updater = async (m, id, after, sourceId, { source, refs }) => {
  const client = await m.target.network();
  if (refs.includes('externalNetwork') || 'enableSnat' in after) await network.routers.update(client, id, { external_gateway_info: gatewayOf(m, source) });
  const desired = new Set(interfaceSubnets(m, source));
  const plugged = refs.includes('subnets') ? await pluggedSubnets(client, id) : undefined;
  if (plugged) for (const subnet of desired) if (!plugged.has(subnet)) await network.routers.addInterface(client, id, subnet);
  await write(m, 'routers', id, apiFields(after, { adminStateUp: 'admin_state_up', routes: 'routes', description: 'description' }), after, sourceId);
  if (plugged) for (const subnet of plugged) if (!desired.has(subnet)) await network.routers.removeInterface(client, id, subnet);
};

/** The source router's gateway in target terms; `{}` clears a gateway the source does not have. */
function gatewayOf(m: MigrationContext, source: InventoryResource): Record<string, unknown> {
  const external = refList(source, 'externalNetwork')[0];
  if (!external) return {};
  const snat = source.attributes['enableSnat'];
  return { network_id: m.requireTargetId(external, `the external network of ${source.address}`), ...(typeof snat === 'boolean' ? { enable_snat: snat } : {}) };
}

export const NETWORK_UPDATERS = {
  network: plain('networks', { adminStateUp: 'admin_state_up', shared: 'shared', mtu: 'mtu', portSecurityEnabled: 'port_security_enabled', description: 'description' }),
  subnet: plain('subnets', { gatewayIp: 'gateway_ip', enableDhcp: 'enable_dhcp', allocationPools: 'allocation_pools', dnsNameservers: 'dns_nameservers', hostRoutes: 'host_routes', description: 'description' }),
  'security-group': plain('security-groups', { description: 'description' }),
  router,
  port,
  'floating-ip': floatingIp,
} satisfies Record<string, Updater>;
