import type { FaultConfig, Sandbox, ScenarioName } from '../simulator/sandbox.js';
import { PumphouseError } from '../errors.js';
import { parseByteRate } from '../simulator/bandwidth.js';

/**
 * How the front ends reach the simulator, a peer of theirs: `sandbox` serves it until Ctrl-C,
 * `demo` runs the whole job on it. Only through here, and loaded only when used. The simulator
 * itself imports no client code (the layer check holds it to that).
 */
export type { Sandbox, ScenarioName };
export { SCENARIO_NAMES } from '../simulator/scenarios/index.js';

/** The sandbox's flags, as `pumphouse sandbox` takes them. */
export interface SandboxRequest {
  scenario: ScenarioName;
  scale: number;
  portBase: number;
  faultErrorRate: number;
  faultLatencyMs: number;
  faultServiceLatency?: string | undefined;
  /** Image and volume data rate: `100MiB` for each cloud, or `source=100MiB,target=1GiB`. */
  faultBandwidth?: string | undefined;
  tokenTtl: number;
  faultSeed: number;
  /** ms per asynchronous status transition (BUILD → ACTIVE, …); 0 = instant. */
  transitionMs?: number | undefined;
  benchImageMib?: number | undefined;
  /** The source's controllers and all its hypervisors but the last are Fuel nodes, managed by Fuel. */
  sourceFuel?: boolean | undefined;
}

/** Writes DIR/clouds.yaml and DIR/pumphouse.yaml for a running sandbox. */
export async function writeSandboxFiles(dir: string, sandbox: Sandbox): Promise<void> {
  const { writeSandboxConfig } = await import('../simulator/sandbox.js');
  writeSandboxConfig(dir, sandbox);
}

export async function startSandboxFor(args: SandboxRequest): Promise<Sandbox> {
  const { startSandbox } = await import('../simulator/sandbox.js');
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
