import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CloudConfig } from '../../src/config/types.js';
import type { Cloud } from '../../src/openstack/cloud.js';
import type { ServiceClient } from '../../src/openstack/http/service-client.js';
import type { ComputeService } from '../../src/openstack/compute/services.js';
import type { Server } from '../../src/openstack/compute/servers.js';
import * as migrations from '../../src/openstack/compute/migrations.js';
import { collectAll, compute, connect, image, isNotFound, HttpError } from '../helpers/openstack.js';
import { eventually } from '../helpers/eventually.js';

/**
 * Freeing a hypervisor, as any Zed-like cloud must answer it: disable with a reason, live and
 * cold migration, evacuation of a forced-down host, and putting the hosts back. The same body
 * runs against the sandbox (test/contract/nova-hosts.test.ts) and a real cloud
 * (test/real/nova-hosts.test.ts), so the simulator is held to what Nova really does.
 *
 * It needs two enabled, up nova-compute hosts and changes them: it parks every other host
 * (disabled), so each move has exactly one possible destination and the assertions can name it.
 * Everything it disables, forces down or boots is put back or deleted in `after`.
 */
export interface HostContractTarget {
  name: string;
  config: () => CloudConfig;
  /** How often to look at a move in flight, and for how long: the sandbox moves in milliseconds, Nova in seconds. */
  pollMs: number;
  timeoutMs: number;
}

const FINAL_MIGRATION_FAILURES = ['error', 'failed'];

