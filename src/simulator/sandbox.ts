/**
 * `pumphouse sandbox`: a simulated SOURCE and TARGET cloud on loopback, plus the clouds.yaml
 * and pumphouse.yaml that point Pumphouse (and the `openstack` CLI) at them.
 *
 * Invariants: both clouds bind 127.0.0.1 only; `stop()` closes every socket; nothing here
 * prints (pass `onRequest` to observe traffic) and no password is ever logged.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { syntheticInfo } from './blobs.js';
import { SimCloud, type AnswerEntry, type RequestLogEntry } from './cloud.js';
import { BOOT_TRANSITIONS, defaultFaults, type FaultConfig } from './faults.js';
import { SANDBOX_ADMIN_PASSWORD } from './scenarios/builder.js';
import { SCENARIOS, type ScenarioName } from './scenarios/index.js';
import { startSandboxHardware, type SandboxHardware, type SandboxHardwareOptions } from './hardware/sandbox-hardware.js';

export type { FaultConfig, FailCallRule } from './faults.js';
export type { ScenarioName } from './scenarios/index.js';
export type { RequestLogEntry } from './cloud.js';

export type SimCloudName = 'sandbox-source' | 'sandbox-target';

/** How to reach one simulated cloud, as clouds.yaml needs it. */
export interface SimCloudInfo {
  name: SimCloudName;
  /** The Keystone v3 URL: `http://127.0.0.1:<port>/identity/v3`. */
  authUrl: string;
  port: number;
  username: string;
  /** The fixed sandbox admin password (see SANDBOX_ADMIN_PASSWORD); not a real secret, still never logged. */
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
  regionName: string;
}

export interface SandboxOptions {
  /** @default 'demo' */
  scenario?: ScenarioName;
  /** Multiplies the scenario's size (`large`: 5 gives 50 000 servers). @default 1 */
  scale?: number;
  /** The `downtime` scenario's servers and disk sizes (ScenarioOptions). */
  disks?: Readonly<Record<string, number>>;
  /** Source listens on portBase, target on portBase + 1; 0 gives both ephemeral ports. @default 0 */
  portBase?: number;
  /**
   * Initial faults, applied to both clouds (each keeps its own counters, PRNG and link), e.g.
   * `{ bandwidthBytesPerSecond: 100 * 2 ** 20 }` for 100 MiB/s of image and volume data each.
   */
  faults?: Partial<FaultConfig>;
  /** Faults of one cloud only, over `faults` (e.g. a slower target: `{ target: { bandwidthBytesPerSecond } }`). */
  faultsByCloud?: { source?: Partial<FaultConfig>; target?: Partial<FaultConfig> };
  /** Lifetime of issued tokens; overrides `faults.tokenTtlSeconds`. @default 3600 */
  tokenTtlSeconds?: number;
  /** Observes every request (method, path, status, timing; never headers or bodies). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Sees every request once it is served, before its answer is written (see SimCloudOptions). */
  beforeAnswer?: (entry: AnswerEntry) => void;
  /** Adds a public image `bench-image` of this many bytes to the source (for bench:image). */
  benchImageBytes?: number;
  /**
   * The physical side (a Redfish BMC per source hypervisor, a Fuel master): its timings, or false
   * for none. @default on for scenarios of up to 20 hypervisors
   */
  hardware?: SandboxHardwareOptions | false;
}

export interface Sandbox {
  source: SimCloudInfo;
  target: SimCloudInfo;
  /** The running clouds, for tests that switch faults or inspect the stores directly. */
  clouds: { source: SimCloud; target: SimCloud };
  /** The machines, their BMCs and the Fuel master, when the sandbox has them. */
  hardware?: SandboxHardware;
  stop(): Promise<void>;
}

/** Builds the scenario's two clouds and starts serving them. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const scenario = SCENARIOS[options.scenario ?? 'demo'];
  const portBase = options.portBase ?? 0;
  const faults: Partial<FaultConfig> = { ...options.faults, ...(options.tokenTtlSeconds !== undefined ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}) };
  const make = (build: () => SimCloud['store'], own: Partial<FaultConfig> = {}): SimCloud => {
    const rebuild = (): SimCloud['store'] => bootedIn(build(), own.transitionMs ?? faults.transitionMs);
    return new SimCloud({
      store: rebuild(), rebuild, faults: { ...faults, ...own },
      ...(options.onRequest ? { onRequest: options.onRequest } : {}), ...(options.beforeAnswer ? { beforeAnswer: options.beforeAnswer } : {}),
    });
  };
  const scale = { ...(options.scale ? { scale: options.scale } : {}), ...(options.disks ? { disks: options.disks } : {}) };
  const source = make(() => {
    const store = scenario.source('sandbox-source', scale);
    if (options.benchImageBytes) addBenchImage(store, options.benchImageBytes);
    return store;
  }, options.faultsByCloud?.source);
  const target = make(() => scenario.target('sandbox-target', scale), options.faultsByCloud?.target);
  const started: SimCloud[] = [];
  try {
    await source.listen(portBase);
    started.push(source);
    await target.listen(portBase === 0 ? 0 : portBase + 1);
    started.push(target);
  } catch (error) {
    await Promise.all(started.map((c) => c.close()));
    throw error;
  }
  const wantsHardware = options.hardware !== false && (options.hardware !== undefined || source.store.hypervisors.size <= 20);
  let hardware: SandboxHardware | undefined;
  try {
    if (wantsHardware) hardware = await startSandboxHardware(source, target, options.hardware || {});
    // The machines and the Fuel master go back to the start with the source they serve.
    if (hardware) source.onReset = hardware.reset;
  } catch (error) {
    await Promise.all(started.map((c) => c.close()));
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    source: infoOf('sandbox-source', source),
    target: infoOf('sandbox-target', target),
    clouds: { source, target },
    ...(hardware ? { hardware } : {}),
    stop: () => (stopped ??= Promise.all([source.close(), target.close(), hardware?.stop()]).then(() => undefined)),
  };
}

/**
 * The seeded servers as this sandbox would have booted them: launched_at the boot's transitions
 * after their creation (a real cloud's launched_at − created is its boot time, which Pumphouse
 * measures its downtime estimates on).
 */
