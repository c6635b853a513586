/**
 * Neutron updates beyond neutron-updates.ts's attributes: a router's gateway (a new network
 * replaces the gateway port; the same one only changes SNAT), `remove_router_interface`, and a
 * security group's name and description — with Neutron's refusals: a gateway or an interface that
 * floating IPs still need (409), renaming the default group (409).
 */
import { json, type Router, type SimResponse } from './http.js';
import { gatewayOf, isObject, plugGateway, str, type NeutronCall, type NeutronRenderers } from './neutron-writes.js';
import type { Router as NeutronRouter } from './store.js';

type Err = NeutronRenderers['error'];

/** Floating IPs that reach their port through this router (optionally: from one subnet). */
function floatingThrough(call: NeutronCall, router: NeutronRouter, subnetId?: string) {
  return call.store.floatingIps.all().filter((f) => {
    if (f.routerId !== router.id || !f.portId) return false;
    return subnetId === undefined || (call.store.ports.get(f.portId)?.fixedIps.some((ip) => ip.subnetId === subnetId) ?? false);
  });
}

/** `external_gateway_info` of a router PUT; the refusal, or undefined once it is done. */
export function changeGateway(call: NeutronCall, router: NeutronRouter, info: unknown, err: Err): SimResponse | undefined {
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
}

export function addRouterAndGroupUpdates(r: Router<NeutronCall>, render: NeutronRenderers): void {
  const err = render.error;
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

  r.add('PUT', '/v2.0/security-groups/:id', (req, call) => {
    const group = call.store.securityGroups.get(req.params['id'] ?? '');
    if (!group) return err(404, 'SecurityGroupNotFound', `Security group ${req.params['id']} does not exist`);
    const b = isObject(call.req.body) ? call.req.body['security_group'] : undefined;
    if (!isObject(b)) return err(400, 'BadRequest', 'Bad security_group request: Resource body required.');
    const readOnly = ['project_id', 'tenant_id', 'stateful'].find((key) => key in b);
    if (readOnly) return err(400, 'HTTPBadRequest', `Cannot update read-only attribute ${readOnly}`);
    if (group.name === 'default' && typeof b['name'] === 'string' && b['name'] !== 'default') return err(409, 'SecurityGroupCannotUpdateDefault', 'Updating default security group not allowed.');
    call.store.securityGroups.update(group, (g) => {
      if (typeof b['name'] === 'string') g.name = b['name'];
      if (typeof b['description'] === 'string') g.description = b['description'];
    });
    return json(200, { security_group: render.securityGroup(call, group) });
  });
}
