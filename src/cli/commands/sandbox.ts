import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { SCENARIO_NAMES, startSandboxFor, writeSandboxFiles, type ScenarioName } from '../../engine/sandbox.js';
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
        describe: 'seed data: demo, small, large (10 000 servers), kitchen-sink (every optional field and edge case), kitchen-sink-mac-clash (the same; its target already holds a port with a source MAC)',
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
    const sandbox = await startSandboxFor(args);
    const out = context.streams.stdout;
    writeLine(out, `sandbox (${args.scenario}) serving on 127.0.0.1:`);
    for (const cloud of [sandbox.source, sandbox.target]) writeLine(out, `  ${cloud.name.padEnd(15)} ${cloud.authUrl}`);
    if (args.writeConfig) {
      const dir = resolve(args.writeConfig);
      await writeSandboxFiles(dir, sandbox);
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
