import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { PumphouseError } from '../../errors.js';
import { parseByteRate } from '../../simulator/bandwidth.js';
import { startSandbox, writeSandboxConfig, type FaultConfig, type Sandbox, type ScenarioName } from '../../simulator/sandbox.js';
import { SCENARIO_NAMES } from '../../simulator/scenarios/index.js';
import { writeLine } from '../../render/streams.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';

interface SandboxArgs {
  scenario: ScenarioName;
  scale: number;
  portBase: number;
  writeConfig?: string;
  faultErrorRate: number;
  faultLatencyMs: number;
  faultServiceLatency?: string;
  /** Image and volume data rate: `100MiB` for each cloud, or `source=100MiB,target=1GiB`. */
  faultBandwidth?: string;
  tokenTtl: number;
  faultSeed: number;
  /** ms per asynchronous status transition (BUILD → ACTIVE, …); 0 = instant. */
  transitionMs?: number;
  benchImageMib?: number;
  /** The source's controllers and all its hypervisors but the last are nodes of a Fuel environment, managed by Fuel. */
  sourceFuel?: boolean;
}

/** `pumphouse sandbox`: two simulated clouds on loopback until Ctrl-C. */
export const sandboxCommand: CliCommand<SandboxArgs> = {
  name: 'sandbox',
  builder: (yargs: Argv) =>
    yargs
      .option('scenario', {
        choices: SCENARIO_NAMES, default: 'demo' as ScenarioName,
        describe: 'seed data: demo, small, large (10 000 servers), kitchen-sink (every optional field and edge case), kitchen-sink-mac-clash (the same; its target already holds a port with a source MAC), downtime (servers with 2–20 GiB disks, for bench:downtime)',
      })
      .option('scale', { type: 'number', default: 1, describe: 'multiply the scenario\'s size (large: --scale 5 gives 50 000 servers)' })
      .option('port-base', { type: 'number', default: 17000, describe: 'source listens on this port, target on the next; 0 picks free ports' })
      .option('write-config', { type: 'string', describe: 'write DIR/clouds.yaml and DIR/pumphouse.yaml for these clouds' })
      .option('fault-error-rate', { type: 'number', default: 0, describe: 'fraction of API calls answered 500/503 (0–1)' })
      .option('fault-latency-ms', { type: 'number', default: 0, describe: 'extra latency on every API call' })
      .option('fault-service-latency', { type: 'string', describe: 'extra latency per service, e.g. identity=100,compute=35,network=45' })
      .option('fault-bandwidth', { type: 'string', describe: 'image and volume data per second in each cloud (Glance up/downloads, Cinder image↔volume copies, Nova snapshots), e.g. 100MiB, or per cloud: source=100MiB,target=1GiB; units B, KiB, MiB, GiB, kB, MB, GB' })
      .option('fault-seed', { type: 'number', default: 1, describe: 'seed of the random faults, for repeatable runs' })
      .option('token-ttl', { type: 'number', default: 3600, describe: 'seconds a token lives' })
      .option('source-fuel', { type: 'boolean', default: false, describe: 'make the source partly Fuel-built: its controllers and every hypervisor but the last are nodes of Fuel environment old-cloud, managed by Fuel (pumphouse.yaml says so); the last stays BMC-managed' })
      .option('bench-image-mib', { type: 'number', hidden: true, describe: 'add a public image bench-image of this many MiB to the source (bench:image)' })
      .option('transition-ms', { type: 'number', default: 50, describe: 'how long a status transition takes (BUILD → ACTIVE, queued → active, …); 0 = instant' }),
  run: async (context: CommandContext, args: SandboxArgs) => {
    const sandbox = await startFromArgs(args);
    const out = context.streams.stdout;
    writeLine(out, `sandbox (${args.scenario}) serving on 127.0.0.1:`);
    for (const cloud of [sandbox.source, sandbox.target]) writeLine(out, `  ${cloud.name.padEnd(15)} ${cloud.authUrl}`);
    if (args.writeConfig) {
      const dir = resolve(args.writeConfig);
      writeSandboxConfig(dir, sandbox);
      writeLine(out, `wrote ${dir}/clouds.yaml and ${dir}/pumphouse.yaml; try:`);
      writeLine(out, `  pumphouse --config ${dir}/pumphouse.yaml discover`);
      writeLine(out, `  OS_CLIENT_CONFIG_FILE=${dir}/clouds.yaml openstack --os-cloud sandbox-source server list --all-projects`);
    }
    writeLine(out, 'Ctrl-C stops it.');
    await untilSignalled();
    await sandbox.stop();
    writeLine(context.streams.stderr, 'sandbox stopped');
    return 0;
  },
};

