// The simulator's updates of existing objects (Neutron PUTs, Keystone PATCHes of domains and roles,
// Cinder's volume and metadata PUTs), spoken to over plain HTTP as a client would, with the
// refusals Zed's services answer: read-only attributes, port security under security groups or
// address pairs, a gateway or an interface a floating IP goes through, an immutable role.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import { login, originOf, sender, type Reply } from './helpers.js';

describe('simulator: updates of existing objects', () => {
  let sandbox: Sandbox;
  let token = '';
  let origin = '';
  const http = sender();
  const send = (method: string, path: string, body?: unknown): Promise<Reply> => http(method, `${origin}${path}`, token, body);
  const one = async (collection: string, query: string): Promise<any> => {
    const reply = await send('GET', `/network/v2.0/${collection}?${query}`);
    return reply.body[collection.replace(/-/g, '_')][0];
  };

  before(async () => {
    sandbox = await startSandbox({ scenario: 'demo', portBase: 0, hardware: false });
    origin = originOf(sandbox.source);
    token = (await login(sandbox.source)).token;
  });
  after(async () => sandbox.stop());

  test('a network takes admin state, MTU and description; its availability zone hints are read-only', async () => {
    const net = await one('networks', 'name=demo-net');
    const updated = await send('PUT', `/network/v2.0/networks/${net.id}`, { network: { admin_state_up: false, mtu: 1400, description: 'changed' } });
    assert.equal(updated.status, 200);
    assert.deepEqual([updated.body.network.admin_state_up, updated.body.network.mtu, updated.body.network.description], [false, 1400, 'changed']);
    const hints = await send('PUT', `/network/v2.0/networks/${net.id}`, { network: { availability_zone_hints: ['nova'] } });
    assert.equal(hints.status, 400);
    assert.match(hints.body.NeutronError.message, /read-only attribute availability_zone_hints/);
  });

  test('port security goes off only with the security groups and address pairs in the same request', async () => {
    const port = await one('ports', `device_owner=compute:nova&network_id=${(await one('networks', 'name=it-ops-net')).id}`);
    const refused = await send('PUT', `/network/v2.0/ports/${port.id}`, { port: { port_security_enabled: false } });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.NeutronError.type, 'PortSecurityPortHasSecurityGroup');
    const pairs = await send('PUT', `/network/v2.0/ports/${port.id}`, { port: { allowed_address_pairs: [{ ip_address: '10.2.0.200' }] } });
    assert.deepEqual(pairs.body.port.allowed_address_pairs, [{ ip_address: '10.2.0.200', mac_address: port.mac_address }], 'a pair without a MAC takes the port’s');
    const withPairs = await send('PUT', `/network/v2.0/ports/${port.id}`, { port: { port_security_enabled: false, security_groups: [] } });
    assert.equal(withPairs.body.NeutronError.type, 'AddressPairAndPortSecurityRequired');
    const off = await send('PUT', `/network/v2.0/ports/${port.id}`, { port: { port_security_enabled: false, security_groups: [], allowed_address_pairs: [] } });
    assert.equal(off.status, 200);
    assert.deepEqual([off.body.port.port_security_enabled, off.body.port.security_groups], [false, []]);
  });

  test('an admin-down port passes nothing: DOWN on its running server, ACTIVE again once enabled', async () => {
    const store = sandbox.clouds.source.store;
    const running = store.ports.all().find((p) => p.deviceOwner.startsWith('compute:') && store.servers.get(p.deviceId)?.status === 'ACTIVE');
    assert.ok(running, 'the demo has a port on a running server');
    const down = await send('PUT', `/network/v2.0/ports/${running.id}`, { port: { admin_state_up: false } });
    assert.equal(down.status, 200);
    assert.deepEqual([down.body.port.admin_state_up, down.body.port.status], [false, 'DOWN']);
    const up = await send('PUT', `/network/v2.0/ports/${running.id}`, { port: { admin_state_up: true } });
    assert.deepEqual([up.body.port.admin_state_up, up.body.port.status], [true, 'ACTIVE']);
  });

  test('a router keeps the gateway and the interface a floating IP goes through until the floating IP leaves', async () => {
    const router = await one('routers', 'name=demo-router');
    const subnet = await one('subnets', 'name=demo-subnet');
    const gateway = await send('PUT', `/network/v2.0/routers/${router.id}`, { router: { external_gateway_info: {} } });
    assert.equal(gateway.body.NeutronError.type, 'RouterExternalGatewayInUseByFloatingIp');
    const unplug = await send('PUT', `/network/v2.0/routers/${router.id}/remove_router_interface`, { subnet_id: subnet.id });
    assert.equal(unplug.body.NeutronError.type, 'RouterInterfaceInUseByFloatingIP');
    const fips = (await send('GET', `/network/v2.0/floatingips?router_id=${router.id}`)).body.floatingips as Array<{ id: string }>;
    for (const fip of fips) assert.equal((await send('PUT', `/network/v2.0/floatingips/${fip.id}`, { floatingip: { port_id: null } })).status, 200);
    assert.equal((await send('PUT', `/network/v2.0/routers/${router.id}/remove_router_interface`, { subnet_id: subnet.id })).status, 200);
    // With the interface gone, no next hop is connected to the router any more (extraroute refuses one).
    const cleared = await send('PUT', `/network/v2.0/routers/${router.id}`, { router: { external_gateway_info: {}, routes: [] } });
    assert.equal(cleared.body.router.external_gateway_info, null);
    assert.deepEqual(cleared.body.router.routes, []);
    const left = (await send('GET', `/network/v2.0/ports?device_id=${router.id}`)).body.ports as unknown[];
    assert.deepEqual(left, [], 'neither the gateway port nor the interface is left');
  });

  test('Keystone changes an immutable role only in a request that lifts the option; domains take PATCH', async () => {
    const reader = (await send('GET', '/identity/v3/roles?name=reader')).body.roles[0];
    const refused = await send('PATCH', `/identity/v3/roles/${reader.id}`, { role: { description: 'changed' } });
    assert.equal(refused.status, 403);
    const lifted = await send('PATCH', `/identity/v3/roles/${reader.id}`, { role: { description: 'changed', options: { immutable: false } } });
    assert.deepEqual([lifted.status, lifted.body.role.description, lifted.body.role.options], [200, 'changed', {}]);
    const partners = (await send('GET', '/identity/v3/domains?name=partners')).body.domains[0];
    const domain = await send('PATCH', `/identity/v3/domains/${partners.id}`, { domain: { enabled: false, description: 'changed' } });
    assert.deepEqual([domain.body.domain.enabled, domain.body.domain.description], [false, 'changed']);
  });

  test('Cinder: PUT replaces a volume’s metadata, POST merges into it, PUT of the volume sets its description', async () => {
    const project = (await login(sandbox.source)).body.token['project'] as { id: string };
    const volume = sandbox.clouds.source.store.volumes.all().find((v) => v.name === 'db-data')!;
    const base = `/volume/v3/${project.id}/volumes/${volume.id}`;
    await send('PUT', `${base}/metadata`, { metadata: { only: 'this' } });
    const merged = await send('POST', `${base}/metadata`, { metadata: { and: 'that' } });
    assert.deepEqual(merged.body.metadata, { only: 'this', and: 'that' });
    const described = await send('PUT', base, { volume: { description: 'changed' } });
    assert.equal(described.body.volume.description, 'changed');
  });
});
