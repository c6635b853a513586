import { resolve } from 'node:path';
import { loadConfig, type PumphouseConfig } from '../config/load.js';
import { EventBus } from '../events/sink.js';
import { humanEventPrinter, ndjsonEventPrinter } from '../render/human/events.js';
import type { OutputFormat, Streams } from '../render/streams.js';

/** The global flags every command has (see main.ts). */
export interface GlobalArgs {
  config: string;
  output: string;
  color: boolean;
  debug: boolean;
  verbose: boolean;
}

/**
 * What a command runs with: parsed global flags, output streams, the run's event bus (already
 * wired to a printer) and a lazy config loader, so commands that need no config never read one.
 */
export interface CommandContext {
  streams: Streams;
  format: OutputFormat;
  color: boolean;
  debug: boolean;
  verbose: boolean;
  configPath: string;
  events: EventBus;
  config(): PumphouseConfig;
  env: NodeJS.ProcessEnv;
}

export function createContext(args: GlobalArgs, streams: Streams, env: NodeJS.ProcessEnv): CommandContext {
  const format: OutputFormat = args.output === 'json' || args.output === 'markdown' ? args.output : 'human';
  const color = args.color && !env['NO_COLOR'] && format === 'human' && Boolean(streams.stderr.isTTY);
  const events = new EventBus();
  // The printer looks stderr up at each write: apply swaps in its live region's stream while it runs.
  const stderr = { write: (chunk: string) => streams.stderr.write(chunk) } as NodeJS.WritableStream;
  events.on(format === 'json' && args.verbose ? ndjsonEventPrinter(stderr) : humanEventPrinter(stderr, { color, verbose: args.verbose }));
  let loaded: PumphouseConfig | undefined;
  const configPath = resolve(args.config);
  return {
    streams,
    format,
    color,
    debug: args.debug,
    verbose: args.verbose,
    configPath,
    events,
    env,
    config: () => (loaded ??= loadConfig(args.config, env)),
  };
}