export function defineNovaHostContracts(target: HostContractTarget): void {
  describe(`nova host contract: ${target.name}`, () => {
    const reason = `pumphouse contract ${randomUUID().slice(0, 8)}`;
    const disabledByUs = new Map<string, ComputeService>();
    const forcedDownByUs = new Map<string, ComputeService>();
    let cloud: Cloud | undefined;
    let nova: ServiceClient;
    /** The host the server boots on, and the one it moves to and back from. */
    let kept: ComputeService;
    let spare: ComputeService;
    let serverId: string | undefined;

    const until = <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> =>
      eventually(`${what} on ${target.name}`, probe, { timeoutMs: target.timeoutMs, intervalMs: target.pollMs });

    /** Waits until the server has no task in flight and `done` says so; an ERROR ends the wait at once. */
    async function settled(what: string, done: (s: Server) => boolean): Promise<Server> {
      return until(what, async () => {
        const s = await compute.servers.get(nova, serverId ?? '');
        if (s.status === 'ERROR') throw new Error(`server went to ERROR while waiting for ${what}`);
        return s['OS-EXT-STS:task_state'] == null && done(s) ? s : undefined;
      });
    }

    async function computeServices(): Promise<ComputeService[]> {
      return collectAll(compute.services.list(nova, { binary: 'nova-compute' }));
    }

    async function serviceOn(host: string): Promise<ComputeService> {
      const found = (await computeServices()).find((s) => s.host === host);
      assert.ok(found, `nova-compute on ${host} is listed`);
      return found;
    }

    async function migrationOf(type: migrations.MigrationType, final: (status: string) => boolean): Promise<migrations.Migration> {
      return until(`a ${type} record of the server in a final state`, async () => {
        const rows = await collectAll(migrations.list(nova, { instanceUuid: serverId ?? '', migrationType: type }));
        return rows.find((m) => final(m.status));
      });
    }

    /** Nova's answer to a refused call: its status, or a failure when the call was accepted. */
    async function refusal(call: Promise<unknown>): Promise<number> {
      try {
        await call;
      } catch (error) {
        if (error instanceof HttpError) return error.status;
        throw error;
      }
      assert.fail('the call was accepted');
    }

    before(async () => {
      cloud = await connect(target.config());
      nova = await cloud.compute();
    });

    after(async () => {
      if (!cloud) return;
      const problems: string[] = [];
      if (serverId) {
        const id = serverId;
        await compute.servers.remove(nova, id).catch((e: unknown) => problems.push(`delete server: ${String(e)}`));
        await until('the test server to be deleted', async () => compute.servers.get(nova, id).then(() => undefined, (e: unknown) => (isNotFound(e) ? true : undefined)))
          .catch((e: unknown) => problems.push(String(e)));
      }
      for (const s of forcedDownByUs.values()) await compute.services.forceDown(nova, String(s.id), false).catch((e: unknown) => problems.push(`unforce ${s.host}: ${String(e)}`));
      for (const s of disabledByUs.values()) await compute.services.enable(nova, String(s.id)).catch((e: unknown) => problems.push(`enable ${s.host}: ${String(e)}`));
      cloud.close();
      assert.deepEqual(problems, [], 'the cloud is left as it was found');
    });

    test('disabled hosts are listed with their reason and the scheduler no longer picks them', async () => {
      const usable = (await computeServices()).filter((s) => s.status === 'enabled' && s.state === 'up' && s.forced_down !== true);
      assert.ok(usable.length >= 2, `two enabled, up nova-compute hosts are needed, found ${usable.map((s) => s.host).join(', ') || 'none'}`);
      [kept, spare] = usable as [ComputeService, ComputeService];
      for (const s of usable.slice(1)) {
        disabledByUs.set(s.host, s);
        const answer = await compute.services.disable(nova, String(s.id), reason);
        assert.equal(answer.status, 'disabled');
        assert.equal(answer.disabled_reason, reason);
      }
      for (const s of usable.slice(1)) {
        const listed = await serviceOn(s.host);
        assert.deepEqual([listed.status, listed.disabled_reason], ['disabled', reason], `${s.host} listed disabled with the reason`);
      }
      const hypervisors = await collectAll(compute.hypervisors.list(nova));
      assert.equal(hypervisors.find((h) => h.service.host === spare.host)?.status, 'disabled', 'the hypervisor of a disabled service is disabled');

      const glance = await cloud!.image();
      // Not a snapshot: a volume-backed one would boot from Cinder snapshots instead of a local disk.
      const images = (await collectAll(image.images.list(glance)))
        .filter((i) => i.status === 'active' && i.properties['image_type'] === undefined && i.properties['block_device_mapping'] === undefined);
      const bootImage = images.sort((a, b) => (a.size ?? 0) - (b.size ?? 0))[0];
      assert.ok(bootImage, 'the cloud has an active image');
      // A plain public flavor: extra specs (CPU pinning, NUMA) could restrict where the server may move.
      const specCount = (f: { extra_specs?: Record<string, string> }): number => Object.keys(f.extra_specs ?? {}).length;
      const flavors = (await collectAll(compute.flavors.list(nova)))
        .filter((f) => f['os-flavor-access:is_public'] && f['OS-FLV-DISABLED:disabled'] !== true)
        .filter((f) => f.ram >= bootImage.min_ram && (f.disk === 0 || f.disk >= bootImage.min_disk))
        .sort((a, b) => specCount(a) - specCount(b) || a.ram - b.ram || a.disk - b.disk);
      assert.ok(flavors[0], 'a flavor fits the image');
      const created = await compute.servers.create(nova, {
        name: `ph-contract-hosts-${reason.slice(-8)}`, flavorRef: flavors[0].id, imageRef: bootImage.id, networks: 'none',
      });
      serverId = created.id;
      const booted = await settled('the server to boot', (s) => s.status === 'ACTIVE');
      assert.equal(booted['OS-EXT-SRV-ATTR:host'], kept.host, 'booted on the only enabled host');

      // With every other host disabled, a live migration has nowhere to go: Nova accepts the call
      // and the scheduler's "no valid host" shows in the migration record.
      await compute.servers.liveMigrate(nova, serverId, { blockMigration: 'auto' });
      const failed = await migrationOf('live-migration', (status) => FINAL_MIGRATION_FAILURES.includes(status));
      assert.equal(failed.source_compute, kept.host);
      const stayed = await settled('the server to be back to ACTIVE', (s) => s.status === 'ACTIVE');
      assert.equal(stayed['OS-EXT-SRV-ATTR:host'], kept.host, 'still where it was');
    });

    test('live migration moves an ACTIVE server to another host', async () => {
      const enabled = await compute.services.enable(nova, String(spare.id));
      disabledByUs.delete(spare.host);
      assert.deepEqual([enabled.status, enabled.disabled_reason], ['enabled', null]);
      await compute.servers.liveMigrate(nova, serverId!, { blockMigration: 'auto' });
      const moved = await settled('the live migration', (s) => s.status === 'ACTIVE' && s['OS-EXT-SRV-ATTR:host'] !== kept.host);
      assert.equal(moved['OS-EXT-SRV-ATTR:host'], spare.host);
      const hypervisors = await collectAll(compute.hypervisors.list(nova));
      assert.equal(moved['OS-EXT-SRV-ATTR:hypervisor_hostname'], hypervisors.find((h) => h.service.host === spare.host)?.hypervisor_hostname);
      const record = await migrationOf('live-migration', (status) => status === 'completed');
      assert.deepEqual([record.source_compute, record.dest_compute], [kept.host, spare.host]);
      // running_vms follows the servers (on Nova, within a resource-tracker period).
      await until('running_vms to count the servers on both hosts', async () => {
        const counts = await collectAll(compute.hypervisors.list(nova));
        for (const host of [kept.host, spare.host]) {
          const servers = await collectAll(compute.servers.list(nova, { all_tenants: true, host }));
          if (counts.find((h) => h.service.host === host)?.running_vms !== servers.length) return undefined;
        }
        return true;
      });
    });

    test('cold migration waits in VERIFY_RESIZE on another host until confirmed', async () => {
      assert.equal(await refusal(compute.servers.confirmResize(nova, serverId!)), 409, 'nothing to confirm on an ACTIVE server');
      await compute.servers.migrate(nova, serverId!);
      const resized = await settled('VERIFY_RESIZE', (s) => s.status === 'VERIFY_RESIZE');
      assert.equal(resized['OS-EXT-SRV-ATTR:host'], kept.host, 'already on the destination');
      await compute.servers.confirmResize(nova, serverId!);
      const confirmed = await settled('ACTIVE after confirmResize', (s) => s.status === 'ACTIVE');
      assert.equal(confirmed['OS-EXT-SRV-ATTR:host'], kept.host);
      const record = await migrationOf('migration', (status) => status === 'confirmed');
      assert.deepEqual([record.source_compute, record.dest_compute], [spare.host, kept.host]);
    });

    test('evacuation is refused while the host is up and rebuilds elsewhere once it is forced down', async () => {
      assert.equal(await refusal(compute.services.forceDown(nova, randomUUID(), true)), 404, 'an unknown service');
      assert.equal(await refusal(compute.servers.evacuate(nova, serverId!)), 400, 'the source host is up');
      forcedDownByUs.set(kept.host, kept);
      const down = await compute.services.forceDown(nova, String(kept.id), true);
      assert.equal(down.forced_down, true);
      const listed = await serviceOn(kept.host);
      assert.deepEqual([listed.forced_down, listed.state], [true, 'down']);
      await compute.servers.evacuate(nova, serverId!);
      const rebuilt = await settled('the evacuation', (s) => s.status === 'ACTIVE' && s['OS-EXT-SRV-ATTR:host'] !== kept.host);
      assert.equal(rebuilt['OS-EXT-SRV-ATTR:host'], spare.host);
      const record = await migrationOf('evacuation', (status) => status === 'done' || FINAL_MIGRATION_FAILURES.includes(status));
      assert.deepEqual([record.status, record.source_compute, record.dest_compute], ['done', kept.host, spare.host]);
    });

    test('a host comes back once its evacuated servers are gone, and enabling restores the others', async () => {
      // Nova keeps a forced-down host down while `done` evacuations name it (its nova-compute has
      // not cleaned up the evacuated guests); deleting the server removes the records.
      assert.equal(await refusal(compute.services.forceDown(nova, String(kept.id), false)), 400, 'evacuations still pending on the host');
      const id = serverId!;
      await compute.servers.remove(nova, id);
      await until('the server to be deleted', async () => compute.servers.get(nova, id).then(() => undefined, (e: unknown) => (isNotFound(e) ? true : undefined)));
      serverId = undefined;
      const up = await compute.services.forceDown(nova, String(kept.id), false);
      forcedDownByUs.delete(kept.host);
      assert.equal(up.forced_down, false);
      await until(`${kept.host} to be listed up`, async () => ((await serviceOn(kept.host)).state === 'up' ? true : undefined));
      for (const [host, s] of [...disabledByUs]) {
        const enabled = await compute.services.enable(nova, String(s.id));
        disabledByUs.delete(host);
        assert.equal(enabled.status, 'enabled');
        const listed = await serviceOn(host);
        assert.deepEqual([listed.status, listed.disabled_reason], ['enabled', null]);
      }
    });
  });
}
