/**
 * bench:discover — full discovery of the `large` sandbox (≥ 10 000 servers, ≥ 20 000 ports),
 * against a naive sequential, small-page discovery of the same cloud in the same run.
 *
 * The sandbox runs in a child process of its own (as a real cloud would be elsewhere). Every call
 * pays a per-service latency: the medians measured on the real Zed testbed (../shared/testbed) on
 * this 2-core machine, idle, over loopback, for small answers (identity: projects 86 ms, role
 * assignments 150 ms; compute: flavors 12, keypairs 10, hypervisors 34, quotas 135, servers 186;
 * network: ports 23, quotas 8, security groups 70, networks 96; volume: volumes 17, quotas 24;
 * image: images 10). Real clouds under load and with real networks are slower, not faster.
 * Each discovery runs in a fresh child process so its peak RSS is its own. Prints, last, one line:
 *   {"bench":"discover","servers":N,"ports":N,"seconds":S,"baselineSeconds":B,"ratio":B/S,"peakRssMB":M}
 * Targets: ratio ≥ 5, peakRssMB ≤ 512.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.js';
import { discoverInventory } from '../src/inventory/index.js';
import { connect } from '../src/openstack/index.js';
import { startSandboxProcess } from './lib/sandbox-process.js';

const SERVICE_LATENCY = process.env['BENCH_SERVICE_LATENCY'] ?? 'identity=100,compute=35,network=45,volume=20,image=10';
const FAST = { concurrency: 8, pageSize: 1000 };
const NAIVE = { concurrency: 1, pageSize: 100 };
const here = fileURLToPath(import.meta.url);

interface RunResult {
  servers: number;
  ports: number;
  resources: number;
  seconds: number;
  peakRssMB: number;
}

/** Child mode: one discovery, its numbers as JSON on stdout. */
async function measure(configPath: string, concurrency: number, pageSize: number): Promise<void> {
  const config = loadConfig(configPath);
  const started = process.hrtime.bigint();
  // concurrency is requests in flight to the cloud: 1 makes the baseline strictly sequential.
  const cloud = await connect(config.source, { maxInFlight: concurrency });
  const inventory = await discoverInventory(cloud, { label: 'source', concurrency, pageSize });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  cloud.close();
  const count = (kind: string) => inventory.resources.filter((r) => r.kind === kind).length;
  if (inventory.partial) throw new Error(`partial inventory: ${JSON.stringify(inventory.diagnostics)}`);
  const result: RunResult = {
    servers: count('server'),
    ports: count('port'),
    resources: inventory.resources.length,
    seconds,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(configPath: string, settings: { concurrency: number; pageSize: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [here, 'measure', configPath, String(settings.concurrency), String(settings.pageSize)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as RunResult) : reject(new Error(`discovery child exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const sandbox = await startSandboxProcess('large', ['--fault-service-latency', SERVICE_LATENCY]);
  const { configPath } = sandbox;
  let line: Record<string, unknown>;
  try {
    process.stderr.write(`large sandbox up; per-request latency (ms) ${SERVICE_LATENCY}\n`);
    const baseline = await runChild(configPath, NAIVE);
    process.stderr.write(`naive (sequential, pages of ${NAIVE.pageSize}): ${baseline.seconds.toFixed(2)} s, ${baseline.resources} resources, peak RSS ${baseline.peakRssMB} MB\n`);
    const fast = await runChild(configPath, FAST);
    process.stderr.write(`pumphouse (${FAST.concurrency} in flight, pages of ${FAST.pageSize}): ${fast.seconds.toFixed(2)} s, ${fast.resources} resources, peak RSS ${fast.peakRssMB} MB\n`);
    if (fast.resources !== baseline.resources) throw new Error(`the two discoveries disagree: ${fast.resources} vs ${baseline.resources} resources`);
    line = {
      bench: 'discover',
      servers: fast.servers,
      ports: fast.ports,
      seconds: round(fast.seconds),
      baselineSeconds: round(baseline.seconds),
      ratio: round(baseline.seconds / fast.seconds),
      peakRssMB: fast.peakRssMB,
    };
  } finally {
    await sandbox.stop();
  }
  // Last, after the sandbox has said goodbye, so the JSON line is the final line of the run.
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

if (process.argv[2] === 'measure') {
  await measure(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
} else {
  await main();
}
