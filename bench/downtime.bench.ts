/**
 * bench:downtime — what warm cutover buys: the sandbox's `downtime` scenario (servers with
 * declared disks of 2–20 GiB, synthetic data) with both clouds' data links limited to 100 MiB/s,
 * and one plan moving warm-* warm and cold-* cold in the same apply (parallelism.copies 1, so
 * each copy has the whole link). A cold server is down for its whole disk copy; a warm one only
 * for its cutover, whatever its disk's size. The run copies every disk once (28 GiB: about five
 * minutes at 100 MiB/s); the sizes are in src/simulator/scenarios/downtime.ts.
 * Prints, last, one line:
 *   {"bench":"downtime","servers":N,"coldMedianSeconds":C,"warmMedianSeconds":W,"warmMaxSeconds":M,"ratio":C/W}
 * (stderr: each server's estimated and measured downtime). Targets: W ≤ 5 and M ≤ 5; C/W ≥ 20.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round, runBench } from './lib/report.js';
import { startSandboxProcess } from './lib/sandbox-process.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(repo, 'bin', 'pumphouse.js');
const PLAN = join(repo, 'plans', 'downtime.yaml');


function pumphouse(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, NO_COLOR: '1', PUMPHOUSE_POLL_MS: '100' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function main(): Promise<Record<string, unknown>> {
  // BENCH_DOWNTIME_SCALE=0.1 scales every disk (0.2–2 GiB) for a quick run; the result says which.
  const scale = Number(process.env['BENCH_DOWNTIME_SCALE'] ?? 1);
  const sandbox = await startSandboxProcess('downtime', ['--fault-bandwidth', '100MiB', '--scale', String(scale)], 3_600_000);
  const dir = mkdtempSync(join(tmpdir(), 'pumphouse-bench-downtime-'));
  try {
    const plan = join(dir, 'downtime.yaml');
    const state = join(dir, 'state.json');
    copyFileSync(PLAN, plan);
    const planned = await pumphouse(['--config', sandbox.configPath, '--output', 'json', 'plan', plan, '--state', state]);
    if (planned.code !== 0) throw new Error(`plan failed: ${planned.stderr.slice(-2000)}`);
    const estimates = new Map<string, number>();
    for (const change of (JSON.parse(planned.stdout) as { changes: Array<{ address: string; move?: { downtimeSeconds: number } }> }).changes) {
      if (change.move) estimates.set(change.address, change.move.downtimeSeconds);
    }
    const applied = await pumphouse(['--config', sandbox.configPath, 'apply', plan, '--auto-approve', '--state', state]);
    if (applied.code !== 0) throw new Error(`apply failed: ${applied.stderr.slice(-3000)}`);
    const downtime = (JSON.parse(readFileSync(state, 'utf8')) as { downtime: Record<string, { seconds?: number }> }).downtime;
    const measured = (prefix: string) => Object.entries(downtime).filter(([address]) => address.startsWith(`server:wave/${prefix}`)).map(([, r]) => r.seconds ?? Number.NaN);
    for (const [address, record] of Object.entries(downtime)) process.stderr.write(`${address}: estimated ${estimates.get(address) ?? '?'} s, measured ${round(record.seconds ?? Number.NaN)} s\n`);
    const [cold, warm] = [measured('cold-'), measured('warm-')];
    const coldMedian = median(cold);
    const warmMedian = median(warm);
    return {
      bench: 'downtime', servers: cold.length + warm.length, ...(scale !== 1 ? { diskScale: scale } : {}), coldMedianSeconds: round(coldMedian), warmMedianSeconds: round(warmMedian),
      warmMaxSeconds: round(Math.max(...warm)), ratio: round(coldMedian / warmMedian),
    };
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

runBench('downtime', main);
