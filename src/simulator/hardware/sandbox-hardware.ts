/**
 * The sandbox's physical side: a machine per source hypervisor and controller, per target compute
 * node and per target controller; a Redfish BMC for each source machine; and a Fuel master whose
 * environment already holds the target's controllers and compute nodes (so its node ids line up
 * with the target's `node-<id>.domain.tld` hypervisors). With `sourceFuel`, the source is partly
 * Fuel-built too: its controllers and every hypervisor but the last are ready nodes of a second
 * environment, `old-cloud`, named after their hosts, and pumphouse.yaml says Fuel manages them;
 * the last hypervisor stays BMC-managed, so both ways are in one world. The parts meet through
 * the world:
 *   - a source machine that boots (into Fuel's bootstrap, or at all) has left the source cloud:
 *     its Nova services go down there;
 *   - a node Fuel finishes deploying joins the target: a compute node as a nova-compute and
 *     hypervisor, a controller with the Nova control services.
 */
import { randomUUID } from 'node:crypto';
import type { SimCloud } from '../cloud.js';
import { FuelSimulator } from '../fuel/index.js';
import type { CloudStore } from '../store.js';
import { RedfishBmcSimulator } from './redfish-bmc.js';
import { HardwareWorld, type Machine } from './world.js';

export const SANDBOX_FUEL_ENVIRONMENT = 'mos-9';
/** The source's own Fuel environment, with `sourceFuel`. */
export const SANDBOX_SOURCE_FUEL_ENVIRONMENT = 'old-cloud';
/** Fixed, documented credentials of loopback-only simulated hardware (like the sandbox's admin password). */
export const SANDBOX_FUEL_CREDENTIALS = { username: 'admin', password: 'sandbox-fuel-admin' } as const;
export const SANDBOX_BMC_CREDENTIALS = { username: 'root', password: 'sandbox-bmc-root' } as const;
const CONTROLLERS = 3;

export interface SandboxHardwareOptions {
  /** PXE boot → node registered in Fuel. @default 2000 */
  discoverDelayMs?: number;
  /** Fuel task clock: each provision or deployment takes tickMs × tickCount. @default 150 × 10 */
  tickMs?: number;
  tickCount?: number;
  /** The source's controllers and all its hypervisors but the last are nodes of Fuel environment `old-cloud`, managed by Fuel. @default false */
  sourceFuel?: boolean;
}

/** What pumphouse.yaml says of one source host: its BMC and PXE MACs, or only that Fuel manages it. */
export interface SandboxHost {
  management: 'bmc' | 'fuel';
  bmc?: { driver: 'redfish'; address: string; port: number; scheme: 'http'; username: string; password: string };
  pxeMacs: string[];
}

export interface SandboxHardware {
  world: HardwareWorld;
  fuel: FuelSimulator;
  bmcs: RedfishBmcSimulator;
  /** What pumphouse.yaml's `fuel` section says. */
  fuelConfig: { url: string; username: string; password: string; environment: string; sourceEnvironment?: string };
  /** What pumphouse.yaml's `hosts` section says, by source hypervisor. */
  hosts: Record<string, SandboxHost>;
  /** Machines and Fuel back to the start (with the clouds' `/_sandbox/reset`); BMCs keep their addresses. */
  reset(): void;
  stop(): Promise<void>;
}

