/**
 * Neutron's write side: create, update and delete of networks, subnets, routers (gateway,
 * interfaces), ports, floating IPs, security groups and rules, tags and quotas, with Neutron's
 * conflicts (MAC or IP in use, duplicate rule, over quota, in use) and error bodies. Admins may
 * create for another project (`project_id`/`tenant_id`); others only for their own.
 */
import { randomUUID } from 'node:crypto';
import { json, type Router, type SimRequest, type SimResponse } from './http.js';
import { addressPairsOf, maxMtu, mtuRefusal, pairsNeedPortSecurity } from './neutron-updates.js';
import { defaultGroup, freeAddress, randomMac } from './nova-ports.js';
import { ipToInt, intToIp } from './scenarios/builder.js';
import type { ServiceContext } from './service.js';
import type { CloudStore, FixedIp, FloatingIp, Network, Port, Router as NeutronRouter, SecurityGroup, SecurityGroupRule, Subnet } from './store.js';
import type { AuthContext } from './tokens.js';

export interface NeutronCall { req: SimRequest; ctx: ServiceContext; caller: AuthContext; store: CloudStore }
type Render<T> = (call: NeutronCall, row: T) => Record<string, unknown>;
export interface NeutronRenderers {
  network: Render<Network>; subnet: Render<Subnet>; port: Render<Port>; router: Render<NeutronRouter>;
  floatingIp: Render<FloatingIp>; securityGroup: Render<SecurityGroup>; rule: Render<SecurityGroupRule>;
  error(status: number, type: string, message: string): SimResponse;
}

