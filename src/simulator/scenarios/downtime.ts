/**
 * The `downtime` scenario, for bench:downtime: one project `wave` whose servers have disks of
 * declared sizes (synthetic data: each boots from its own raw image of that size, which is what a
 * Nova snapshot of it copies), each with a floating IP. Servers `cold-*` and `warm-*` come in the
 * sizes DOWNTIME_DISKS_GIB gives them (or the scenario options' `disks`: tests choose their
 * own), times `scale` (the sandbox's --scale: 0.1 for a quick run). The target already holds the base images (the same names and bytes), so a plan copies
 * only the servers' disks.
 */
import type { CloudStore, Project } from '../store.js';
import type { ScenarioOptions } from './options.js';
import { CloudBuilder, baseIdentity } from './builder.js';
import { fuelTargetBuilder } from './target.js';

const GiB = 1024 ** 3;

/** Disk sizes per server, GiB: warm ones span the range, cold ones are small (their downtime is their copy). */
export const DOWNTIME_DISKS_GIB: Readonly<Record<string, number>> = { 'warm-1': 2, 'warm-2': 20, 'cold-1': 2, 'cold-2': 4 };

/** A base image per size: what a server of that size boots from, and what its snapshot copies. */
function baseImages(b: CloudBuilder, owner: Project, scale: number, disks: Readonly<Record<string, number>>): void {
  for (const size of new Set(Object.values(disks))) b.image(`disk-${size}g`, owner, { sizeBytes: Math.round(size * scale * GiB), diskFormat: 'raw', properties: { os_distro: 'ubuntu' } });
}

export function buildDowntimeSource(name = 'sandbox-source', options: ScenarioOptions = {}): CloudStore {
  const b = new CloudBuilder(name);
  const { adminProject } = baseIdentity(b, { serviceProject: 'service', serviceUsers: ['nova', 'glance', 'neutron', 'cinder'] });
  const wave = b.project('wave', { description: 'servers with large disks' });
  const alice = b.user('alice', { defaultProject: wave });
  b.grant(alice, 'member', wave);
  b.defaultFlavors();
  const disks = options.disks ?? DOWNTIME_DISKS_GIB;
  baseImages(b, adminProject, options.scale ?? 1, disks);
  const publicNet = b.network(adminProject, 'public', { external: true, physnet: 'public' });
  const external = { network: publicNet, subnet: b.subnet(publicNet, 'public-subnet', '203.0.113.0/24', { dhcp: false, poolStart: 100 }) };
  const sg = b.defaultSecurityGroup(wave);
  const subnet = b.subnet(b.network(wave, 'wave-net'), 'wave-subnet', '10.9.0.0/24');
  b.dhcpPort(subnet, 'ctl-1');
  const router = b.router(wave, 'wave-router', external, [subnet], 'ctl-1');
  b.controllerServices('ctl-1');
  const hosts = [1, 2].map((n) => b.computeHost(`cmp-${n}`, { hostIp: `10.20.0.${10 + n}`, localGb: 4000 }));
  b.volumeType('__DEFAULT__', {}, 'Default Volume Type');
  // A flavor per size, its disk the declared one: what the plan's estimate counts.
  for (const size of new Set(Object.values(disks))) b.flavor(`disk-${size}g`, { vcpus: 1, ramMb: 1024, diskGb: size });
  Object.entries(disks).forEach(([server, size], i) => {
    const image = b.store.images.by('name', `disk-${size}g`)[0];
    const made = b.server(wave, server, { user: alice, flavor: b.flavorNamed(`disk-${size}g`), ...(image ? { image } : {}), host: hosts[i % 2]!, subnets: [subnet], securityGroups: [sg] });
    if (made.ports[0]) b.floatingIp(wave, external, { port: made.ports[0], routerId: router.id });
  });
  b.store.checkReferences();
  return b.store;
}

export function buildDowntimeTarget(name = 'sandbox-target', options: ScenarioOptions = {}): CloudStore {
  const b = fuelTargetBuilder(name);
  const admin = b.store.projects.by('name', 'admin')[0];
  if (admin) baseImages(b, admin, options.scale ?? 1, options.disks ?? DOWNTIME_DISKS_GIB);
  b.store.checkReferences();
  return b.store;
}
