import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { ApplyReport } from '../../src/apply/apply.js';
import type { Change } from '../../src/diff/changes.js';
import type { ResourceKind } from '../../src/inventory/model.js';
import { classify, MIGRATED_KINDS } from '../../src/model/index.js';
import { renderPlanHuman } from '../../src/render/human/plan.js';
import type { CloudStore } from '../../src/simulator/store.js';
import { InProcessEngine, type PlannedNow } from '../helpers/engine.js';
import { OperatorClient } from '../helpers/operator.js';
import { privateSandbox } from '../helpers/sandbox.js';

/**
 * Drift detection, table-driven from the model (issue 10, item 4). For every settable attribute
 * and every compared reference of every migrated kind, a case changes that field on the TARGET
 * behind Pumphouse's back — through the target's own API with an operator's plain HTTP client,
 * or through the simulator's store where no OpenStack API can change it — then the next plan
 * must show `~ update` naming the field, and an apply must put it back (the plan after shows the
 * object unchanged). Cases that change different objects share a round (drift, plan, apply,
 * plan), so the whole table costs one sandbox, one initial apply and a few rounds.
 */

/** What a case may use to change the target. */
interface DriftWorld {
  op: OperatorClient;
  /** The target id of the copy of (or counterpart to) a source address. */
  copy(address: string): string;
  /** The target cloud's store, for what no OpenStack API can change. */
  target: CloudStore;
}

interface DriftCase {
  /** The source object whose copy drifts; a trailing `*` takes the plan's first address so starting. */
  object: string;
  /** Other objects the change touches: no other case changes them in the same round. */
  touches?: readonly string[];
  /** Changes the field on the copy (`id`: its target id). */
  drift(w: DriftWorld, id: string): Promise<unknown>;
}

const DRIFTED = 'changed behind Pumphouse’s back';
const IT_OPS_PORT = 'port:it-ops/*';
const IT_OPS_FIP = 'floating-ip:it-ops/*';
/** Made on the source by `seedSource`: a small shared image with a member, so no gigabyte is copied. */
const SHARED = 'image:admin/drift-shared';
const CIRROS = 'image:admin/cirros-0.6.2-x86_64-disk';

/** Neutron: the object's tags plus one (the marks stay: the copy is still found by them). */
async function addNeutronTag(w: DriftWorld, collection: string, id: string): Promise<void> {
  const singular = collection === 'security-groups' ? 'security_group' : collection.replace(/s$/, '');
  const current = (await w.op.call('network', 'GET', `/${collection}/${id}`))[singular] as { tags: string[] };
  await w.op.call('network', 'PUT', `/${collection}/${id}/tags`, { tags: [...current.tags, 'drifted'] });
}

const neutronPut = (w: DriftWorld, collection: string, id: string, body: Record<string, unknown>) =>
  w.op.call('network', 'PUT', `/${collection}/${id}`, { [collection === 'security-groups' ? 'security_group' : collection.replace(/s$/, '')]: body });

const imagePatch = (w: DriftWorld, id: string, ...ops: Array<Record<string, unknown>>) => w.op.call('image', 'PATCH', `/images/${id}`, ops);

async function imageId(w: DriftWorld, name: string): Promise<string> {
  const found = await w.op.call<{ images: Array<{ id: string }> }>('image', 'GET', `/images?name=${encodeURIComponent(name)}`);
  return found.images[0]?.id ?? assert.fail(`no image ${name} on the target`);
}

/** A floating IP no longer on its port: Neutron refuses to unplug a router a floating IP goes through. */
const detachFloatingIp = (w: DriftWorld) => neutronPut(w, 'floatingips', w.copy(IT_OPS_FIP), { port_id: null });

