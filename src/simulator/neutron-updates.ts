/**
 * Neutron's updates (`PUT /v2.0/{collection}/{id}`) of networks, subnets, routers (attributes,
 * gateway, `remove_router_interface`), ports and security groups, with Neutron's refusals: a
 * read-only attribute (400), a gateway or an interface that floating IPs still need (409), port
 * security turned off under security groups or address pairs (409). Only the attributes given
 * change. Floating IPs, tags and quotas are updated in neutron-writes.ts.
 */
import { json, type Router, type SimResponse } from './http.js';
import { addressPairs, gatewayOf, isObject, plugGateway, portSecurityRefusal, str, stringList, type NeutronCall, type NeutronRenderers } from './neutron-writes.js';
import type { Router as NeutronRouter } from './store.js';

type Body = Record<string, unknown>;

/** Attributes Neutron sets at creation only; a PUT naming one is refused. */
const READ_ONLY: Record<string, readonly string[]> = {
  network: ['availability_zone_hints', 'project_id', 'tenant_id'],
  subnet: ['cidr', 'ip_version', 'network_id', 'project_id', 'tenant_id', 'ipv6_ra_mode', 'ipv6_address_mode'],
  router: ['availability_zone_hints', 'project_id', 'tenant_id'],
  port: ['network_id', 'project_id', 'tenant_id'],
  security_group: ['project_id', 'tenant_id'],
};

/** The body of a PUT, or Neutron's refusal of it. */
type UpdateBody = { body: Body } | { refusal: SimResponse };

function readUpdateBody(call: NeutronCall, singular: string, err: NeutronRenderers['error']): UpdateBody {
  const b = isObject(call.req.body) ? call.req.body[singular] : undefined;
  if (!isObject(b)) return { refusal: err(400, 'BadRequest', `Bad ${singular} request: Resource body required.`) };
  const readOnly = (READ_ONLY[singular] ?? []).find((key) => key in b);
  return readOnly ? { refusal: err(400, 'HTTPBadRequest', `Cannot update read-only attribute ${readOnly}`) } : { body: b };
}

export function addNeutronUpdates(r: Router<NeutronCall>, render: NeutronRenderers): void {
  addNetworkUpdates(r, render);
  addPortUpdates(r, render);
  addRouterUpdates(r, render);
}

function addNetworkUpdates(r: Router<NeutronCall>, render: NeutronRenderers): void {
  const err = render.error;
  const updateBody = (call: NeutronCall, singular: string): UpdateBody => readUpdateBody(call, singular, err);

  r.add('PUT', '/v2.0/networks/:id', (req, call) => {
    const network = call.store.networks.get(req.params['id'] ?? '');
    if (!network) return err(404, 'NetworkNotFound', `Network ${req.params['id']} could not be found.`);
    const read = updateBody(call, 'network');
    if ('refusal' in read) return read.refusal;
    const b = read.body;
    if (b['mtu'] !== undefined && !(typeof b['mtu'] === 'number' && b['mtu'] >= 68)) return err(400, 'BadRequest', `Invalid input for mtu. Reason: '${String(b['mtu'])}' is too small - must be at least '68'.`);
    call.store.networks.update(network, (n) => {
      if (typeof b['name'] === 'string') n.name = b['name'];
      if (typeof b['description'] === 'string') n.description = b['description'];
      if (typeof b['admin_state_up'] === 'boolean') n.adminStateUp = b['admin_state_up'];
      if (typeof b['shared'] === 'boolean') n.shared = b['shared'];
      if (typeof b['mtu'] === 'number') n.mtu = b['mtu'];
      if (typeof b['port_security_enabled'] === 'boolean') n.portSecurityEnabled = b['port_security_enabled'];
    });
    return json(200, { network: render.network(call, network) });
  });

  r.add('PUT', '/v2.0/subnets/:id', (req, call) => {
    const subnet = call.store.subnets.get(req.params['id'] ?? '');
    if (!subnet) return err(404, 'SubnetNotFound', `Subnet ${req.params['id']} could not be found.`);
    const read = updateBody(call, 'subnet');
    if ('refusal' in read) return read.refusal;
    const b = read.body;
    call.store.subnets.update(subnet, (s) => {
      if (typeof b['name'] === 'string') s.name = b['name'];
      if (typeof b['description'] === 'string') s.description = b['description'];
      if ('gateway_ip' in b) s.gatewayIp = str(b['gateway_ip']) ?? null;
      if (typeof b['enable_dhcp'] === 'boolean') s.enableDhcp = b['enable_dhcp'];
      if (Array.isArray(b['allocation_pools'])) s.allocationPools = (b['allocation_pools'] as Body[]).map((p) => ({ start: String(p['start']), end: String(p['end']) }));
      if (Array.isArray(b['dns_nameservers'])) s.dnsNameservers = stringList(b['dns_nameservers']);
      if (Array.isArray(b['host_routes'])) s.hostRoutes = (b['host_routes'] as Body[]).map((h) => ({ destination: String(h['destination']), nexthop: String(h['nexthop']) }));
    });
    return json(200, { subnet: render.subnet(call, subnet) });
  });

}

