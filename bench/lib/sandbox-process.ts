/**
 * A sandbox in a child process of its own, as a real cloud would be on other machines: the
 * benchmarks measure Pumphouse, not the simulator sharing its event loop. Stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'bin', 'pumphouse.js');

export interface SandboxProcess {
  /** The pumphouse.yaml the sandbox wrote for its clouds. */
  configPath: string;
  stop(): Promise<void>;
}

/** `startTimeoutMs`: a scenario with big synthetic images hashes them before it serves. */
export async function startSandboxProcess(scenario: string, extraArgs: string[] = [], startTimeoutMs = 120_000): Promise<SandboxProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'pumphouse-bench-'));
  // PUMPHOUSE_BENCH_SANDBOX_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the simulator side.
  const nodeFlags = (process.env['PUMPHOUSE_BENCH_SANDBOX_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
  const child = spawn(process.execPath, [...nodeFlags, cli, 'sandbox', '--scenario', scenario, '--port-base', '0', '--write-config', dir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout?.resume();
  const configPath = join(dir, 'pumphouse.yaml');
  const deadline = Date.now() + startTimeoutMs;
  while (!existsSync(configPath)) {
    if (child.exitCode !== null) throw new Error(`the sandbox exited ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`the ${scenario} sandbox did not start within ${Math.round(startTimeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    configPath,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