/** The table: one case per `<kind>.attributes.<field>` and `<kind>.refs.<role>` the model compares. */
const CASES: Record<string, DriftCase> = {
  'domain.attributes.enabled': { object: 'domain:partners', drift: (w, id) => w.op.call('identity', 'PATCH', `/domains/${id}`, { domain: { enabled: false } }) },
  'domain.attributes.description': { object: 'domain:partners', drift: (w, id) => w.op.call('identity', 'PATCH', `/domains/${id}`, { domain: { description: DRIFTED } }) },

  'project.attributes.enabled': { object: 'project:partners/acme', drift: (w, id) => w.op.call('identity', 'PATCH', `/projects/${id}`, { project: { enabled: false } }) },
  'project.attributes.description': { object: 'project:finance', drift: (w, id) => w.op.call('identity', 'PATCH', `/projects/${id}`, { project: { description: DRIFTED } }) },
  'project.attributes.tags': {
    object: 'project:it-ops',
    drift: async (w, id) => {
      const { project } = await w.op.call<{ project: { tags: string[] } }>('identity', 'GET', `/projects/${id}`);
      await w.op.call('identity', 'PATCH', `/projects/${id}`, { project: { tags: [...project.tags.filter((t) => t !== 'internal'), 'drifted'] } });
    },
  },

  'user.attributes.enabled': { object: 'user:erin', drift: (w, id) => w.op.call('identity', 'PATCH', `/users/${id}`, { user: { enabled: false } }) },
  'user.attributes.email': { object: 'user:dave', drift: (w, id) => w.op.call('identity', 'PATCH', `/users/${id}`, { user: { email: 'someone.else@example.com' } }) },
  'user.attributes.description': { object: 'user:partners/acme-admin', drift: (w, id) => w.op.call('identity', 'PATCH', `/users/${id}`, { user: { description: DRIFTED } }) },
  'user.refs.defaultProject': { object: 'user:carol', drift: (w, id) => w.op.call('identity', 'PATCH', `/users/${id}`, { user: { default_project_id: w.copy('project:finance') } }) },

  // Keystone changes a bootstrap (immutable) role only in a request that lifts the option.
  'role.attributes.description': { object: 'role:reader', drift: (w, id) => w.op.call('identity', 'PATCH', `/roles/${id}`, { role: { description: DRIFTED, options: { immutable: false } } }) },

  'flavor.attributes.description': { object: 'flavor:finance.secure', drift: (w, id) => w.op.call('compute', 'PUT', `/flavors/${id}`, { flavor: { description: DRIFTED } }) },
  'flavor.attributes.extraSpecs': {
    object: 'flavor:finance.secure',
    drift: async (w, id) => {
      await w.op.call('compute', 'POST', `/flavors/${id}/os-extra_specs`, { extra_specs: { 'hw:cpu_policy': 'shared', 'drift:added': 'yes' } });
      await w.op.call('compute', 'DELETE', `/flavors/${id}/os-extra_specs/hw:mem_page_size`);
    },
  },
  'flavor.refs.accessProjects': { object: 'flavor:finance.secure', drift: (w, id) => w.op.call('compute', 'POST', `/flavors/${id}/action`, { removeTenantAccess: { tenant: w.copy('project:finance') } }) },

  'image.attributes.visibility': { object: CIRROS, drift: (w, id) => imagePatch(w, id, { op: 'replace', path: '/visibility', value: 'shared' }) },
  'image.attributes.minDiskGb': { object: SHARED, drift: (w, id) => imagePatch(w, id, { op: 'replace', path: '/min_disk', value: 7 }) },
  'image.attributes.minRamMb': { object: CIRROS, drift: (w, id) => imagePatch(w, id, { op: 'replace', path: '/min_ram', value: 256 }) },
  'image.attributes.protected': { object: SHARED, drift: (w, id) => imagePatch(w, id, { op: 'replace', path: '/protected', value: true }) },
  'image.attributes.hidden': { object: CIRROS, drift: (w, id) => imagePatch(w, id, { op: 'replace', path: '/os_hidden', value: true }) },
  'image.attributes.tags': { object: SHARED, drift: (w, id) => w.op.call('image', 'PUT', `/images/${id}/tags/drifted`) },
  'image.attributes.properties': {
    object: CIRROS,
    drift: (w, id) => imagePatch(w, id, { op: 'replace', path: '/os_distro', value: 'other' }, { op: 'add', path: '/drift_added', value: 'yes' }),
  },
  // The member `seedSource` gave the image (finance); the status of one it does not have cannot change.
  'image.attributes.memberStatus': { object: SHARED, drift: (w, id) => w.op.call('image', 'PUT', `/images/${id}/members/${w.copy('project:finance')}`, { status: 'rejected' }) },
  'image.refs.members': { object: SHARED, drift: (w, id) => w.op.call('image', 'POST', `/images/${id}/members`, { member: w.copy('project:partners/acme') }) },
  'image.refs.kernel': { object: CIRROS, drift: async (w, id) => imagePatch(w, id, { op: 'add', path: '/kernel_id', value: await imageId(w, 'TestVM') }) },
  'image.refs.ramdisk': { object: SHARED, drift: async (w, id) => imagePatch(w, id, { op: 'add', path: '/ramdisk_id', value: await imageId(w, 'TestVM') }) },

  'security-group.attributes.description': { object: 'security-group:it-ops/ssh', drift: (w, id) => neutronPut(w, 'security-groups', id, { description: DRIFTED }) },
  'security-group.attributes.tags': { object: 'security-group:it-ops/default', drift: (w, id) => addNeutronTag(w, 'security-groups', id) },
  'security-group.attributes.rules': {
    object: 'security-group:it-ops/ssh',
    drift: async (w, id) => {
      // One rule removed, one added, one made again with another description (rules cannot be changed).
      type Rule = { id: string; protocol: string | null; port_range_min: number | null; remote_ip_prefix: string | null };
      const { security_group: group } = await w.op.call<{ security_group: { security_group_rules: Rule[] } }>('network', 'GET', `/security-groups/${id}`);
      const rule = (protocol: string) => group.security_group_rules.find((r) => r.protocol === protocol) ?? assert.fail(`no ${protocol} rule on the copy`);
      const [ssh, icmp] = [rule('tcp'), rule('icmp')];
      for (const gone of [ssh, icmp]) await w.op.call('network', 'DELETE', `/security-group-rules/${gone.id}`);
      const add = (spec: Record<string, unknown>) => w.op.call('network', 'POST', '/security-group-rules', { security_group_rule: { security_group_id: id, direction: 'ingress', ethertype: 'IPv4', ...spec } });
      await add({ protocol: 'tcp', port_range_min: 2222, port_range_max: 2222, remote_ip_prefix: '0.0.0.0/0' });
      await add({ protocol: 'icmp', remote_ip_prefix: icmp.remote_ip_prefix, description: DRIFTED });
    },
  },

  'network.attributes.adminStateUp': { object: 'network:it-ops/it-ops-net', drift: (w, id) => neutronPut(w, 'networks', id, { admin_state_up: false }) },
  'network.attributes.shared': { object: 'network:it-ops/it-ops-net', drift: (w, id) => neutronPut(w, 'networks', id, { shared: true }) },
  'network.attributes.mtu': { object: 'network:it-ops/it-ops-net', drift: (w, id) => neutronPut(w, 'networks', id, { mtu: 1400 }) },
  'network.attributes.portSecurityEnabled': { object: 'network:it-ops/it-ops-net', drift: (w, id) => neutronPut(w, 'networks', id, { port_security_enabled: false }) },
  'network.attributes.description': { object: 'network:it-ops/it-ops-net', drift: (w, id) => neutronPut(w, 'networks', id, { description: DRIFTED }) },
  'network.attributes.tags': { object: 'network:it-ops/it-ops-net', drift: (w, id) => addNeutronTag(w, 'networks', id) },

  'subnet.attributes.gatewayIp': { object: 'subnet:it-ops/it-ops-subnet', drift: (w, id) => neutronPut(w, 'subnets', id, { gateway_ip: null }) },
  'subnet.attributes.enableDhcp': { object: 'subnet:it-ops/it-ops-subnet', drift: (w, id) => neutronPut(w, 'subnets', id, { enable_dhcp: false }) },
  'subnet.attributes.allocationPools': { object: 'subnet:it-ops/it-ops-subnet', drift: (w, id) => neutronPut(w, 'subnets', id, { allocation_pools: [{ start: '10.2.0.2', end: '10.2.0.100' }] }) },
  'subnet.attributes.dnsNameservers': { object: 'subnet:it-ops/it-ops-subnet', drift: (w, id) => neutronPut(w, 'subnets', id, { dns_nameservers: ['1.1.1.1'] }) },
  'subnet.attributes.hostRoutes': { object: 'subnet:it-ops/it-ops-subnet', drift: (w, id) => neutronPut(w, 'subnets', id, { host_routes: [{ destination: '192.168.50.0/24', nexthop: '10.2.0.9' }] }) },
  'subnet.attributes.description': { object: 'subnet:it-ops/it-ops-subnet', drift: (w, id) => neutronPut(w, 'subnets', id, { description: DRIFTED }) },
  'subnet.attributes.tags': { object: 'subnet:it-ops/it-ops-subnet', drift: (w, id) => addNeutronTag(w, 'subnets', id) },

  'router.attributes.adminStateUp': { object: 'router:it-ops/it-ops-router', drift: (w, id) => neutronPut(w, 'routers', id, { admin_state_up: false }) },
  'router.attributes.enableSnat': {
    object: 'router:it-ops/it-ops-router',
    drift: (w, id) => neutronPut(w, 'routers', id, { external_gateway_info: { network_id: w.copy('network:admin/public'), enable_snat: false } }),
  },
  'router.attributes.routes': { object: 'router:it-ops/it-ops-router', drift: (w, id) => neutronPut(w, 'routers', id, { routes: [{ destination: '192.168.60.0/24', nexthop: '10.2.0.10' }] }) },
  'router.attributes.description': { object: 'router:it-ops/it-ops-router', drift: (w, id) => neutronPut(w, 'routers', id, { description: DRIFTED }) },
  'router.attributes.tags': { object: 'router:it-ops/it-ops-router', drift: (w, id) => addNeutronTag(w, 'routers', id) },
  'router.refs.externalNetwork': {
    object: 'router:it-ops/it-ops-router',
    touches: [IT_OPS_FIP],
    drift: async (w, id) => {
      await detachFloatingIp(w);
      await neutronPut(w, 'routers', id, { external_gateway_info: {} });
    },
  },
  'router.refs.subnets': {
    object: 'router:it-ops/it-ops-router',
    touches: [IT_OPS_FIP],
    drift: async (w, id) => {
      // One interface the source router has is unplugged, one it does not have is plugged.
      const project = w.copy('project:it-ops');
      const net = await w.op.call<{ network: { id: string } }>('network', 'POST', '/networks', { network: { name: 'operator-net', project_id: project } });
      const subnet = await w.op.call<{ subnet: { id: string } }>('network', 'POST', '/subnets', { subnet: { name: 'operator-subnet', network_id: net.network.id, cidr: '10.99.0.0/24', ip_version: 4, project_id: project } });
      await w.op.call('network', 'PUT', `/routers/${id}/add_router_interface`, { subnet_id: subnet.subnet.id });
      await detachFloatingIp(w);
      await w.op.call('network', 'PUT', `/routers/${id}/remove_router_interface`, { subnet_id: w.copy('subnet:it-ops/it-ops-subnet') });
    },
  },

  'port.attributes.adminStateUp': { object: IT_OPS_PORT, drift: (w, id) => neutronPut(w, 'ports', id, { admin_state_up: false }) },
  // Neutron turns port security off only on a port without security groups.
  'port.attributes.portSecurityEnabled': { object: IT_OPS_PORT, drift: (w, id) => neutronPut(w, 'ports', id, { port_security_enabled: false, security_groups: [] }) },
  'port.attributes.allowedAddressPairs': { object: IT_OPS_PORT, drift: (w, id) => neutronPut(w, 'ports', id, { allowed_address_pairs: [{ ip_address: '10.2.0.200' }] }) },
  'port.attributes.description': { object: IT_OPS_PORT, drift: (w, id) => neutronPut(w, 'ports', id, { description: DRIFTED }) },
  'port.attributes.tags': { object: IT_OPS_PORT, drift: (w, id) => addNeutronTag(w, 'ports', id) },
  'port.refs.securityGroups': { object: IT_OPS_PORT, drift: (w, id) => neutronPut(w, 'ports', id, { security_groups: [w.copy('security-group:it-ops/default')] }) },

  'floating-ip.attributes.description': { object: IT_OPS_FIP, drift: (w, id) => neutronPut(w, 'floatingips', id, { description: DRIFTED }) },
  'floating-ip.attributes.tags': { object: IT_OPS_FIP, drift: (w, id) => addNeutronTag(w, 'floatingips', id) },
  'floating-ip.refs.port': { object: IT_OPS_FIP, drift: (w) => detachFloatingIp(w) },

  'volume.attributes.bootable': { object: 'volume:finance/fin-archive', drift: (w, id) => w.op.call('volume', 'POST', `/volumes/${id}/action`, { 'os-set_bootable': { bootable: true } }) },
  'volume.attributes.description': { object: 'volume:finance/fin-archive', drift: (w, id) => w.op.call('volume', 'PUT', `/volumes/${id}`, { volume: { description: DRIFTED } }) },
  'volume.attributes.metadata': { object: 'volume:finance/fin-archive', drift: (w, id) => w.op.call('volume', 'POST', `/volumes/${id}/metadata`, { metadata: { drifted: 'yes' } }) },

  // Nova answers a stop at once and says SHUTOFF only once the server is off: the drift is done then.
  'server.attributes.status': {
    object: 'server:it-ops/ops-bastion',
    drift: async (w, id) => {
      await w.op.call('compute', 'POST', `/servers/${id}/action`, { 'os-stop': null });
      await serverStatus(w, id, 'SHUTOFF');
    },
  },
  'server.attributes.metadata': {
    object: 'server:it-ops/ops-bastion',
    drift: async (w, id) => {
      const { metadata } = await w.op.call<{ metadata: Record<string, string> }>('compute', 'GET', `/servers/${id}/metadata`);
      const { role: _dropped, ...kept } = metadata;
      await w.op.call('compute', 'PUT', `/servers/${id}/metadata`, { metadata: { ...kept, drifted: 'yes' } });
    },
  },
  'server.attributes.tags': { object: 'server:it-ops/ops-bastion', drift: (w, id) => w.op.call('compute', 'PUT', `/servers/${id}/tags/drifted`) },
  'server.attributes.description': { object: 'server:it-ops/ops-bastion', drift: (w, id) => w.op.call('compute', 'PUT', `/servers/${id}`, { server: { description: DRIFTED } }) },
  'server.attributes.locked': { object: 'server:it-ops/ops-bastion', drift: (w, id) => w.op.call('compute', 'POST', `/servers/${id}/action`, { lock: null }) },
  'quota.attributes.limits': { object: 'quota:finance/compute', drift: (w) => w.op.call('compute', 'PUT', `/os-quota-sets/${w.copy('project:finance')}`, { quota_set: { cores: 3 } }) },
};