function addPortUpdates(r: Router<NeutronCall>, render: NeutronRenderers): void {
  const err = render.error;
  const updateBody = (call: NeutronCall, singular: string): UpdateBody => readUpdateBody(call, singular, err);
  r.add('PUT', '/v2.0/ports/:id', (req, call) => {
    const port = call.store.ports.get(req.params['id'] ?? '');
    if (!port) return err(404, 'PortNotFound', `Port ${req.params['id']} could not be found.`);
    const read = updateBody(call, 'port');
    if ('refusal' in read) return read.refusal;
    const b = read.body;
    const groups = Array.isArray(b['security_groups']) ? stringList(b['security_groups']) : port.securityGroupIds;
    for (const g of groups) if (!call.store.securityGroups.get(g)) return err(404, 'SecurityGroupNotFound', `Security group ${g} does not exist`);
    const pairs = addressPairs(b['allowed_address_pairs']) ?? port.allowedAddressPairs ?? [];
    const enabled = typeof b['port_security_enabled'] === 'boolean' ? b['port_security_enabled'] : port.portSecurityEnabled;
    const refusal = portSecurityRefusal(enabled, groups, pairs, err);
    if (refusal) return refusal;
    call.store.ports.update(port, (p) => {
      if (typeof b['name'] === 'string') p.name = b['name'];
      if (typeof b['description'] === 'string') p.description = b['description'];
      if (typeof b['admin_state_up'] === 'boolean') p.adminStateUp = b['admin_state_up'];
      p.securityGroupIds = groups;
      p.allowedAddressPairs = pairs;
      p.portSecurityEnabled = enabled;
    });
    return json(200, { port: render.port(call, port) });
  });

  r.add('PUT', '/v2.0/security-groups/:id', (req, call) => {
    const group = call.store.securityGroups.get(req.params['id'] ?? '');
    if (!group) return err(404, 'SecurityGroupNotFound', `Security group ${req.params['id']} does not exist`);
    const read = updateBody(call, 'security_group');
    if ('refusal' in read) return read.refusal;
    const b = read.body;
    if (group.name === 'default' && typeof b['name'] === 'string' && b['name'] !== 'default') return err(409, 'SecurityGroupCannotUpdateDefault', 'Updating default security group not allowed.');
    call.store.securityGroups.update(group, (g) => {
      if (typeof b['name'] === 'string') g.name = b['name'];
      if (typeof b['description'] === 'string') g.description = b['description'];
    });
    return json(200, { security_group: render.securityGroup(call, group) });
  });
}

