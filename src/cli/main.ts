import yargs, { type Argv } from 'yargs';
import { exitCodeOf, isPumphouseError, InternalError, PumphouseError } from '../errors.js';
import { errorToJson, formatErrorHuman } from '../render/human/errors.js';
import type { Streams } from '../render/streams.js';
import { writeLine } from '../render/streams.js';
import type { CommandContext, GlobalArgs } from './context.js';
import { COMMANDS, commandWord } from './commands/index.js';

/**
 * The only place that reads argv and decides the exit code:
 * 0 ok, 1 error (bad input, failed call), 2 changes present (`plan --detailed-exitcode`),
 * 3 interrupted. Stack traces only with --debug.
 */
export interface CliCommand<A = Record<string, unknown>> {
  /** The command with its positionals, as yargs takes it: `plan <plan>`. Its --help line is in commands/index.ts. */
  name: string;
  builder: (yargs: Argv) => Argv;
  /** Returns the exit code. Throws PumphouseError for anything the operator must fix. */
  run: (context: CommandContext, args: A) => Promise<number>;
}

export async function main(argv: string[], streams: Streams = { stdout: process.stdout, stderr: process.stderr }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let exitCode = 0;
  let context: CommandContext | undefined;
  const debug = argv.includes('--debug');
  const jsonOutput = argv.some((a, i) => a === '--output=json' || a === '-o=json' || ((a === '--output' || a === '-o') && argv[i + 1] === 'json'));

  const parser = yargs(argv)
    .scriptName('pumphouse')
    .usage('$0 <command> [options]\n\nForklift upgrades of OpenStack clouds: move workloads, then hypervisors, from a source cloud to a Fuel-managed target.')
    .option('config', { alias: 'c', type: 'string', default: env['PUMPHOUSE_CONFIG'] ?? 'pumphouse.yaml', describe: 'pumphouse.yaml naming the source and target clouds (env PUMPHOUSE_CONFIG)' })
    .option('source-cloud', { type: 'string', describe: 'the source: this cloud of clouds.yaml (instead of pumphouse.yaml\'s; without pumphouse.yaml, OS_CLOUD names it)' })
    .option('target-cloud', { type: 'string', describe: 'the target: this cloud of clouds.yaml (instead of pumphouse.yaml\'s)' })
    .option('output', { alias: 'o', choices: ['human', 'json', 'markdown'], default: 'human', describe: 'result format on stdout (markdown: for `plan` in pull requests)' })
    .option('color', { type: 'boolean', default: true, describe: 'colour in human output (--no-color or NO_COLOR turn it off)' })
    .option('debug', { type: 'boolean', default: false, describe: 'stack traces on errors' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'progress detail on stderr (retries, per-collector timings)' })
    .strict()
    .demandCommand(1, 'name a command: pumphouse --help lists them')
    .recommendCommands()
    .help()
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new PumphouseError('PH0002', message, { hint: 'pumphouse --help lists commands and flags' });
    });

  // Only the command that runs is loaded; the others are only named, for --help.
  const word = commandWord(argv);
  for (const entry of COMMANDS) {
    if (entry.word !== word) {
      parser.command(entry.word, entry.describe);
      continue;
    }
    const command = await entry.load();
    parser.command(command.name, entry.describe, command.builder, async (args) => {
      const { createContext } = await import('./context.js');
      const configExplicit = env['PUMPHOUSE_CONFIG'] !== undefined || argv.some((a) => a === '--config' || a === '-c' || a.startsWith('--config='));
      context = createContext({ ...(args as unknown as GlobalArgs), configExplicit }, streams, env);
      exitCode = await command.run(context, args);
    });
  }

  try {
    await parser.parseAsync();
  } catch (error) {
    return reportError(error, { streams, debug, json: jsonOutput, color: context?.color ?? false });
  }
  return exitCode;
}

function reportError(error: unknown, options: { streams: Streams; debug: boolean; json: boolean; color: boolean }): number {
  const known = isPumphouseError(error) ? error : new InternalError(error instanceof Error ? error.message : String(error), error);
  if (options.json) writeLine(options.streams.stdout, JSON.stringify(errorToJson(known)));
  else writeLine(options.streams.stderr, formatErrorHuman(known, options.color));
  if (options.debug) writeLine(options.streams.stderr, (known.cause instanceof Error ? known.cause.stack : undefined) ?? known.stack ?? '');
  // The registry's exit code; a warning's code (0) never ends a command, so it cannot exit 0 here.
  return exitCodeOf(known.code) || 1;
}