type Body = Record<string, unknown>;
export const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function addNeutronWrites(r: Router<NeutronCall>, render: NeutronRenderers): void {
  const err = render.error;
  const body = (call: NeutronCall, key: string): Body | undefined => {
    const b = isObject(call.req.body) ? call.req.body[key] : undefined;
    return isObject(b) ? b : undefined;
  };
  const missing = (key: string): SimResponse => err(400, 'BadRequest', `Bad ${key} request: Resource body required.`);
  /** The project a create is for: the body's (admins only) or the caller's. */
  const ownerOf = (call: NeutronCall, b: Body): string | SimResponse => {
    const asked = str(b['project_id']) ?? str(b['tenant_id']);
    if (asked && asked !== call.caller.projectId && !call.caller.isAdmin) return err(403, 'HTTPForbidden', "(rule:create_network and rule:create_network:tenant_id) is disallowed by policy");
    const owner = asked ?? call.caller.projectId ?? '';
    defaultGroup(call.store, owner); // Neutron creates a project's default group the first time it sees the project
    return owner;
  };
  const overQuota = (call: NeutronCall, projectId: string, resource: string): SimResponse | undefined => {
    const limit = call.store.quotaFor('network', projectId)[resource] ?? -1;
    const used = call.store.quotaUsage('network', projectId)[resource] ?? 0;
    return limit >= 0 && used >= limit ? err(409, 'OverQuota', `Quota exceeded for resources: ['${resource}'].`) : undefined;
  };
  const now = (): number => Date.now();
  const tagsOf = (b: Body): string[] => (Array.isArray(b['tags']) ? (b['tags'] as unknown[]).map(String) : []);

  // ---- networks ----
  r.add('POST', '/v2.0/networks', (_req, call) => {
    const b = body(call, 'network');
    if (!b) return missing('network');
    const owner = ownerOf(call, b);
    if (typeof owner !== 'string') return owner;
    const quota = overQuota(call, owner, 'network');
    if (quota) return quota;
    const external = b['router:external'] === true;
    const type = str(b['provider:network_type']) ?? (external ? 'flat' : 'vxlan');
    const badMtu = mtuRefusal(err, { providerNetworkType: type }, b['mtu']);
    if (badMtu) return badMtu;
    const net = call.store.networks.insert({
      id: randomUUID(), name: str(b['name']) ?? '', projectId: owner, shared: b['shared'] === true, external, adminStateUp: b['admin_state_up'] !== false,
      status: 'ACTIVE', mtu: typeof b['mtu'] === 'number' ? b['mtu'] : maxMtu({ providerNetworkType: type }), portSecurityEnabled: b['port_security_enabled'] !== false,
      providerNetworkType: type, providerPhysicalNetwork: str(b['provider:physical_network']) ?? null,
      providerSegmentationId: type === 'vxlan' ? 1000 + call.store.networks.size : null, availabilityZoneHints: stringList(b['availability_zone_hints']), tags: tagsOf(b),
      description: str(b['description']) ?? '', createdAt: now(),
    });
    return json(201, { network: render.network(call, net) });
  });

  // ---- subnets ----
  r.add('POST', '/v2.0/subnets', (_req, call) => {
    const b = body(call, 'subnet');
    if (!b) return missing('subnet');
    const network = call.store.networks.get(str(b['network_id']) ?? '');
    if (!network) return err(404, 'NetworkNotFound', `Network ${String(b['network_id'])} could not be found.`);
    const owner = ownerOf(call, b);
    if (typeof owner !== 'string') return owner;
    const cidr = str(b['cidr']);
    const match = cidr ? /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr) : null;
    if (!cidr || !match || Number(match[2]) > 30) return err(400, 'BadRequest', `Invalid input for cidr. Reason: '${cidr ?? ''}' is not a valid IP subnet.`);
    const first = ipToInt(match[1] ?? '0.0.0.0');
    const size = 2 ** (32 - Number(match[2]));
    for (const other of call.store.subnets.by('network', network.id)) {
      const [base = '0.0.0.0', bits = '32'] = other.cidr.split('/');
      const o = ipToInt(base);
      if (first < o + 2 ** (32 - Number(bits)) && o < first + size) {
        return err(400, 'BadRequest', `Invalid input for operation: Requested subnet with cidr: ${cidr} for network: ${network.id} overlaps with another subnet.`);
      }
    }
    const quota = overQuota(call, owner, 'subnet');
    if (quota) return quota;
    const gateway = 'gateway_ip' in b ? (b['gateway_ip'] as string | null) : intToIp(first + 1);
    const pools = Array.isArray(b['allocation_pools']) && b['allocation_pools'].length > 0
      ? (b['allocation_pools'] as Array<{ start: string; end: string }>).map((p) => ({ start: p.start, end: p.end }))
      : [{ start: intToIp(first + (gateway === intToIp(first + 1) ? 2 : 1)), end: intToIp(first + size - 2) }];
    const subnet = call.store.subnets.insert({
      id: randomUUID(), name: str(b['name']) ?? '', networkId: network.id, projectId: owner, ipVersion: 4, cidr, gatewayIp: gateway,
      allocationPools: pools, enableDhcp: b['enable_dhcp'] !== false, dnsNameservers: Array.isArray(b['dns_nameservers']) ? (b['dns_nameservers'] as string[]) : [],
      hostRoutes: Array.isArray(b['host_routes']) ? (b['host_routes'] as Array<{ destination: string; nexthop: string }>) : [], tags: tagsOf(b),
      description: str(b['description']) ?? '', createdAt: now(),
    });
    return json(201, { subnet: render.subnet(call, subnet) });
  });

  // ---- ports ----
  const allocate = (call: NeutronCall, network: Network, requested: unknown): FixedIp[] | SimResponse => {
    const wanted = Array.isArray(requested) ? (requested as Body[]) : [];
    const subnets = call.store.subnets.by('network', network.id);
    if (wanted.length === 0) {
      const subnet = subnets.find((s) => s.allocationPools.length > 0);
      if (!subnet) return [];
      const ip = freeAddress(call.store, subnet);
      if (!ip) return err(409, 'IpAddressGenerationFailure', `No more IP addresses available on network ${network.id}.`);
      return [{ subnetId: subnet.id, ipAddress: ip }];
    }
    const out: FixedIp[] = [];
    for (const w of wanted) {
      const subnet = subnets.find((s) => s.id === w['subnet_id']) ?? subnets[0];
      if (!subnet) return err(400, 'BadRequest', `Invalid input for operation: subnet ${String(w['subnet_id'])} is not on network ${network.id}.`);
      const ip = str(w['ip_address']) ?? freeAddress(call.store, subnet);
      if (!ip) return err(409, 'IpAddressGenerationFailure', `No more IP addresses available on network ${network.id}.`);
      const holder = call.store.ports.by('network', network.id).find((p) => p.fixedIps.some((x) => x.ipAddress === ip));
      if (holder) return err(409, 'IpAddressAlreadyAllocated', `IP address ${ip} already allocated in subnet ${subnet.id}`);
      out.push({ subnetId: subnet.id, ipAddress: ip });
    }
    return out;
  };
  r.add('POST', '/v2.0/ports', (_req, call) => {
    const b = body(call, 'port');
    if (!b) return missing('port');
    const network = call.store.networks.get(str(b['network_id']) ?? '');
    if (!network) return err(404, 'NetworkNotFound', `Network ${String(b['network_id'])} could not be found.`);
    const owner = ownerOf(call, b);
    if (typeof owner !== 'string') return owner;
    // Policy create_port:mac_address: the network's owner (or an admin) may choose the MAC.
    if (b['mac_address'] !== undefined && !call.caller.isAdmin && network.projectId !== call.caller.projectId) {
      return err(403, 'HTTPForbidden', '(rule:create_port and rule:create_port:mac_address) is disallowed by policy');
    }
    const mac = str(b['mac_address']) ?? randomMac();
    if (call.store.ports.by('network', network.id).some((p) => p.macAddress === mac)) {
      return err(409, 'MacAddressInUse', `Unable to complete operation for network ${network.id}. The mac address ${mac} is in use.`);
    }
    const quota = overQuota(call, owner, 'port');
    if (quota) return quota;
    const fixedIps = allocate(call, network, b['fixed_ips']);
    if (!Array.isArray(fixedIps)) return fixedIps;
    // A port inherits its network's port security; without it, it gets no default group.
    const security = typeof b['port_security_enabled'] === 'boolean' ? b['port_security_enabled'] : network.portSecurityEnabled;
    const asked = Array.isArray(b['security_groups']) ? (b['security_groups'] as unknown[]).map(String) : undefined;
    if (!security && asked && asked.length > 0) {
      return err(400, 'PortSecurityAndIPRequiredForSecurityGroups', 'Port security must be enabled and port must have an IP address in order to use security groups.');
    }
    const groups = asked ?? (security ? [defaultGroup(call.store, owner).id] : []);
    for (const g of groups) if (!call.store.securityGroups.get(g)) return err(404, 'SecurityGroupNotFound', `Security group ${g} does not exist`);
    const pairs = b['allowed_address_pairs'] === undefined ? [] : addressPairsOf(err, b['allowed_address_pairs'], mac);
    if (!Array.isArray(pairs)) return pairs;
    const insecure = pairsNeedPortSecurity(err, pairs, security);
    if (insecure) return insecure;
    const port = call.store.ports.insert({
      id: randomUUID(), name: str(b['name']) ?? '', networkId: network.id, projectId: owner, macAddress: mac, fixedIps,
      deviceOwner: str(b['device_owner']) ?? '', deviceId: str(b['device_id']) ?? '', bindingHostId: str(b['binding:host_id']) ?? '',
      securityGroupIds: groups, status: 'DOWN', adminStateUp: b['admin_state_up'] !== false, portSecurityEnabled: security,
      tags: tagsOf(b), description: str(b['description']) ?? '', createdAt: now(), allowedAddressPairs: pairs,
    });
    return json(201, { port: render.port(call, port) });
  });
  // ---- routers ----
  r.add('POST', '/v2.0/routers', (_req, call) => {
    const b = body(call, 'router');
    if (!b) return missing('router');
    const owner = ownerOf(call, b);
    if (typeof owner !== 'string') return owner;
    const quota = overQuota(call, owner, 'router');
    if (quota) return quota;
    const gateway = gatewayOf(call, b['external_gateway_info'], err);
    if (gateway && !('networkId' in gateway)) return gateway;
    const router = call.store.routers.insert({
      id: randomUUID(), name: str(b['name']) ?? '', projectId: owner, status: 'ACTIVE', adminStateUp: b['admin_state_up'] !== false,
      externalGateway: gateway as NeutronRouter['externalGateway'], routes: [], tags: tagsOf(b), description: str(b['description']) ?? '', createdAt: now(),
      availabilityZoneHints: stringList(b['availability_zone_hints']),
    });
    plugGateway(call, router);
    return json(201, { router: render.router(call, router) });
  });
  r.add('PUT', '/v2.0/routers/:id/add_router_interface', (req, call) => {
    const router = call.store.routers.get(req.params['id'] ?? '');
    if (!router) return err(404, 'RouterNotFound', `Router ${req.params['id']} could not be found`);
    const b = isObject(call.req.body) ? call.req.body : {};
    const subnet = call.store.subnets.get(str(b['subnet_id']) ?? '');
    if (!subnet) return err(404, 'SubnetNotFound', `Subnet ${String(b['subnet_id'])} could not be found.`);
    if (call.store.ports.by('device', router.id).some((p) => p.fixedIps.some((ip) => ip.subnetId === subnet.id))) {
      return err(400, 'BadRequest', `Bad router request: Router already has a port on subnet ${subnet.id}.`);
    }
    if (!subnet.gatewayIp) return err(400, 'BadRequest', `Bad router request: Subnet ${subnet.id} does not have a gateway IP.`);
    const port = call.store.ports.insert({
      id: randomUUID(), name: '', networkId: subnet.networkId, projectId: router.projectId, macAddress: randomMac(), fixedIps: [{ subnetId: subnet.id, ipAddress: subnet.gatewayIp }],
      deviceOwner: 'network:router_interface', deviceId: router.id, bindingHostId: '', securityGroupIds: [], status: 'ACTIVE',
      adminStateUp: true, portSecurityEnabled: false, tags: [], description: '', createdAt: now(),
    });
    return json(200, { id: router.id, tenant_id: router.projectId, port_id: port.id, subnet_id: subnet.id, subnet_ids: [subnet.id], network_id: subnet.networkId, tags: [] });
  });

  // ---- floating IPs ----
  r.add('POST', '/v2.0/floatingips', (_req, call) => {
    const b = body(call, 'floatingip');
    if (!b) return missing('floatingip');
    const network = call.store.networks.get(str(b['floating_network_id']) ?? '');
    if (!network) return err(404, 'NetworkNotFound', `Network ${String(b['floating_network_id'])} could not be found.`);
    if (!network.external) return err(400, 'BadRequest', `Bad floatingip request: Network ${network.id} is not a valid external network.`);
    const owner = ownerOf(call, b);
    if (typeof owner !== 'string') return owner;
    const quota = overQuota(call, owner, 'floatingip');
    if (quota) return quota;
    const subnet = call.store.subnets.by('network', network.id)[0];
    if (!subnet) return err(400, 'BadRequest', `Bad floatingip request: Network ${network.id} has no subnet.`);
    const asked = str(b['floating_ip_address']);
    const taken = (ip: string) => call.store.ports.by('network', network.id).some((p) => p.fixedIps.some((x) => x.ipAddress === ip)) || call.store.floatingIps.all().some((f) => f.floatingIpAddress === ip);
    if (asked && taken(asked)) return err(409, 'IpAddressAlreadyAllocated', `IP address ${asked} already allocated in subnet ${subnet.id}`);
    const address = asked ?? freeFloating(subnet, taken);
    if (!address) return err(409, 'IpAddressGenerationFailure', `No more IP addresses available on network ${network.id}.`);
    const fip = call.store.floatingIps.insert({
      id: randomUUID(), projectId: owner, floatingNetworkId: network.id, floatingIpAddress: address, portId: null, fixedIpAddress: null, routerId: null,
      status: 'DOWN', description: str(b['description']) ?? '', tags: tagsOf(b), createdAt: now(),
    });
    const port = str(b['port_id']);
    if (port) {
      const associated = associate(call, fip, port);
      if (associated) {
        call.store.floatingIps.delete(fip.id);
        return associated;
      }
    }
    return json(201, { floatingip: render.floatingIp(call, fip) });
  });
  const associate = (call: NeutronCall, fip: FloatingIp, portId: string | null): SimResponse | undefined => {
    if (portId === null) {
      call.store.floatingIps.update(fip, (f) => Object.assign(f, { portId: null, fixedIpAddress: null, routerId: null, status: 'DOWN' }));
      return undefined;
    }
    const port = call.store.ports.get(portId);
    if (!port) return err(404, 'PortNotFound', `Port ${portId} could not be found.`);
    const ip = port.fixedIps[0];
    const router = call.store.routers.all().find((rt) => rt.externalGateway?.networkId === fip.floatingNetworkId
      && call.store.ports.by('device', rt.id).some((p) => p.deviceOwner === 'network:router_interface' && p.fixedIps.some((x) => x.subnetId === ip?.subnetId)));
    if (!ip || !router) {
      return err(404, 'ExternalGatewayForFloatingIPNotFound', `External network ${fip.floatingNetworkId} is not reachable from subnet ${ip?.subnetId ?? '?'}.  Therefore, cannot associate Port ${portId} with a Floating IP.`);
    }
    call.store.floatingIps.update(fip, (f) => Object.assign(f, { portId, fixedIpAddress: ip.ipAddress, routerId: router.id, status: 'ACTIVE' }));
    return undefined;
  };
  r.add('PUT', '/v2.0/floatingips/:id', (req, call) => {
    const fip = call.store.floatingIps.get(req.params['id'] ?? '');
    if (!fip) return err(404, 'FloatingIPNotFound', `Floating IP ${req.params['id']} could not be found`);
    const b = body(call, 'floatingip');
    if (!b) return missing('floatingip');
    if ('port_id' in b) {
      const refused = associate(call, fip, (b['port_id'] as string | null) ?? null);
      if (refused) return refused;
    }
    if (typeof b['description'] === 'string') fip.description = b['description'];
    return json(200, { floatingip: render.floatingIp(call, fip) });
  });
  // Releasing an address (a warm cutover moves it to the other cloud): only its project or an admin.
  r.add('DELETE', '/v2.0/floatingips/:id', (req, call) => {
    const fip = call.store.floatingIps.get(req.params['id'] ?? '');
    if (!fip || (!call.caller.isAdmin && fip.projectId !== call.caller.projectId)) return err(404, 'FloatingIPNotFound', `Floating IP ${req.params['id']} could not be found`);
    call.store.floatingIps.delete(fip.id);
    // Its address goes with it: the scenario's floating IPs hold a `network:floatingip` port.
    for (const port of call.store.ports.by('device', fip.id)) if (port.deviceOwner === 'network:floatingip') call.store.ports.delete(port.id);
    return { status: 204 };
  });

  // ---- security groups and rules ----
  r.add('POST', '/v2.0/security-groups', (_req, call) => {
    const b = body(call, 'security_group');
    if (!b) return missing('security_group');
    const owner = ownerOf(call, b);
    if (typeof owner !== 'string') return owner;
    // Every project has its own `default` group (made above if it was missing); a second one is refused.
    if (b['name'] === 'default') return err(409, 'SecurityGroupDefaultAlreadyExists', 'Default security group already exists.');
    const quota = overQuota(call, owner, 'security_group');
    if (quota) return quota;
    const group = call.store.securityGroups.insert({
      id: randomUUID(), name: str(b['name']) ?? '', projectId: owner, description: str(b['description']) ?? '', stateful: b['stateful'] !== false, tags: tagsOf(b), createdAt: now(),
    });
    // Neutron gives every new group an egress rule per ethertype.
    for (const ethertype of ['IPv4', 'IPv6'] as const) {
      call.store.securityGroupRules.insert({
        id: randomUUID(), securityGroupId: group.id, projectId: owner, direction: 'egress', ethertype, protocol: null, portRangeMin: null, portRangeMax: null,
        remoteIpPrefix: null, remoteGroupId: null, description: '', createdAt: now(),
      });
    }
    return json(201, { security_group: render.securityGroup(call, group) });
  });
  r.add('POST', '/v2.0/security-group-rules', (_req, call) => {
    const b = body(call, 'security_group_rule');
    if (!b) return missing('security_group_rule');
    const group = call.store.securityGroups.get(str(b['security_group_id']) ?? '');
    if (!group) return err(404, 'SecurityGroupNotFound', `Security group ${String(b['security_group_id'])} does not exist`);
    const remote = str(b['remote_group_id']) ?? null;
    if (remote && !call.store.securityGroups.get(remote)) return err(404, 'SecurityGroupNotFound', `Security group ${remote} does not exist`);
    const rule: Omit<SecurityGroupRule, 'id' | 'createdAt'> = {
      securityGroupId: group.id, projectId: group.projectId, direction: b['direction'] === 'egress' ? 'egress' : 'ingress',
      ethertype: b['ethertype'] === 'IPv6' ? 'IPv6' : 'IPv4', protocol: str(b['protocol']) ?? null,
      portRangeMin: typeof b['port_range_min'] === 'number' ? b['port_range_min'] : null, portRangeMax: typeof b['port_range_max'] === 'number' ? b['port_range_max'] : null,
      remoteIpPrefix: str(b['remote_ip_prefix']) ?? null, remoteGroupId: remote, description: str(b['description']) ?? '',
    };
    const same = call.store.securityGroupRules.by('group', group.id).find((x) => x.direction === rule.direction && x.ethertype === rule.ethertype
      && x.protocol === rule.protocol && x.portRangeMin === rule.portRangeMin && x.portRangeMax === rule.portRangeMax
      && x.remoteIpPrefix === rule.remoteIpPrefix && x.remoteGroupId === rule.remoteGroupId);
    if (same) return err(409, 'SecurityGroupRuleExists', `Security group rule already exists. Rule id is ${same.id}.`);
    const quota = overQuota(call, group.projectId, 'security_group_rule');
    if (quota) return quota;
    const created = call.store.securityGroupRules.insert({ ...rule, id: randomUUID(), createdAt: now() });
    return json(201, { security_group_rule: render.rule(call, created) });
  });
  r.add('DELETE', '/v2.0/security-group-rules/:id', (req, call) => {
    const rule = call.store.securityGroupRules.get(req.params['id'] ?? '');
    if (!rule) return err(404, 'SecurityGroupRuleNotFound', `Security group rule ${req.params['id']} does not exist`);
    call.store.securityGroupRules.delete(rule.id);
    return { status: 204 };
  });

  // ---- tags (replace all) and quotas ----
  const taggable: Record<string, (s: CloudStore) => { get(id: string): { tags: string[] } | undefined }> = {
    networks: (s) => s.networks, subnets: (s) => s.subnets, ports: (s) => s.ports, routers: (s) => s.routers,
    floatingips: (s) => s.floatingIps, 'security-groups': (s) => s.securityGroups,
  };
  for (const [collection, table] of Object.entries(taggable)) {
    r.add('PUT', `/v2.0/${collection}/:id/tags`, (req, call) => {
      const row = table(call.store).get(req.params['id'] ?? '');
      if (!row) return err(404, 'NotFound', `${collection} ${req.params['id']} could not be found.`);
      const tags = isObject(call.req.body) && Array.isArray(call.req.body['tags']) ? (call.req.body['tags'] as unknown[]).map(String) : undefined;
      if (!tags) return err(400, 'BadRequest', 'Invalid input for tags. Reason: tags is a required list.');
      row.tags = [...new Set(tags)];
      return json(200, { tags: row.tags });
    });
  }
  r.add('PUT', '/v2.0/quotas/:project', (req, call) => {
    if (!call.caller.isAdmin) return err(403, 'HTTPForbidden', 'rule:update_quota is disallowed by policy');
    const b = body(call, 'quota');
    if (!b) return missing('quota');
    const projectId = req.params['project'] ?? '';
    const current = call.store.quotas.get(projectId) ?? {};
    const network = { ...(current.network ?? {}) };
    for (const [key, value] of Object.entries(b)) if (typeof value === 'number') network[key] = value;
    call.store.quotas.set(projectId, { ...current, network });
    return json(200, { quota: call.store.quotaFor('network', projectId) });
  });
}