function addRouterUpdates(r: Router<NeutronCall>, render: NeutronRenderers): void {
  const err = render.error;
  const updateBody = (call: NeutronCall, singular: string): UpdateBody => readUpdateBody(call, singular, err);
  /** Floating IPs that reach their port through this router (optionally: from one subnet). */
  const floatingThrough = (call: NeutronCall, router: NeutronRouter, subnetId?: string) => call.store.floatingIps.all().filter((f) => {
    if (f.routerId !== router.id || !f.portId) return false;
    return subnetId === undefined || (call.store.ports.get(f.portId)?.fixedIps.some((ip) => ip.subnetId === subnetId) ?? false);
  });

  r.add('PUT', '/v2.0/routers/:id', (req, call) => {
    const router = call.store.routers.get(req.params['id'] ?? '');
    if (!router) return err(404, 'RouterNotFound', `Router ${req.params['id']} could not be found`);
    const read = updateBody(call, 'router');
    if ('refusal' in read) return read.refusal;
    const b = read.body;
    if ('external_gateway_info' in b) {
      const refusal = changeGateway(call, router, b['external_gateway_info']);
      if (refusal) return refusal;
    }
    call.store.routers.update(router, (x) => {
      if (typeof b['name'] === 'string') x.name = b['name'];
      if (typeof b['description'] === 'string') x.description = b['description'];
      if (typeof b['admin_state_up'] === 'boolean') x.adminStateUp = b['admin_state_up'];
      if (Array.isArray(b['routes'])) x.routes = (b['routes'] as Body[]).map((h) => ({ destination: String(h['destination']), nexthop: String(h['nexthop']) }));
    });
    return json(200, { router: render.router(call, router) });
  });

  /** A new gateway network replaces the gateway port; the same one only changes SNAT. */
  const changeGateway = (call: NeutronCall, router: NeutronRouter, info: unknown): SimResponse | undefined => {
    const wanted = gatewayOf(call, info, err);
    if (wanted && !('networkId' in wanted)) return wanted;
    const current = router.externalGateway;
    if (current && wanted && current.networkId === wanted.networkId) {
      current.enableSnat = wanted.enableSnat;
      return undefined;
    }
    if (current && floatingThrough(call, router).length > 0) {
      return err(409, 'RouterExternalGatewayInUseByFloatingIp', `Gateway cannot be updated for router ${router.id}, since a gateway to external network ${current.networkId} is required by one or more floating IPs.`);
    }
    for (const port of call.store.ports.by('device', router.id).filter((p) => p.deviceOwner === 'network:router_gateway')) call.store.ports.delete(port.id);
    router.externalGateway = wanted as NeutronRouter['externalGateway'];
    plugGateway(call, router);
    return undefined;
  };

  r.add('PUT', '/v2.0/routers/:id/remove_router_interface', (req, call) => {
    const router = call.store.routers.get(req.params['id'] ?? '');
    if (!router) return err(404, 'RouterNotFound', `Router ${req.params['id']} could not be found`);
    const b = isObject(call.req.body) ? call.req.body : {};
    const subnetId = str(b['subnet_id']);
    const portId = str(b['port_id']);
    if (!subnetId && !portId) return err(400, 'BadRequest', 'Bad router request: Either subnet_id or port_id must be specified.');
    const port = call.store.ports.by('device', router.id).find((p) => p.deviceOwner.startsWith('network:router_interface')
      && (portId ? p.id === portId : p.fixedIps.some((ip) => ip.subnetId === subnetId)));
    if (!port) return err(404, 'RouterInterfaceNotFoundForSubnet', `Router ${router.id} has no interface on subnet ${subnetId ?? portId}`);
    const subnet = port.fixedIps[0]?.subnetId ?? '';
    if (floatingThrough(call, router, subnet).length > 0) {
      return err(409, 'RouterInterfaceInUseByFloatingIP', `Router interface for subnet ${subnet} on router ${router.id} cannot be deleted, as it is required by one or more floating IPs.`);
    }
    call.store.ports.delete(port.id);
    return json(200, { id: router.id, tenant_id: router.projectId, port_id: port.id, subnet_id: subnet, subnet_ids: [subnet], network_id: port.networkId, tags: [] });
  });
}
