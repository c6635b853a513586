/**
 * Neutron's updates (`PUT /v2.0/{networks,subnets,routers,ports}/{id}`) and the attributes they
 * share with create: allowed address pairs, router static routes (extraroute) and writable
 * network MTUs, with the checks and messages of Zed's Neutron (neutron/api/v2/base.py,
 * extraroute_db.py, ml2/plugin.py) and neutron-lib's validators and exceptions.
 *
 * A PUT body may only name attributes the resource accepts in a PUT: anything else it renders
 * is `Cannot update read-only attribute X`, anything it does not know `Unrecognized attribute(s)`.
 */
import { json, type Router, type SimResponse } from './http.js';
import type { NeutronCall, NeutronRenderers } from './neutron-writes.js';
import { pyRepr } from './nova-common.js';
import { addRouterAndGroupUpdates, changeGateway } from './neutron-router-updates.js';
import { ipToInt } from './scenarios/builder.js';
import type { AddressPair, CloudStore, Network, Port } from './store.js';

type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
type Err = NeutronRenderers['error'];

/** neutron.conf defaults: `max_allowed_address_pair`, `max_routes`, `global_physnet_mtu`. */
export const MAX_ALLOWED_ADDRESS_PAIRS = 10;
export const MAX_ROUTES = 30;
const PHYSNET_MTU = 1500;
/** What a VXLAN header over IPv4 costs (ml2 type driver); flat and VLAN networks get the whole physnet MTU. */
const VXLAN_OVERHEAD = 50;

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const MAC = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/;

function isCidr(text: string): boolean {
  const [ip = '', bits, ...rest] = text.split('/');
  return rest.length === 0 && IPV4.test(ip) && bits !== undefined && /^\d+$/.test(bits) && Number(bits) <= 32;
}

/** The largest MTU a network of this type may have (ml2 `_get_network_mtu`). */
export function maxMtu(network: Pick<Network, 'providerNetworkType'>): number {
  return network.providerNetworkType === 'vxlan' ? PHYSNET_MTU - VXLAN_OVERHEAD : PHYSNET_MTU;
}

/** `Requested MTU is too big`, as ml2 refuses a create or update over the segment's maximum. */
export function mtuRefusal(err: Err, network: Pick<Network, 'providerNetworkType'>, mtu: unknown): SimResponse | undefined {
  if (mtu === undefined) return undefined;
  if (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < 68) {
    return err(400, 'HTTPBadRequest', `Invalid input for mtu. Reason: '${String(mtu)}' is too small - must be at least '68'.`);
  }
  const max = maxMtu(network);
  return mtu > max ? err(400, 'InvalidInput', `Invalid input for operation: Requested MTU is too big, maximum is ${max}.`) : undefined;
}

/**
 * neutron-lib's `_validate_allowed_address_pairs`, then the pairs as stored: a pair without a
 * MAC takes the port's own. Returns the refusal when the request is invalid.
 */
export function addressPairsOf(err: Err, raw: unknown, portMac: string): AddressPair[] | SimResponse {
  if (!Array.isArray(raw)) return err(400, 'HTTPBadRequest', 'Allowed address pairs must be a list.');
  if (raw.length > MAX_ALLOWED_ADDRESS_PAIRS) {
    return err(400, 'AllowedAddressPairExhausted', `The number of allowed address pair exceeds the maximum ${MAX_ALLOWED_ADDRESS_PAIRS}.`);
  }
  const seen = new Set<string>();
  const pairs: AddressPair[] = [];
  for (const pair of raw) {
    if (!isObject(pair)) return err(400, 'HTTPBadRequest', `Invalid input for allowed_address_pairs. Reason: '${pyRepr(pair)}' is not a dictionary.`);
    const mac = pair['mac_address'];
    if (mac !== undefined && (typeof mac !== 'string' || !MAC.test(mac))) return err(400, 'HTTPBadRequest', `'${String(mac)}' is not a valid MAC address`);
    const ip = pair['ip_address'];
    if (ip === undefined) return err(400, 'AllowedAddressPairsMissingIP', 'AllowedAddressPair must contain ip_address');
    const key = `${String(mac)}|${String(ip)}`;
    if (seen.has(key)) {
      return err(400, 'DuplicateAddressPairInRequest', `Request contains duplicate address pair: mac_address ${mac === undefined ? 'None' : String(mac)} ip_address ${String(ip)}.`);
    }
    seen.add(key);
    const extra = Object.keys(pair).filter((k) => k !== 'mac_address' && k !== 'ip_address');
    if (extra.length > 0) return err(400, 'HTTPBadRequest', `Unrecognized attribute(s) '${extra.join(', ')}'`);
    const text = String(ip);
    const valid = text.includes('/') ? isCidr(text) : IPV4.test(text);
    if (typeof ip !== 'string' || !valid) return err(400, 'HTTPBadRequest', `'${text}' is not a valid ${text.includes('/') ? 'IP subnet' : 'IP address'}`);
    pairs.push({ ipAddress: text, macAddress: typeof mac === 'string' ? mac : portMac });
  }
  return pairs;
}

