/**
 * The independent comparator (test/helpers/independent-compare.ts) from the command line:
 *   node dist/test/real/compare-clouds.js --source c5000 --target c6000 [--objects FILE.json]
 *        [--losses FILE.json] [--record FILE.json]
 * --objects: a JSON list of SelectedObject (default: the kitchen-sink objects); --losses: a JSON
 * list of {object, field} not to compare (default: the kitchen-sink plan's, with the default objects); --record: keep every CLI answer in FILE (a replayable
 * recording for unit tests). Prints the differences as JSON; exits 1 when there are any.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { compareClouds, type ExpectedLoss, type SelectedObject } from '../helpers/independent-compare.js';
import { batchRunner, cachedRunner, recordingRunner } from '../helpers/openstack-cli.js';
import { KITCHEN_SINK_EXPECTED_LOSSES, KITCHEN_SINK_OBJECTS } from './kitchen-sink-objects.js';

const FLAGS = ['--source', '--target', '--objects', '--losses', '--record'] as const;

function parse(argv: string[]): Partial<Record<(typeof FLAGS)[number], string>> {
  const args: Partial<Record<(typeof FLAGS)[number], string>> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as (typeof FLAGS)[number];
    if (!FLAGS.includes(flag) || argv[i + 1] === undefined) {
      process.stderr.write(`compare-clouds: unexpected ${argv[i] ?? ''}\nusage: compare-clouds --source CLOUD --target CLOUD [--objects FILE] [--losses FILE] [--record FILE]\n`);
      process.exit(2);
    }
    args[flag] = argv[i + 1];
  }
  return args;
}

const readJson = <T>(file: string | undefined, fallback: T): T => (file ? (JSON.parse(readFileSync(file, 'utf8')) as T) : fallback);

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const recording: Record<string, unknown> = {};
  const base = batchRunner();
  const run = cachedRunner(args['--record'] ? recordingRunner(base, recording) : base);
  const differences = await compareClouds({
    source: args['--source'] ?? 'c5000',
    target: args['--target'] ?? 'c6000',
    objects: readJson<SelectedObject[]>(args['--objects'], [...KITCHEN_SINK_OBJECTS]),
    expectedLosses: readJson<ExpectedLoss[]>(args['--losses'], args['--objects'] ? [] : [...KITCHEN_SINK_EXPECTED_LOSSES]),
    run,
  });
  if (args['--record']) writeFileSync(args['--record'], `${JSON.stringify(Object.fromEntries(Object.entries(recording).sort(([a], [b]) => a.localeCompare(b))), null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(differences, null, 2)}\n`);
  process.exitCode = differences.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`compare-clouds: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