/**
 * References fixed when the copy is made (the model's `fixed`): no API changes them on an existing
 * copy, so a difference is not an update but a loss the plan lists ("Will not survive"). Each case
 * changes one through the target's store (no API can), after the rounds.
 */
const FIXED: Record<string, DriftCase> = {
  'server.refs.owner': {
    object: 'server:it-ops/ops-bastion',
    drift: async (w, id) => {
      const server = w.target.servers.get(id) ?? assert.fail(`no server ${id} on the target`);
      server.userId = w.copy('user:erin');
    },
  },
};

async function serverStatus(w: DriftWorld, id: string, status: string): Promise<void> {
  for (let tries = 0; tries < 600; tries++) {
    const { server } = await w.op.call<{ server: { status: string } }>('compute', 'GET', `/servers/${id}`);
    if (server.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`server ${id} is not ${status} after 30 s`);
}

/** Every settable attribute and compared reference of every migrated kind, as `<kind>.<path>`. */
function modelFields(): string[] {
  return MIGRATED_KINDS.flatMap((kind) => {
    const model = classify(kind);
    return [...model.settable.map((f) => `${kind}.attributes.${f}`), ...model.comparedReferences.map((r) => `${kind}.refs.${r.role}`)];
  });
}

/** Every reference of every migrated kind fixed when its object is made. */
const fixedFields = (): string[] => MIGRATED_KINDS.flatMap((kind) => classify(kind).fixedReferences.map((r) => `${kind}.refs.${r.role}`));

const kindOf = (key: string): ResourceKind => key.slice(0, key.indexOf('.')) as ResourceKind;
const pathOf = (key: string): string => key.slice(key.indexOf('.') + 1);

describe('the drift table', () => {
  test('has a case for every settable field and compared reference of every migrated kind, and none other', () => {
    const fields = modelFields();
    const missing = fields.filter((f) => !(f in CASES));
    const stale = Object.keys(CASES).filter((k) => !fields.includes(k));
    assert.deepEqual(missing, [], `fields the model compares without a drift case: ${missing.join(', ')}`);
    assert.deepEqual(stale, [], `drift cases for fields the model does not compare: ${stale.join(', ')}`);
  });

  test('has a case for every reference fixed when its object is made, and none other', () => {
    assert.deepEqual(Object.keys(FIXED).sort(), fixedFields().sort());
  });

  test('each case drifts an object of its own kind', () => {
    for (const [key, c] of Object.entries({ ...CASES, ...FIXED })) assert.ok(c.object.startsWith(`${kindOf(key)}:`), `${key}: ${c.object}`);
  });
});

/** Cases in rounds: a round changes each object at most once. */
function rounds(keys: readonly string[]): string[][] {
  const out: Array<{ keys: string[]; objects: Set<string> }> = [];
  for (const key of keys) {
    const c = CASES[key] as DriftCase;
    const objects = [c.object, ...(c.touches ?? [])];
    let round = out.find((r) => objects.every((o) => !r.objects.has(o)));
    if (!round) out.push((round = { keys: [], objects: new Set() }));
    round.keys.push(key);
    for (const o of objects) round.objects.add(o);
  }
  return out.map((r) => r.keys);
}

/** Three projects and one server with what it needs, a shared image, a private flavor and a detached volume. */
const PLAN = `apiVersion: pumphouse/v1
kind: MigrationPlan
metadata: { name: drift }
spec:
  identity: { projects: [it-ops, finance, partners/acme], passwords: reset }
  workloads:
    - projects: [it-ops]
      servers: { names: [ops-bastion] }
      strategy: rebuild
      source: keep
  images: [drift-shared]
  flavors: [finance.secure]
  volumes: [fin-archive]
  maps: { networks: { public: admin_floating_net }, volumeTypes: { lvmdriver-1: volumes_lvm } }
`;

/** What happened to one case, for its verdict. */
interface Outcome {
  address?: string;
  driftError?: string;
  /** The object's differences in the plan before the drift (they must not name the field yet). */
  before?: Change;
  detected?: Change;
  /** The `~ update` block the human plan shows for the object. */
  shown?: string[];
  applyProblems?: string[];
  afterApply?: Change;
}

/** The lines of an object's block in the human plan: its header and its `~ path: …` lines. */
function humanBlock(text: string, address: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trimStart().startsWith(`~ ${address} `));
  if (start < 0) return [];
  const block = [lines[start] as string];
  for (const line of lines.slice(start + 1)) {
    if (!/^ {6}~ /.test(line)) break;
    block.push(line.trim());
  }
  return block;
}