/** Pairs need port security (ml2 `_check_update_has_allowed_address_pairs`). */
export function pairsNeedPortSecurity(err: Err, pairs: readonly AddressPair[], portSecurity: boolean): SimResponse | undefined {
  return pairs.length > 0 && !portSecurity
    ? err(409, 'AddressPairAndPortSecurityRequired', 'Port Security must be enabled in order to have allowed address pairs on a port.')
    : undefined;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '0.0.0.0', bits = '32'] = cidr.split('/');
  const start = ipToInt(base);
  const n = ipToInt(ip);
  return n >= start && n < start + 2 ** (32 - Number(bits));
}

/** extraroute's `_validate_routes`: each next hop on a subnet of the router's ports, and not one of their addresses. */
function routesOf(err: Err, store: CloudStore, routerId: string, raw: unknown): { destination: string; nexthop: string }[] | SimResponse {
  const routes = raw === null ? [] : raw;
  if (!Array.isArray(routes) || !routes.every((x) => isObject(x) && typeof x['destination'] === 'string' && typeof x['nexthop'] === 'string')) {
    return err(400, 'HTTPBadRequest', `Invalid input for routes. Reason: Invalid data format for hostroute: '${pyRepr(raw)}'.`);
  }
  const list = (routes as Body[]).map((x) => ({ destination: String(x['destination']), nexthop: String(x['nexthop']) }));
  const bad = list.find((x) => !isCidr(x.destination) || !IPV4.test(x.nexthop));
  if (bad) return err(400, 'HTTPBadRequest', `Invalid input for routes. Reason: '${bad.destination}' is not a valid IP subnet.`);
  if (list.length > MAX_ROUTES) {
    return err(400, 'RoutesExhausted', `Unable to complete operation for ${routerId}. The number of routes exceeds the maximum ${MAX_ROUTES}.`);
  }
  const fixed = store.ports.by('device', routerId).flatMap((p) => p.fixedIps);
  const cidrs = fixed.map((ip) => store.subnets.get(ip.subnetId)?.cidr).filter((c): c is string => c !== undefined);
  for (const route of list) {
    const why = !cidrs.some((c) => inCidr(route.nexthop, c)) ? 'the nexthop is not connected with router'
      : fixed.some((ip) => ip.ipAddress === route.nexthop) ? 'the nexthop is used by router' : undefined;
    if (why) return err(400, 'InvalidRoutes', `Invalid format for routes: ${pyRepr(routes)}, ${why}`);
  }
  return list;
}

/** Refuses attributes a PUT may not carry: read-only ones (rendered) and unknown ones. */
function putRefusal(err: Err, body: Body, writable: readonly string[], rendered: Body): SimResponse | undefined {
  const unknown = Object.keys(body).filter((k) => !writable.includes(k) && !(k in rendered));
  if (unknown.length > 0) return err(400, 'HTTPBadRequest', `Unrecognized attribute(s) '${unknown.join(', ')}'`);
  const readOnly = Object.keys(body).find((k) => !writable.includes(k));
  return readOnly ? err(400, 'HTTPBadRequest', `Cannot update read-only attribute ${readOnly}`) : undefined;
}

