import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli.js';

/**
 * Real simulated BMCs for the hardware suite: OpenIPMI's ipmi_sim, one process per BMC on a
 * loopback UDP port, started and stopped through ../shared/bmc-sim/bmc-sim.sh in a throwaway
 * BMC_SIM_DIR. The chassis state each BMC keeps in files is readable and presettable here.
 */

export const BMC_SIM_SCRIPT = process.env.PUMPHOUSE_BMC_SIM ?? join(REPO_ROOT, '..', 'shared', 'bmc-sim', 'bmc-sim.sh');

export interface SimulatedBmcs {
  user: string;
  password: string;
  /** UDP port of BMC `index` (1-based, as bmc-sim.sh numbers them). */
  port(index: number): number;
  /** A loopback UDP port that was free when the BMCs started and on which nothing was started. */
  silentPort: number;
  /** '0' or '1'. */
  power(index: number): string;
  setPower(index: number, on: boolean): void;
  /** none | pxe | default | cdrom | bios */
  boot(index: number): string;
  /** Every chassis call the BMC made, one line each: "<epoch> set boot pxe". */
  chassisLog(index: number): string[];
  clearChassisLog(index: number): void;
  /** Stops exactly the BMCs this start launched, then removes their directory. */
  stop(): Promise<void>;
}

interface ScriptResult {
  code: number;
  output: string;
}

function runScript(dir: string, args: string[], extraEnv: Record<string, string> = {}): Promise<ScriptResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, BMC_SIM_DIR: dir, ...extraEnv };
  // The defaults of bmc-sim.sh (no hook, next-boot-only overrides) are what the tests expect.
  delete env.BMC_SIM_HOOK;
  delete env.BMC_SIM_ONESHOT;
  return new Promise((resolve) => {
    execFile('bash', [BMC_SIM_SCRIPT, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** `count` consecutive free loopback UDP ports in 19600–21599. */
async function freePortRun(count: number): Promise<number> {
  for (let tries = 0; tries < 50; tries += 1) {
    const base = 19_600 + Math.floor(Math.random() * (2_000 - count));
    const free = await Promise.all(Array.from({ length: count }, (_, i) => udpPortFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free UDP ports in 19600-21599`);
}

/** Starts `count` BMCs with user "admin" and `password`; retries elsewhere if a port was taken meanwhile. */
export async function startBmcs(count: number, password: string): Promise<SimulatedBmcs> {
  if (!existsSync(BMC_SIM_SCRIPT)) throw new Error(`${BMC_SIM_SCRIPT} not found (set PUMPHOUSE_BMC_SIM to bmc-sim.sh)`);
  const dir = mkdtempSync(join(tmpdir(), 'pumphouse-bmc-'));
  const user = 'admin';
  let lastOutput = '';
  for (let tries = 0; tries < 3; tries += 1) {
    // One more port than BMCs: the last stays silent, for the unreachable case.
    const base = await freePortRun(count + 1);
    const started = await runScript(dir, ['start', String(count), String(base)], { BMC_USER: user, BMC_PASSWORD: password });
    if (started.code === 0) return simulatedBmcs(dir, user, password, base, count);
    lastOutput = started.output;
    await runScript(dir, ['stop']);
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`bmc-sim.sh could not start ${count} BMCs:\n${lastOutput}`);
}

function simulatedBmcs(dir: string, user: string, password: string, base: number, count: number): SimulatedBmcs {
  const file = (index: number, name: string): string => join(dir, `bmc-${index}`, name);
  const read = (index: number, name: string): string => readFileSync(file(index, name), 'utf8').trim();
  return {
    user,
    password,
    port: (index) => base + index - 1,
    silentPort: base + count,
    power: (index) => read(index, 'power'),
    setPower: (index, on) => writeFileSync(file(index, 'power'), on ? '1\n' : '0\n'),
    boot: (index) => read(index, 'boot'),
    chassisLog: (index) => (existsSync(file(index, 'chassis.log')) ? read(index, 'chassis.log').split('\n').filter(Boolean) : []),
    clearChassisLog: (index) => writeFileSync(file(index, 'chassis.log'), ''),
    stop: async () => {
      const stopped = await runScript(dir, ['stop']);
      if (stopped.code !== 0) throw new Error(`bmc-sim.sh stop failed:\n${stopped.output}`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