describe('drift on the target is planned as an update and put back by apply', { timeout: 300_000 }, () => {
  const outcomes = new Map<string, Outcome>(Object.keys(CASES).map((k) => [k, {}]));
  const fixed = new Map<string, Outcome>();
  let baseline: Change[] = [];
  let stop: (() => Promise<void>) | undefined;

  before(async () => {
    const env = await privateSandbox({ hardware: false });
    stop = () => env.stop();
    const planFile = env.files.path('drift.yaml');
    writeFileSync(planFile, PLAN);
    await seedSource(await OperatorClient.login(env.sandbox.source));
    const engine = await InProcessEngine.open(env.config, planFile, env.files.path('state.json'));
    stop = async () => {
      await engine.close();
      await env.stop();
    };
    const first = await engine.apply(await engine.plan());
    assert.equal(first.counts.failed, 0, `the first apply failed: ${JSON.stringify(first.problems).slice(0, 2000)}`);
    let latest = await planOnly(engine);
    baseline = latest.changes;
    const w: DriftWorld = {
      op: await OperatorClient.login(env.sandbox.target),
      copy: (object) => baseline.find((c) => c.address === addressIn(baseline, object))?.target?.id ?? assert.fail(`${object} has no copy on the target`),
      target: env.sandbox.clouds.target.store,
    };
    for (const round of rounds(Object.keys(CASES))) latest = await runRound(engine, w, round, latest.changes, outcomes);
    for (const [key, c] of Object.entries(FIXED)) fixed.set(key, await runFixed(engine, w, c, latest.changes));
  });
  after(async () => stop?.());

  test('after the first apply, every selected object is in line with its source', () => {
    const off = baseline.filter((c) => c.action !== 'noop');
    assert.deepEqual(off.map((c) => `${c.address}: ${c.differences.map((d) => d.path).join(', ')}`), []);
  });

  for (const key of Object.keys(CASES)) {
    test(key, () => {
      const o = outcomes.get(key) as Outcome;
      const path = pathOf(key);
      assert.equal(o.driftError, undefined, `the drift itself failed: ${o.driftError}`);
      assert.ok(o.address, `${CASES[key]?.object} is not in the plan`);
      assert.ok(!o.before?.differences.some((d) => d.path === path), `${o.address}: ${path} already differed before the drift`);
      assert.equal(o.detected?.action, 'update', `${o.address}: the plan after the drift says ${o.detected?.action}: ${JSON.stringify(o.detected?.differences)}`);
      assert.ok(o.detected.differences.some((d) => d.path === path), `${o.address}: the update names ${o.detected.differences.map((d) => d.path).join(', ')}, not ${path}`);
      assert.ok(o.shown?.some((l) => l.startsWith(`~ ${path}:`)), `the human plan shows: ${o.shown?.join(' | ')}`);
      const problems = `apply problems: ${o.applyProblems?.join('; ') || 'none'}`;
      const left = o.afterApply?.differences.find((d) => d.path === path);
      assert.equal(left, undefined, `${o.address}: apply did not put ${path} back (${JSON.stringify(left?.before)}, wanted ${JSON.stringify(left?.after)}); ${problems}`);
      assert.equal(o.afterApply?.action, 'noop', `${o.address} after the apply still differs: ${o.afterApply?.action} ${JSON.stringify(o.afterApply?.differences)}; ${problems}`);
    });
  }

  for (const key of Object.keys(FIXED)) {
    test(`${key} (fixed when made): planned as lost, not as an update`, () => {
      const o = fixed.get(key) as Outcome;
      const role = pathOf(key).slice('refs.'.length);
      assert.equal(o.driftError, undefined, `the drift itself failed: ${o.driftError}`);
      assert.ok(o.address, `${FIXED[key]?.object} is not in the plan`);
      assert.equal(o.before?.action, 'noop', `${o.address} differed before the drift: ${JSON.stringify(o.before?.differences)}`);
      assert.equal(o.detected?.action, 'noop', `${o.address}: the plan after the drift says ${o.detected?.action}: ${JSON.stringify(o.detected?.differences)}`);
      const lost = o.detected.willNotSurvive.find((l) => l.startsWith(`${role}:`));
      assert.ok(lost, `${o.address}: no "Will not survive" line for ${role}: ${o.detected.willNotSurvive.join(' | ')}`);
      assert.ok(o.shown?.includes(`- ${o.address}: ${lost}`), `the human plan does not list it: ${o.shown?.join(' | ')}`);
    });
  }
});

