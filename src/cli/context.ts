import { resolve } from 'node:path';
import { Engine } from '../engine/index.js';
import { humanEventPrinter, ndjsonEventPrinter } from '../render/human/events.js';
import type { OutputFormat, Streams } from '../render/streams.js';

/** The global flags every command has (see main.ts). */
export interface GlobalArgs {
  config: string;
  /** --config or PUMPHOUSE_CONFIG named the file: it must exist (else the clouds may come from clouds.yaml). */
  configExplicit?: boolean;
  sourceCloud?: string;
  targetCloud?: string;
  output: string;
  color: boolean;
  debug: boolean;
  verbose: boolean;
}

/**
 * What a command runs with: parsed global flags, output streams and the run's engine, whose
 * events are already wired to a printer and whose config is read only when a command needs it.
 */
export interface CommandContext {
  streams: Streams;
  format: OutputFormat;
  color: boolean;
  debug: boolean;
  verbose: boolean;
  configPath: string;
  engine: Engine;
  env: NodeJS.ProcessEnv;
}

export function createContext(args: GlobalArgs, streams: Streams, env: NodeJS.ProcessEnv): CommandContext {
  const format: OutputFormat = args.output === 'json' || args.output === 'markdown' ? args.output : 'human';
  const color = args.color && !env['NO_COLOR'] && format === 'human' && Boolean(streams.stderr.isTTY);
  const engine = Engine.fromConfig({ file: args.config, explicit: args.configExplicit ?? true, sourceCloud: args.sourceCloud, targetCloud: args.targetCloud, env });
  // The printer looks stderr up at each write: apply swaps in its live region's stream while it runs.
  const stderr = { write: (chunk: string) => streams.stderr.write(chunk) } as NodeJS.WritableStream;
  engine.events.on(format === 'json' && args.verbose ? ndjsonEventPrinter(stderr) : humanEventPrinter(stderr, { color, verbose: args.verbose }));
  return { streams, format, color, debug: args.debug, verbose: args.verbose, configPath: resolve(args.config), engine, env };
}