function bootedIn(store: SimCloud['store'], transitionMs: number | undefined): SimCloud['store'] {
  const bootMs = BOOT_TRANSITIONS * (transitionMs ?? defaultFaults().transitionMs);
  for (const server of store.servers.all()) if (server.launchedAt !== null) server.launchedAt = server.createdAt + bootMs;
  return store;
}

function infoOf(name: SimCloudName, cloud: SimCloud): SimCloudInfo {
  return {
    name, authUrl: cloud.authUrl, port: cloud.port, username: 'admin', password: SANDBOX_ADMIN_PASSWORD, projectName: 'admin',
    userDomainName: 'Default', projectDomainName: 'Default', regionName: cloud.store.meta.region,
  };
}

/** The clouds.yaml entry of one simulated cloud. */
export function cloudsYamlEntry(info: SimCloudInfo): Record<string, unknown> {
  return {
    auth_type: 'password',
    auth: {
      auth_url: info.authUrl, username: info.username, password: info.password, project_name: info.projectName,
      user_domain_name: info.userDomainName, project_domain_name: info.projectDomainName,
    },
    region_name: info.regionName, interface: 'public', identity_api_version: 3,
  };
}

/**
 * Writes `dir/clouds.yaml` (clouds `sandbox-source`, `sandbox-target`) and `dir/pumphouse.yaml`
 * (source and target pointing at them). Creates `dir` if needed; overwrites both files.
 * Synchronous, so a caller cannot start a client before the files exist. Returns the paths written.
 */
export function writeSandboxConfig(dir: string, sandbox: Pick<Sandbox, 'source' | 'target' | 'hardware'>): { cloudsYaml: string; pumphouseYaml: string } {
  mkdirSync(dir, { recursive: true });
  const cloudsYaml = join(dir, 'clouds.yaml');
  const pumphouseYaml = join(dir, 'pumphouse.yaml');
  const clouds = { clouds: { [sandbox.source.name]: cloudsYamlEntry(sandbox.source), [sandbox.target.name]: cloudsYamlEntry(sandbox.target) } };
  const header = '# Written by `pumphouse sandbox`: simulated clouds on 127.0.0.1, valid while the sandbox runs.\n';
  // The sandbox password is a documented fixed value for loopback-only fake clouds; keep the file private anyway.
  writeFileSync(cloudsYaml, header + YAML.stringify(clouds), { mode: 0o600 });
  // clouds_file makes the config work from any directory, whatever other clouds.yaml exists.
  const hardware = sandbox.hardware;
  const config = {
    clouds_file: 'clouds.yaml', source: { cloud: sandbox.source.name }, target: { cloud: sandbox.target.name },
    ...(hardware ? {
      fuel: fuelSection(hardware.fuelConfig),
      hosts: Object.fromEntries(Object.entries(hardware.hosts).map(([name, host]) => [name, host.management === 'fuel' ? { management: 'fuel' } : { bmc: host.bmc, pxe_macs: host.pxeMacs }])),
    } : {}),
  };
  // The Fuel and BMC passwords are the simulator's fixed ones (as in clouds.yaml): private all the same.
  writeFileSync(pumphouseYaml, header + YAML.stringify(config), { mode: 0o600 });
  return { cloudsYaml, pumphouseYaml };
}

/** pumphouse.yaml's `fuel` section (its keys are snake_case). */
function fuelSection(fuel: SandboxHardware['fuelConfig']): Record<string, string> {
  const { sourceEnvironment, ...rest } = fuel;
  return { ...rest, ...(sourceEnvironment ? { source_environment: sourceEnvironment } : {}) };
}

/** A public image of synthetic bytes on `store`, owned by its admin project. */
function addBenchImage(store: SimCloud['store'], bytes: number): void {
  const id = randomUUID();
  const info = syntheticInfo(bytes, 'image:bench-image');
  store.blobs.synthetic(`image:${id}`, bytes, 'image:bench-image');
  const owner = store.projects.by('name', 'admin')[0]?.id ?? '';
  const now = Date.now();
  store.images.insert({
    id, name: 'bench-image', ownerId: owner, visibility: 'public', status: 'active', sizeBytes: bytes, virtualSizeBytes: bytes, diskFormat: 'raw', containerFormat: 'bare',
    checksum: info.md5, osHashAlgo: 'sha512', osHashValue: info.sha512, minRamMb: 0, minDiskGb: 0, protected: false, hidden: false, properties: {}, tags: [], members: [],
    createdAt: now, updatedAt: now,
  });
}