/** Drifts a fixed reference and plans: `shown` holds the human plan's lines. */
async function runFixed(engine: InProcessEngine, w: DriftWorld, c: DriftCase, previous: readonly Change[]): Promise<Outcome> {
  const address = addressIn(previous, c.object);
  if (!address) return {};
  const o: Outcome = { address };
  o.before = previous.find((ch) => ch.address === address);
  try {
    await c.drift(w, w.copy(address));
  } catch (error) {
    o.driftError = error instanceof Error ? error.message : String(error);
  }
  const planned = await engine.plan();
  planned.session.close();
  o.detected = planned.plan.changes.find((ch) => ch.address === address);
  o.shown = renderPlanHuman(planned.plan, { color: false }).split('\n').map((l) => l.trim());
  return o;
}

/** The address a case's object names among a plan's changes (`kind:path/*`: the first so starting). */
function addressIn(changes: readonly Change[], object: string): string | undefined {
  const wanted = (address: string) => (object.endsWith('*') ? address.startsWith(object.slice(0, -1)) : address === object);
  return changes.find((c) => wanted(c.address))?.address;
}

/** An operator's image on the source: shared with project finance, 1 MiB of data. */
async function seedSource(op: OperatorClient): Promise<void> {
  const image = await op.call<{ id: string }>('image', 'POST', '/images', { name: 'drift-shared', visibility: 'shared', disk_format: 'raw', container_format: 'bare', os_distro: 'cirros' });
  await op.uploadImage(image.id, Buffer.alloc(1 << 20, 7));
  const { projects } = await op.call<{ projects: Array<{ id: string }> }>('identity', 'GET', '/projects?name=finance');
  await op.call('image', 'POST', `/images/${image.id}/members`, { member: projects[0]?.id ?? assert.fail('no project finance on the source') });
}