const NETWORK_PUT = ['name', 'description', 'admin_state_up', 'mtu', 'shared', 'port_security_enabled', 'router:external'];
const SUBNET_PUT = ['name', 'description', 'gateway_ip', 'enable_dhcp', 'dns_nameservers', 'host_routes', 'allocation_pools', 'service_types'];
const ROUTER_PUT = ['name', 'description', 'admin_state_up', 'routes', 'external_gateway_info'];
const PORT_PUT = ['name', 'description', 'admin_state_up', 'security_groups', 'allowed_address_pairs', 'port_security_enabled', 'device_id', 'device_owner', 'binding:host_id'];

export function addNeutronUpdates(r: Router<NeutronCall>, render: NeutronRenderers): void {
  const err = render.error;
  addRouterAndGroupUpdates(r, render);
  /** The resource body of a PUT (undefined: none, see `missing`). */
  const bodyOf = (call: NeutronCall, key: string): Body | undefined => {
    const b = isObject(call.req.body) ? call.req.body[key] : undefined;
    return isObject(b) ? b : undefined;
  };
  const missing = (key: string): SimResponse => err(400, 'HTTPBadRequest', `Bad ${key} request: Resource body required.`);

  r.add('PUT', '/v2.0/networks/:id', (req, call) => {
    const network = call.store.networks.get(req.params['id'] ?? '');
    if (!network || (!call.caller.isAdmin && network.projectId !== call.caller.projectId)) return err(404, 'NetworkNotFound', `Network ${req.params['id']} could not be found.`);
    const b = bodyOf(call, 'network');
    if (!b) return missing('network');
    const no = putRefusal(err, b, NETWORK_PUT, render.network(call, network)) ?? mtuRefusal(err, network, b['mtu']);
    if (no) return no;
    call.store.networks.update(network, (n) => {
      if (typeof b['name'] === 'string') n.name = b['name'];
      if (typeof b['description'] === 'string') n.description = b['description'];
      if (typeof b['admin_state_up'] === 'boolean') n.adminStateUp = b['admin_state_up'];
      if (typeof b['mtu'] === 'number') n.mtu = b['mtu'];
      if (typeof b['shared'] === 'boolean') n.shared = b['shared'];
      if (typeof b['port_security_enabled'] === 'boolean') n.portSecurityEnabled = b['port_security_enabled'];
      if (typeof b['router:external'] === 'boolean') n.external = b['router:external'];
    });
    return json(200, { network: render.network(call, network) });
  });

  r.add('PUT', '/v2.0/subnets/:id', (req, call) => {
    const subnet = call.store.subnets.get(req.params['id'] ?? '');
    if (!subnet || (!call.caller.isAdmin && subnet.projectId !== call.caller.projectId)) return err(404, 'SubnetNotFound', `Subnet ${req.params['id']} could not be found.`);
    const b = bodyOf(call, 'subnet');
    if (!b) return missing('subnet');
    const no = putRefusal(err, b, SUBNET_PUT, render.subnet(call, subnet));
    if (no) return no;
    call.store.subnets.update(subnet, (s) => {
      if (typeof b['name'] === 'string') s.name = b['name'];
      if (typeof b['description'] === 'string') s.description = b['description'];
      if ('gateway_ip' in b) s.gatewayIp = str(b['gateway_ip']) ?? null;
      if (typeof b['enable_dhcp'] === 'boolean') s.enableDhcp = b['enable_dhcp'];
      if (Array.isArray(b['dns_nameservers'])) s.dnsNameservers = (b['dns_nameservers'] as unknown[]).map(String);
      if (Array.isArray(b['host_routes'])) s.hostRoutes = (b['host_routes'] as Body[]).map((h) => ({ destination: String(h['destination']), nexthop: String(h['nexthop']) }));
      if (Array.isArray(b['allocation_pools'])) s.allocationPools = (b['allocation_pools'] as Body[]).map((p) => ({ start: String(p['start']), end: String(p['end']) }));
    });
    return json(200, { subnet: render.subnet(call, subnet) });
  });

  r.add('PUT', '/v2.0/routers/:id', (req, call) => {
    const router = call.store.routers.get(req.params['id'] ?? '');
    if (!router || (!call.caller.isAdmin && router.projectId !== call.caller.projectId)) return err(404, 'RouterNotFound', `Router ${req.params['id']} could not be found`);
    const b = bodyOf(call, 'router');
    if (!b) return missing('router');
    const no = putRefusal(err, b, ROUTER_PUT, render.router(call, router));
    if (no) return no;
    const routes = 'routes' in b ? routesOf(err, call.store, router.id, b['routes']) : undefined;
    if (routes !== undefined && !Array.isArray(routes)) return routes;
    if ('external_gateway_info' in b) {
      const refusal = changeGateway(call, router, b['external_gateway_info'], err);
      if (refusal) return refusal;
    }
    call.store.routers.update(router, (x) => {
      if (typeof b['name'] === 'string') x.name = b['name'];
      if (typeof b['description'] === 'string') x.description = b['description'];
      if (typeof b['admin_state_up'] === 'boolean') x.adminStateUp = b['admin_state_up'];
      if (routes) x.routes = routes;
    });
    return json(200, { router: render.router(call, router) });
  });

  r.add('PUT', '/v2.0/ports/:id', (req, call) => {
    const port = call.store.ports.get(req.params['id'] ?? '');
    if (!port || (!call.caller.isAdmin && port.projectId !== call.caller.projectId)) return err(404, 'PortNotFound', `Port ${req.params['id']} could not be found.`);
    const b = bodyOf(call, 'port');
    if (!b) return missing('port');
    const no = putRefusal(err, b, PORT_PUT, render.port(call, port));
    if (no) return no;
    const pairs = 'allowed_address_pairs' in b ? addressPairsOf(err, b['allowed_address_pairs'] ?? [], port.macAddress) : undefined;
    if (pairs !== undefined && !Array.isArray(pairs)) return pairs;
    const security = typeof b['port_security_enabled'] === 'boolean' ? b['port_security_enabled'] : port.portSecurityEnabled;
    const groups = Array.isArray(b['security_groups']) ? (b['security_groups'] as unknown[]).map(String) : port.securityGroupIds;
    const conflict = pairsNeedPortSecurity(err, pairs ?? port.allowedAddressPairs ?? [], security) ?? portSecurityRefusal(err, security, groups);
    if (conflict) return conflict;
    for (const g of groups) if (!call.store.securityGroups.get(g)) return err(404, 'SecurityGroupNotFound', `Security group ${g} does not exist`);
    const deviceActive = call.store.servers.get(port.deviceId)?.status === 'ACTIVE';
    call.store.ports.update(port, (p) => applyPortUpdate(p, b, { pairs, security, groups, deviceActive }));
    return json(200, { port: render.port(call, port) });
  });
}