function freeFloating(subnet: Subnet, taken: (ip: string) => boolean): string | undefined {
  for (const pool of subnet.allocationPools) {
    for (let n = ipToInt(pool.start); n <= ipToInt(pool.end); n++) if (!taken(intToIp(n))) return intToIp(n);
  }
  return undefined;
}

/** The gateway a router body asks for: null for none, or the refusal. */
export function gatewayOf(call: NeutronCall, info: unknown, err: NeutronRenderers['error']): NeutronRouter['externalGateway'] | SimResponse {
  if (!isObject(info) || info['network_id'] === undefined) return null;
  const network = call.store.networks.get(str(info['network_id']) ?? '');
  if (!network) return err(404, 'NetworkNotFound', `Network ${String(info['network_id'])} could not be found.`);
  if (!network.external) return err(400, 'BadRequest', `Bad router request: Network ${network.id} is not an external network.`);
  const subnet = call.store.subnets.by('network', network.id)[0];
  const ip = subnet ? freeAddress(call.store, subnet) : undefined;
  return { networkId: network.id, enableSnat: info['enable_snat'] !== false, externalFixedIps: subnet && ip ? [{ subnetId: subnet.id, ipAddress: ip }] : [] };
}

/** The router's port on its external network, as Neutron makes it with the gateway. */
export function plugGateway(call: NeutronCall, router: NeutronRouter): void {
  const gw = router.externalGateway;
  if (!gw) return;
  call.store.ports.insert({
    id: randomUUID(), name: '', networkId: gw.networkId, projectId: '', macAddress: randomMac(), fixedIps: gw.externalFixedIps,
    deviceOwner: 'network:router_gateway', deviceId: router.id, bindingHostId: '', securityGroupIds: [], status: 'ACTIVE',
    adminStateUp: true, portSecurityEnabled: false, tags: [], description: '', createdAt: Date.now(),
  });
}



export const stringList = (v: unknown): string[] => (Array.isArray(v) ? (v as unknown[]).map(String) : []);