async function planOnly(engine: InProcessEngine): Promise<PlannedNow['plan']> {
  const planned = await engine.plan();
  planned.session.close();
  return planned.plan;
}

/** Drift, plan, apply, plan, recording each case's outcome; returns the last plan. */
async function runRound(engine: InProcessEngine, w: DriftWorld, keys: readonly string[], previous: readonly Change[], outcomes: Map<string, Outcome>): Promise<PlannedNow['plan']> {
  for (const key of keys) {
    const o = outcomes.get(key) as Outcome;
    o.address = addressIn(previous, (CASES[key] as DriftCase).object);
    if (!o.address) continue;
    o.before = previous.find((c) => c.address === o.address);
    try {
      await (CASES[key] as DriftCase).drift(w, w.copy(o.address));
    } catch (error) {
      o.driftError = error instanceof Error ? error.message : String(error);
    }
  }
  const planned = await engine.plan();
  const text = renderPlanHuman(planned.plan, { color: false });
  for (const key of keys) {
    const o = outcomes.get(key) as Outcome;
    o.detected = planned.plan.changes.find((c) => c.address === o.address);
    o.shown = o.address ? humanBlock(text, o.address) : [];
  }
  const report: ApplyReport = await engine.apply(planned);
  const problems = report.problems.map((p) => `${p.step}: ${p.outcome} ${p.error.message}`);
  const after = await planOnly(engine);
  for (const key of keys) {
    const o = outcomes.get(key) as Outcome;
    o.applyProblems = problems;
    o.afterApply = after.changes.find((c) => c.address === o.address);
  }
  return after;
}