/** ml2 refuses a port without port security that still has security groups. */
function portSecurityRefusal(err: Err, security: boolean, groups: readonly string[]): SimResponse | undefined {
  return !security && groups.length > 0
    ? err(409, 'PortSecurityPortHasSecurityGroup', 'Port has security group associated. Cannot disable port security or ip address until security group is removed')
    : undefined;
}

function applyPortUpdate(p: Port, b: Body, checked: { pairs: AddressPair[] | undefined; security: boolean; groups: string[]; deviceActive: boolean }): void {
  if (typeof b['name'] === 'string') p.name = b['name'];
  if (typeof b['description'] === 'string') p.description = b['description'];
  if (typeof b['admin_state_up'] === 'boolean') {
    p.adminStateUp = b['admin_state_up'];
    // As ml2: an admin-down port goes DOWN at once; enabled again, it is ACTIVE when its VIF is plugged (its server runs).
    p.status = p.adminStateUp && checked.deviceActive ? 'ACTIVE' : 'DOWN';
  }
  if (typeof b['device_id'] === 'string') p.deviceId = b['device_id'];
  if (typeof b['device_owner'] === 'string') p.deviceOwner = b['device_owner'];
  if (typeof b['binding:host_id'] === 'string') p.bindingHostId = b['binding:host_id'];
  if (checked.pairs) p.allowedAddressPairs = checked.pairs;
  p.portSecurityEnabled = checked.security;
  p.securityGroupIds = checked.groups;
}
