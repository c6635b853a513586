import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { syntheticInfo } from '../../src/simulator/blobs.js';
import type { CloudStore, Image, Project } from '../../src/simulator/store.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { planText } from '../helpers/plan-text.js';
import { privateSandbox } from '../helpers/sandbox.js';

// Flavors and images carried with everything the source gives them (issue 10, "Fidelity"): a
// private flavor's access list, extra specs and description; an image's members with their
// status, its kernel and ramdisk (their copies' target ids, never the source's), protection,
// visibility and properties. Seeded straight into the sandbox's stores, applied with the real
// CLI, then changed on the target behind Pumphouse's back and put right by the next apply.

const projectNamed = (store: CloudStore, name: string): Project => {
  const project = store.projects.by('name', name)[0];
  assert.ok(project, `project ${name}`);
  return project;
};

/** A project of the same name on both clouds: "on the target" without moving. */
function addSharedProject(stores: CloudStore[], name: string): void {
  for (const store of stores) {
    const domainId = store.domains.by('name', 'Default')[0]!.id;
    store.projects.insert({ id: randomUUID().replace(/-/g, ''), name, domainId, description: '', enabled: true, tags: [], parentId: domainId });
  }
}

/** Gives an image small synthetic data, so streaming it takes no time. */
function smallData(store: CloudStore, image: Image): void {
  const size = 65_536;
  store.blobs.synthetic(`image:${image.id}`, size, `image:${image.name}`);
  const hashes = syntheticInfo(size, `image:${image.name}`);
  Object.assign(image, { sizeBytes: size, virtualSizeBytes: size, checksum: hashes.md5, osHashValue: hashes.sha512 });
}

function addImage(store: CloudStore, name: string, owner: Project, format: string): Image {
  const image = store.images.insert({
    id: randomUUID(), name, ownerId: owner.id, visibility: 'public', status: 'active', sizeBytes: null, virtualSizeBytes: null, diskFormat: format, containerFormat: format,
    checksum: null, osHashAlgo: 'sha512', osHashValue: null, minRamMb: 0, minDiskGb: 0, protected: false, hidden: false,
    properties: {}, tags: [], members: [], createdAt: Date.now(), updatedAt: Date.now(),
  });
  smallData(store, image);
  return image;
}

const copyOf = (store: CloudStore, name: string): Image => {
  const copies = store.images.all().filter((i) => i.name === name);
  assert.equal(copies.length, 1, `${name}: exactly one copy on the target`);
  return copies[0]!;
};

const statuses = (image: Image): Record<string, string> => Object.fromEntries(image.members.map((m) => [m.memberId, m.status]));

/** A sandbox of its own with `plan` written next to its config, and the CLI bound to both. */
async function catalogueWorld(planYaml: string) {
  const env = await privateSandbox({ hardware: false });
  const plan = env.files.path('catalogue.yaml');
  writeFileSync(plan, planText('catalogue', planYaml));
  const state = env.files.path('state.json');
  const cli = (command: 'plan' | 'apply', ...flags: string[]): Promise<CliResult> =>
    runCli(['--config', env.config, ...flags, command, plan, '--state', state, ...(command === 'apply' ? ['--auto-approve'] : [])], { timeoutMs: 120_000, env: { PUMPHOUSE_POLL_MS: '50' } });
  const applied = async (): Promise<void> => {
    const result = await cli('apply');
    assert.equal(result.code, 0, result.stderr.slice(-3000));
  };
  const noChanges = async (): Promise<void> => {
    const result = await cli('plan');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /No changes\./, result.stdout);
  };
  /** The plan names each path among the differences of `address`. */
  const plannedUpdate = async (address: string, paths: readonly string[]): Promise<void> => {
    const result = await cli('plan');
    assert.equal(result.code, 0, result.stderr);
    const block = result.stdout.split('\n  ~ ').find((b) => b.startsWith(`${address} `)) ?? '';
    for (const path of paths) assert.ok(block.includes(`~ ${path}:`), `the plan names ${path} of ${address}:\n${result.stdout}`);
  };
  return { env, source: env.sandbox.clouds.source.store, target: env.sandbox.clouds.target.store, cli, applied, noChanges, plannedUpdate, stop: () => env.stop() };
}

