import { Chalk, type ChalkInstance } from 'chalk';

/**
 * Where output goes. Results → stdout, everything else (progress, warnings, errors) → stderr,
 * so `pumphouse discover --output json > inv.json` is clean. Tests pass in-memory streams.
 */
export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** markdown is the plan's pull-request format; commands without one print human text. */
export type OutputFormat = 'human' | 'json' | 'markdown';

export interface RenderOptions {
  streams: Streams;
  format: OutputFormat;
  /** colour only for a human on a TTY, never with --no-color or NO_COLOR. */
  color: boolean;
}

export function painter(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}
