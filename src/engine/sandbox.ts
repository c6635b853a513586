import type { FaultConfig, Sandbox, ScenarioName } from '../simulator/sandbox.js';
import { PumphouseError } from '../errors.js';

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
  try {
    return await startSandbox({
      scenario: args.scenario, scale: args.scale, portBase: args.portBase, faults,
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
