/**
 * bench:startup — how long the CLI takes to start, against bare Node measured in the same run:
 * the medians of several runs of `pumphouse --version`, `pumphouse validate plans/demo.yaml` and
 * `node -e ""`, interleaved so a busy moment hits all three alike. Prints, last, one line:
 *   {"bench":"startup","versionSeconds":V,"validateSeconds":W,"nodeSeconds":N,"versionRatio":V/N,"validateRatio":W/N}
 * Targets: versionRatio ≤ 2, validateRatio ≤ 3.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../test/helpers/cli.js';
import { round, runBench } from './lib/report.js';

const RUNS = Number(process.env['PUMPHOUSE_BENCH_RUNS'] ?? 9);
const CLI = join(REPO_ROOT, 'bin', 'pumphouse.js');

function seconds(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<Record<string, unknown>> {
  const runs = { version: [] as number[], validate: [] as number[], node: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    runs.node.push(seconds(['-e', '']));
    runs.version.push(seconds([CLI, '--version']));
    runs.validate.push(seconds([CLI, 'validate', join(REPO_ROOT, 'plans', 'demo.yaml')]));
  }
  const node = median(runs.node);
  const version = median(runs.version);
  const validate = median(runs.validate);
  return {
    bench: 'startup',
    versionSeconds: round(version),
    validateSeconds: round(validate),
    nodeSeconds: round(node),
    versionRatio: round(version / node),
    validateRatio: round(validate / node),
  };
}

runBench('startup', main);