export async function startFromArgs(args: Pick<SandboxArgs, 'scenario' | 'scale' | 'portBase' | 'faultErrorRate' | 'faultLatencyMs' | 'faultServiceLatency' | 'faultBandwidth' | 'tokenTtl' | 'faultSeed' | 'transitionMs' | 'benchImageMib' | 'sourceFuel'>): Promise<Sandbox> {
  if (!(args.faultErrorRate >= 0 && args.faultErrorRate <= 1)) {
    throw new PumphouseError('PH0004', `--fault-error-rate ${args.faultErrorRate} is not between 0 and 1`, { hint: 'e.g. --fault-error-rate 0.05 for 5 %' });
  }
  if (args.transitionMs !== undefined && !(args.transitionMs >= 0)) {
    throw new PumphouseError('PH0004', `--transition-ms ${args.transitionMs} is not a number of milliseconds`, { hint: 'e.g. --transition-ms 0 for instant transitions' });
  }
  if (!Number.isInteger(args.portBase) || args.portBase < 0 || args.portBase > 65534) {
    throw new PumphouseError('PH0004', `--port-base ${args.portBase} is not a port number`, { hint: 'use 1024–65534, or 0 for free ports' });
  }
  const faults: Partial<FaultConfig> = {
    errorRate: args.faultErrorRate,
    latencyMs: args.faultLatencyMs,
    tokenTtlSeconds: args.tokenTtl,
    seed: args.faultSeed,
    latencyMsByService: parseServiceLatency(args.faultServiceLatency),
    ...(args.transitionMs !== undefined ? { transitionMs: args.transitionMs } : {}),
  };
  const bandwidth = parseBandwidth(args.faultBandwidth);
  try {
    return await startSandbox({
      scenario: args.scenario, scale: args.scale, portBase: args.portBase, faults,
      faultsByCloud: {
        ...(bandwidth.source !== undefined ? { source: { bandwidthBytesPerSecond: bandwidth.source } } : {}),
        ...(bandwidth.target !== undefined ? { target: { bandwidthBytesPerSecond: bandwidth.target } } : {}),
      },
      ...(args.benchImageMib ? { benchImageBytes: Math.round(args.benchImageMib * (1 << 20)) } : {}),
      ...(args.sourceFuel ? { hardware: { sourceFuel: true } } : {}),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PumphouseError('PH0005', `port ${args.portBase} or ${args.portBase + 1} on 127.0.0.1 is in use`, {
        hint: 'choose another --port-base, or 0 for free ports',
        cause: error,
      });
    }
    throw error;
  }
}

const SERVICES = ['identity', 'compute', 'image', 'network', 'volume'] as const;

/** "identity=100,compute=35" → { identity: 100, compute: 35 }. */
export function parseServiceLatency(text: string | undefined): Partial<Record<(typeof SERVICES)[number], number>> {
  const result: Partial<Record<(typeof SERVICES)[number], number>> = {};
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [service, ms] = part.split('=');
    const known = SERVICES.find((s) => s === service?.trim());
    const value = Number(ms);
    if (!known || !(value >= 0)) {
      throw new PumphouseError('PH0004', `--fault-service-latency: "${part}" is not SERVICE=MS`, {
        hint: `services: ${SERVICES.join(', ')}; e.g. compute=35,network=45`,
      });
    }
    result[known] = value;
  }
  return result;
}

/** "100MiB" → both clouds at 100 MiB/s; "source=100MiB,target=1GiB" → each its own (bytes per second). */
export function parseBandwidth(text: string | undefined): { source?: number; target?: number } {
  const result: { source?: number; target?: number } = {};
  for (const part of (text ?? '').split(',').filter((p) => p.trim() !== '')) {
    const [left = '', right] = part.split('=');
    const clouds = right === undefined ? (['source', 'target'] as const) : ([left.trim()] as const);
    const rate = parseByteRate(right ?? left);
    if (rate === undefined || !clouds.every((c) => c === 'source' || c === 'target')) {
      throw new PumphouseError('PH0004', `--fault-bandwidth: "${part}" is not a rate like 100MiB or CLOUD=RATE`, {
        hint: 'e.g. --fault-bandwidth 100MiB, or --fault-bandwidth source=100MiB,target=1GiB (units B, KiB, MiB, GiB, kB, MB, GB; 0 = unlimited)',
      });
    }
    for (const cloud of clouds as readonly ('source' | 'target')[]) result[cloud] = rate;
  }
  return result;
}

function untilSignalled(): Promise<void> {
  return new Promise((resolveSignal) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolveSignal();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