export async function startSandboxHardware(source: SimCloud, target: SimCloud, options: SandboxHardwareOptions = {}): Promise<SandboxHardware> {
  const world = new HardwareWorld();
  const fuel = new FuelSimulator({ credentials: SANDBOX_FUEL_CREDENTIALS, tickMs: options.tickMs ?? 150, tickCount: options.tickCount ?? 10 });
  const bmcs = new RedfishBmcSimulator(world);
  try {
    await fuel.listen(0);
    const controllers = Array.from({ length: CONTROLLERS }, (_, i) => world.add(machine(`node-${i + 1}.${DNS_DOMAIN}`, 0x21 + i)));
    const computes = target.store.hypervisors.all().sort((a, b) => a.hostname.localeCompare(b.hostname)).map((h) => world.add(machine(h.hostname, 0x40 + h.legacyId, h)));
    const { hosts, fuelNodes } = await addSourceMachines(source, world, bmcs, options.sourceFuel === true);
    // Fuel's environments and ready nodes, in the same order every time (node ids match the target's node-N hosts).
    const seed = (): number => {
      const environment = Number(fuel.addEnvironment(SANDBOX_FUEL_ENVIRONMENT)['id']);
      for (const m of controllers) fuel.addReadyNode(m, environment, ['controller']);
      for (const m of computes) fuel.addReadyNode(m, environment, ['compute']);
      if (options.sourceFuel) {
        const sourceEnvironment = Number(fuel.addEnvironment(SANDBOX_SOURCE_FUEL_ENVIRONMENT)['id']);
        for (const node of fuelNodes) fuel.addReadyNode(node.machine, sourceEnvironment, node.roles, node.machine.name);
      }
      return environment;
    };
    let environment = seed();
    fuel.attachWorld(world, { discoverDelayMs: options.discoverDelayMs ?? 2000 });
    world.onBoot(({ machine: booted }) => leaveSource(source.store, booted.name));
    fuel.onNodeReady(({ node, machine: name }) => {
      const fqdn = typeof node['fqdn'] === 'string' ? node['fqdn'] : undefined;
      const m = name ? world.get(name) : undefined;
      const roles = Array.isArray(node['roles']) ? (node['roles'] as string[]) : [];
      if (fqdn && m && Number(node['cluster']) === environment) joinTarget(target.store, fqdn, m, roles);
    });
    return {
      world, fuel, bmcs, hosts,
      fuelConfig: { url: fuel.url, ...SANDBOX_FUEL_CREDENTIALS, environment: SANDBOX_FUEL_ENVIRONMENT, ...(options.sourceFuel ? { sourceEnvironment: SANDBOX_SOURCE_FUEL_ENVIRONMENT } : {}) },
      reset: () => {
        fuel.reset();
        world.resetMachines();
        environment = seed();
      },
      stop: async () => {
        await Promise.all([bmcs.close(), fuel.close()]);
      },
    };
  } catch (error) {
    await Promise.allSettled([bmcs.close(), fuel.close()]);
    throw error;
  }
}

const DNS_DOMAIN = 'domain.tld';
const CONTROL_BINARIES = new Set(['nova-conductor', 'nova-scheduler']);

/**
 * A machine and a BMC per source hypervisor and controller. With `sourceFuel` (the Fuel-built
 * source), the controllers and every hypervisor but the last are to be ready nodes of `old-cloud`
 * named after their hosts (`fuelNodes`: the seeding adds them), and are Fuel-managed; the others
 * are BMC-managed.
 */
async function addSourceMachines(source: SimCloud, world: HardwareWorld, bmcs: RedfishBmcSimulator, sourceFuel: boolean): Promise<{ hosts: Record<string, SandboxHost>; fuelNodes: Array<{ machine: Machine; roles: string[] }> }> {
  const hypervisors = source.store.hypervisors.all();
  const controllers = [...new Set(source.store.computeServices.all().filter((s) => CONTROL_BINARIES.has(s.binary)).map((s) => s.host))]
    .filter((host) => !hypervisors.some((h) => h.hostname === host)).sort();
  const byFuel = new Set(sourceFuel ? [...controllers, ...hypervisors.slice(0, -1).map((h) => h.hostname)] : []);
  const hosts: Record<string, SandboxHost> = {};
  const fuelNodes: Array<{ machine: Machine; roles: string[] }> = [];
  const add = async (name: string, index: number, sized: { vcpus: number; memoryMb: number } | undefined, roles: string[]): Promise<void> => {
    const m = world.add(machine(name, index, sized));
    const bmc = await bmcs.addBmc(m.name, SANDBOX_BMC_CREDENTIALS);
    if (byFuel.has(name)) {
      fuelNodes.push({ machine: m, roles });
      hosts[name] = { management: 'fuel', pxeMacs: [] };
    } else {
      hosts[name] = { management: 'bmc', bmc: bmc.spec as NonNullable<SandboxHost['bmc']>, pxeMacs: m.nics.filter((nic) => nic.pxe).map((nic) => nic.mac) };
    }
  };
  for (const [index, hypervisor] of hypervisors.entries()) await add(hypervisor.hostname, 0x10 + index, hypervisor, ['compute']);
  for (const [index, controller] of controllers.entries()) await add(controller, 0x30 + index, undefined, ['controller']);
  return { hosts, fuelNodes };
}

