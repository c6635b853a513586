import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { CloudConfig } from '../../src/config/types.js';
import { RecordingSink } from '../../src/events/sink.js';
import { discoverInventory } from '../../src/inventory/index.js';
import { collectAll, compute, connect, identity, isNotFound, network, HttpError, PumphouseError } from '../helpers/openstack.js';
import { REPO_ROOT } from '../helpers/cli.js';

/**
 * What any OpenStack cloud must answer the way Pumphouse expects. The same assertions run against
 * the sandbox (test/contract, in `npm test`) and against real clouds (test/real, in CI), so the
 * simulator is held to what OpenStack really does: where they differ, the real one wins and the
 * simulator is fixed.
 */
export interface ContractTarget {
  /** "sandbox" or the clouds.yaml name. */
  name: string;
  /** Admin credentials for the cloud (read at test time: the sandbox starts in a before hook). */
  config: () => CloudConfig;
  /**
   * The cloud holds servers and ports (a source). A freshly deployed target holds none, so the
   * contracts that need workloads to say anything are not defined for it.
   */
  workloads: boolean;
}

export function defineCloudContracts(target: ContractTarget): void {
  describe(`cloud contract: ${target.name}`, () => {
    test('authenticates with a password and publishes the five services in its catalog', async () => {
      const cloud = await connect(target.config());
      const description = await cloud.describe();
      assert.match(description.keystoneVersion ?? '', /^v3\.\d+/);
      const types = description.services.map((s) => s.type);
      for (const type of ['identity', 'compute', 'image', 'network']) assert.ok(types.includes(type), `catalog lacks ${type}: ${types.join(', ')}`);
      assert.ok(types.some((t) => ['volumev3', 'block-storage', 'volume'].includes(t)), `catalog lacks block storage: ${types.join(', ')}`);
      const nova = description.services.find((s) => s.type === 'compute');
      assert.equal(nova?.minMicroversion, '2.1');
      assert.ok(Number(nova?.maxMicroversion?.split('.')[1]) >= 60, `nova max microversion ${nova?.maxMicroversion}`);
      const cinder = description.services.find((s) => ['volumev3', 'block-storage'].includes(s.type));
      assert.match(cinder?.maxMicroversion ?? '', /^3\.\d+$/);
      for (const service of description.services) assert.equal(service.error, undefined, `${service.type}: ${service.error}`);
      cloud.close();
    });

    test('a wrong password is an authentication error that never contains the password', async () => {
      const config = target.config();
      const wrong = 'contract-wrong-password-7319';
      await assert.rejects(connect({ ...config, auth: { ...config.auth, password: wrong } }).then((c) => c.describe()), (error: unknown) => {
        assert.ok(error instanceof PumphouseError, String(error));
        assert.match(error.message, /401|authenticat/i);
        assert.ok(error.hint, 'says what to do');
        assert.equal(JSON.stringify({ message: error.message, hint: error.hint, error }).includes(wrong), false);
        return true;
      });
    });

    test('an unknown server is a 404 naming the call and the request id', async () => {
      const cloud = await connect(target.config());
      const client = await cloud.compute();
      await assert.rejects(compute.servers.get(client, randomUUID()), (error: unknown) => {
        assert.ok(error instanceof HttpError, String(error));
        assert.ok(isNotFound(error));
        assert.match(error.message, /GET \/servers\/[0-9a-f-]{36}/);
        assert.match(error.requestId ?? '', /^req-[0-9a-f-]{36}$/);
        return true;
      });
      cloud.close();
    });

    if (target.workloads) test('paging with tiny pages walks every server and port exactly once', async () => {
      const cloud = await connect(target.config());
      const nova = await cloud.compute();
      const neutron = await cloud.network();
      const whole = await collectAll(compute.servers.list(nova, { all_tenants: true }));
      const paged = await collectAll(compute.servers.list(nova, { all_tenants: true, pageSize: 1 }));
      assert.ok(whole.length >= 2, `the cloud has servers (${whole.length})`);
      assert.deepEqual(paged.map((s) => s.id).sort(), whole.map((s) => s.id).sort());
      const ports = await collectAll(network.ports.list(neutron, {}));
      const pagedPorts = await collectAll(network.ports.list(neutron, { pageSize: 2 }));
      assert.deepEqual(pagedPorts.map((p) => p.id).sort(), ports.map((p) => p.id).sort());
      assert.equal(new Set(pagedPorts.map((p) => p.id)).size, pagedPorts.length, 'no port twice');
      cloud.close();
    });

    test('role assignments name projects, users and roles that exist', async () => {
      const cloud = await connect(target.config());
      const keystone = await cloud.identity();
      const [projects, users, roles, assignments] = await Promise.all([
        collectAll(identity.projects.list(keystone)),
        collectAll(identity.users.list(keystone)),
        collectAll(identity.roles.list(keystone)),
        collectAll(identity.roleAssignments.list(keystone)),
      ]);
      const ids = new Set([...projects, ...users, ...roles].map((x) => x.id));
      assert.ok(assignments.length > 0);
      for (const a of assignments) {
        assert.ok(ids.has(a.role.id), `role ${a.role.id}`);
        if (a.user) assert.ok(ids.has(a.user.id), `user ${a.user.id}`);
        if (a.scope.project) assert.ok(ids.has(a.scope.project.id), `project ${a.scope.project.id}`);
      }
      cloud.close();
    });

    test('discovery gives a complete, schema-valid, self-consistent and repeatable inventory', async () => {
      const cloud = await connect(target.config());
      const events = new RecordingSink();
      const first = await discoverInventory(cloud, { label: target.name, events });
      const second = await discoverInventory(cloud, { label: target.name });
      const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(`${REPO_ROOT}/schemas/inventory.schema.json`, 'utf8')) as object);
      assert.ok(validate(first), JSON.stringify(validate.errors?.slice(0, 3)));
      assert.equal(first.partial, false, JSON.stringify(first.diagnostics));
      assert.equal(second.fingerprint, first.fingerprint, 'an idle cloud discovered twice has the same fingerprint');
      const addresses = new Set(first.resources.map((r) => r.address));
      assert.equal(addresses.size, first.resources.length, 'addresses are unique');
      for (const resource of first.resources) {
        for (const [role, ref] of Object.entries(resource.refs)) {
          for (const address of Array.isArray(ref) ? ref : [ref]) assert.ok(addresses.has(address), `${resource.address}.refs.${role} → ${address} missing`);
        }
      }
      const servers = first.resources.filter((r) => r.kind === 'server');
      if (target.workloads) assert.ok(servers.length >= 2, `the cloud has servers (${servers.length})`);
      const listed = await collectAll(compute.servers.list(await cloud.compute(), { all_tenants: true }));
      assert.deepEqual(servers.map((s) => s.id).sort(), listed.map((s) => s.id).sort());
      for (const server of servers) {
        assert.ok(server.project, `${server.address} has a project`);
        assert.ok(server.refs['flavor'], `${server.address} names its flavor`);
        assert.ok(server.refs['hypervisor'] ?? server.refs['host'], `${server.address} names its host`);
        assert.ok(Array.isArray(server.refs['ports']) && server.refs['ports'].length > 0, `${server.address} names its ports`);
      }
      const finished = events.ofType('collector_finished');
      assert.ok(finished.length >= 15, `one event per collector (${finished.length})`);
      assert.equal(finished.filter((e) => e.data.error).length, 0);
      cloud.close();
    });
  });
}