describe('flavors and images keep every field', () => {
  test('a private flavor: its access list (projects on the target or moving), extra specs and description; drift is put back', { timeout: 180_000 }, async () => {
    const w = await catalogueWorld('  identity: { projects: [finance], passwords: skip }\n  flavors: [finance.secure]\n');
    try {
      addSharedProject([w.source, w.target], 'shared-svc');
      const [finance, acme, sharedSvc] = ['finance', 'acme', 'shared-svc'].map((n) => projectNamed(w.source, n)) as [Project, Project, Project];
      const flavor = w.source.flavors.by('name', 'finance.secure')[0]!;
      flavor.accessProjectIds = [finance.id, sharedSvc.id, acme.id];
      const planned = await w.cli('plan');
      assert.match(planned.stdout, /flavor:finance\.secure: access project project:partners\/acme: neither on the target nor moved by this plan/);

      await w.applied();
      const targetId = (name: string) => projectNamed(w.target, name).id;
      const copy = w.target.flavors.by('name', 'finance.secure')[0]!;
      const expected = () => assert.deepEqual({ access: [...copy.accessProjectIds].sort(), specs: copy.extraSpecs, description: copy.description },
        { access: [targetId('finance'), targetId('shared-svc')].sort(), specs: flavor.extraSpecs, description: flavor.description });
      expected();
      await w.noChanges();

      Object.assign(copy, { accessProjectIds: [targetId('finance'), targetId('services')], description: 'changed', extraSpecs: { 'hw:cpu_policy': 'shared', stray: 'x' } });
      await w.plannedUpdate('flavor:finance.secure', ['refs.accessProjects', 'attributes.description', 'attributes.extraSpecs']);
      await w.applied();
      expected();
      await w.noChanges();
    } finally {
      await w.stop();
    }
  });

  test('a shared image: its members (projects on the target or moving) with their status; drift is put back', { timeout: 180_000 }, async () => {
    const w = await catalogueWorld('  identity: { projects: [finance, it-ops], passwords: skip }\n  images: [finance-golden]\n');
    try {
      addSharedProject([w.source, w.target], 'shared-svc');
      const [itOps, acme, sharedSvc] = ['it-ops', 'acme', 'shared-svc'].map((n) => projectNamed(w.source, n)) as [Project, Project, Project];
      const golden = w.source.images.all().find((i) => i.name === 'finance-golden')!;
      smallData(w.source, golden);
      const at = Date.now();
      golden.members = [
        { memberId: itOps.id, status: 'accepted', createdAt: at, updatedAt: at },
        { memberId: sharedSvc.id, status: 'rejected', createdAt: at, updatedAt: at },
        { memberId: acme.id, status: 'pending', createdAt: at, updatedAt: at },
      ];
      const planned = await w.cli('plan');
      assert.match(planned.stdout, /image:finance\/finance-golden: member project project:partners\/acme: neither on the target nor moved by this plan/);

      await w.applied();
      const targetId = (name: string) => projectNamed(w.target, name).id;
      const copy = copyOf(w.target, 'finance-golden');
      const wanted = { [targetId('it-ops')]: 'accepted', [targetId('shared-svc')]: 'rejected' };
      assert.deepEqual(statuses(copy), wanted);
      await w.noChanges();

      copy.members = [
        { memberId: targetId('it-ops'), status: 'pending', createdAt: at, updatedAt: at },
        { memberId: targetId('services'), status: 'accepted', createdAt: at, updatedAt: at },
      ];
      await w.plannedUpdate('image:finance/finance-golden', ['refs.members', 'attributes.memberStatus']);
      await w.applied();
      assert.deepEqual(statuses(copy), wanted);
      await w.noChanges();
    } finally {
      await w.stop();
    }
  });

  test('an image with a kernel and a ramdisk brings them, names their copies by target id, and keeps every settable field', { timeout: 180_000 }, async () => {
    const w = await catalogueWorld('  images: [cirros-0.6.2-x86_64-disk]\n');
    try {
      const admin = projectNamed(w.source, 'admin');
      const kernel = addImage(w.source, 'vmlinuz-6.1', admin, 'aki');
      const ramdisk = addImage(w.source, 'initrd-6.1', admin, 'ari');
      const cirros = w.source.images.all().find((i) => i.name === 'cirros-0.6.2-x86_64-disk')!;
      Object.assign(cirros, { protected: true, hidden: true, minRamMb: 512, minDiskGb: 2, tags: ['base'], properties: { ...cirros.properties, kernel_id: kernel.id, ramdisk_id: ramdisk.id } });
      const planned = await w.cli('plan');
      assert.match(planned.stdout, /\+ image:admin\/vmlinuz-6\.1 +kernel image of image:admin\/cirros-0\.6\.2-x86_64-disk/);
      assert.match(planned.stdout, /\+ image:admin\/initrd-6\.1 +ramdisk image of image:admin\/cirros-0\.6\.2-x86_64-disk/);

      await w.applied();
      const [kernelCopy, ramdiskCopy, copy] = [copyOf(w.target, 'vmlinuz-6.1'), copyOf(w.target, 'initrd-6.1'), copyOf(w.target, 'cirros-0.6.2-x86_64-disk')];
      const expected = () => {
        assert.deepEqual({ kernel: copy.properties['kernel_id'], ramdisk: copy.properties['ramdisk_id'] }, { kernel: kernelCopy.id, ramdisk: ramdiskCopy.id }, 'the copies’ target ids');
        assert.deepEqual({ protected: copy.protected, hidden: copy.hidden, minRamMb: copy.minRamMb, minDiskGb: copy.minDiskGb, os_distro: copy.properties['os_distro'], stray: copy.properties['stray'] },
          { protected: true, hidden: true, minRamMb: 512, minDiskGb: 2, os_distro: 'cirros', stray: undefined });
        assert.ok(copy.tags.includes('base'));
      };
      expected();
      await w.noChanges();

      // What a second apply once wrote: the source's kernel id. And the rest, by hand.
      Object.assign(copy, { protected: false, hidden: false, minRamMb: 0, properties: { ...copy.properties, kernel_id: kernel.id, stray: '1' } });
      delete copy.properties['ramdisk_id'];
      await w.plannedUpdate('image:admin/cirros-0.6.2-x86_64-disk', ['refs.kernel', 'refs.ramdisk', 'attributes.protected', 'attributes.hidden', 'attributes.minRamMb', 'attributes.properties']);
      await w.applied();
      expected();
      await w.noChanges();
    } finally {
      await w.stop();
    }
  });

  test('maps.flavors to a flavor of another size: the plan warns with both sizes, the copy boots resized and compares as desired', { timeout: 180_000 }, async () => {
    const w = await catalogueWorld(`  workloads:
    - { projects: [demo], servers: { names: [web-1] }, strategy: rebuild, source: keep }
  maps:
    networks: { public: admin_floating_net }
    flavors: { m1.small: m1.medium }
`);
    try {
      const planned = await w.cli('plan');
      assert.equal(planned.code, 0, planned.stderr);
      assert.match(planned.stdout, /warning PH1420: spec\.maps\.flavors: servers of flavor m1\.small \(1 vCPU, 2048 MB RAM, 20 GB disk\) are resized to m1\.medium \(2 vCPUs, 4096 MB RAM, 40 GB disk\) on the target/);
      assert.doesNotMatch(planned.stdout, /flavor:m1\.small/, 'neither a conflict nor a change of the target’s flavor');
      await w.applied();
      const copy = w.target.servers.by('name', 'web-1')[0];
      assert.equal(copy?.flavorId, w.target.flavors.by('name', 'm1.medium')[0]?.id, 'the copy runs the mapped flavor');
      assert.deepEqual(w.target.flavors.by('name', 'm1.small').map((f) => [f.vcpus, f.ramMb, f.diskGb]), [[1, 2048, 20]], 'no flavor copied or changed');
      // The copy's flavor compares by the mapped name. (The server's owner is issue 10's identity
      // part: until it lands the re-plan still shows refs.owner, so only the flavor is asserted.)
      const replanned = await w.cli('plan', '--output', 'json');
      assert.equal(replanned.code, 0, replanned.stderr);
      const changes = (JSON.parse(replanned.stdout) as { changes: Array<{ address: string; action: string; differences: Array<{ path: string }> }> }).changes;
      assert.equal(changes.find((c) => c.address === 'flavor:m1.small')?.action, 'noop');
      const server = changes.find((c) => c.address === 'server:demo/web-1');
      assert.ok(server && ['noop', 'update'].includes(server.action), JSON.stringify(server));
      assert.deepEqual(server.differences.filter((d) => d.path !== 'refs.owner'), [], 'the copy is as desired, its flavor included');
    } finally {
      await w.stop();
    }
  });
});