/**
 * A machine with a PXE NIC (eth0, on Fuel's admin network) and a data NIC, and two 960 GB disks:
 * one model of server throughout, as a forklift upgrade on the same hardware has (so a layout
 * copied from any compute node fits).
 */
function machine(name: string, index: number, sized?: { vcpus: number; memoryMb: number }): Omit<Machine, 'boots' | 'power' | 'bootOverride'> {
  const hex = index.toString(16).padStart(2, '0');
  const disk = 960 * 1024 ** 3;
  return {
    name, serial: `SBX${hex.toUpperCase()}0001`, manufacturer: 'Pumphouse', product: 'Sandbox Server',
    nics: [{ name: 'eth0', mac: `52:54:00:a0:00:${hex}`, pxe: true }, { name: 'eth1', mac: `52:54:00:b0:00:${hex}`, pxe: false }],
    disks: [{ name: 'sda', sizeBytes: disk, model: 'SANDBOX SSD' }, { name: 'sdb', sizeBytes: disk, model: 'SANDBOX SSD' }],
    memoryBytes: (sized?.memoryMb ?? 131_072) * 1024 ** 2, cpus: sized?.vcpus ?? 32,
  };
}

/** A host that rebooted is no longer serving the source: its Nova services stop reporting. */
function leaveSource(store: CloudStore, host: string): void {
  for (const service of store.computeServices.all().filter((s) => s.host === host)) store.computeServices.update(service, (s) => { s.state = 'down'; });
  const hypervisor = store.hypervisors.all().find((h) => h.hostname === host);
  if (hypervisor) store.hypervisors.update(hypervisor, (h) => { h.state = 'down'; });
}

/** A node Fuel deployed: as compute, a nova-compute and hypervisor; as controller, the Nova control services. */
function joinTarget(store: CloudStore, hostname: string, m: Machine, roles: readonly string[]): void {
  const next = (rows: ReadonlyArray<{ legacyId: number }>) => rows.reduce((max, r) => Math.max(max, r.legacyId), 0) + 1;
  const binaries = [...(roles.includes('controller') ? ['nova-scheduler', 'nova-conductor'] : []), ...(roles.includes('compute') ? ['nova-compute'] : [])];
  for (const binary of binaries) {
    if (store.computeServices.all().some((s) => s.host === hostname && s.binary === binary)) continue;
    store.computeServices.insert({
      id: randomUUID(), legacyId: next(store.computeServices.all()), binary, host: hostname, zone: binary === 'nova-compute' ? 'nova' : 'internal',
      status: 'enabled', state: 'up', disabledReason: null, forcedDown: false, updatedAt: Date.now(),
    });
  }
  if (!roles.includes('compute') || store.hypervisors.all().some((h) => h.hostname === hostname)) return;
  store.hypervisors.insert({
    id: randomUUID(), legacyId: next(store.hypervisors.all()), hostname, host: hostname, state: 'up', status: 'enabled',
    hypervisorType: 'QEMU', hypervisorVersion: 6002000, hostIp: `192.168.0.${100 + next(store.hypervisors.all())}`,
    vcpus: m.cpus, memoryMb: Math.round(m.memoryBytes / 1024 ** 2), localGb: Math.round(m.disks.reduce((sum, d) => sum + d.sizeBytes, 0) / 1024 ** 3),
    cpuInfo: JSON.stringify({ arch: 'x86_64', model: 'Cascadelake-Server', vendor: 'Intel', features: ['pge', 'clflush'], topology: { cores: m.cpus / 2, threads: 2, sockets: 1 } }),
  });
}
