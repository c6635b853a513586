import type { PumphouseEvent } from '../../events/events.js';
import { painter, writeLine } from '../streams.js';

/**
 * Live, one line per noteworthy event on stderr for a human. Warnings always show (an operator
 * must see "TLS verification is off"); retries and per-collector timings only with --verbose.
 */
export function humanEventPrinter(stderr: NodeJS.WritableStream, options: { color: boolean; verbose: boolean }): (event: PumphouseEvent) => void {
  const c = painter(options.color);
  return (event) => {
    switch (event.type) {
      case 'warning':
        writeLine(stderr, `${c.yellow.bold('warning')} ${event.data.code}: ${event.message}${event.data.hint ? `\n  ${c.cyan('hint:')} ${event.data.hint}` : ''}`);
        return;
      case 'http_retry':
        if (options.verbose) writeLine(stderr, c.dim(`retry ${event.data.attempt} of ${event.data.method} ${event.data.url} in ${event.data.delayMs} ms: ${event.data.reason}`));
        return;
      case 'collector_finished':
        if (event.data.error) writeLine(stderr, `${c.yellow.bold('warning')} ${event.data.cloud}: ${event.data.collector} could not be read: ${event.data.error}`);
        else if (options.verbose) writeLine(stderr, c.dim(`${event.data.cloud}: ${event.data.collector} ${event.data.count} in ${event.data.ms} ms`));
        return;
      case 'discover_finished':
        if (options.verbose) writeLine(stderr, c.dim(event.message));
        return;
      default:
        if (options.verbose) writeLine(stderr, c.dim(event.message));
    }
  };
}

/** NDJSON on stderr, one event per line, for --output json with --verbose. */
export function ndjsonEventPrinter(stderr: NodeJS.WritableStream): (event: PumphouseEvent) => void {
  return (event) => writeLine(stderr, JSON.stringify(event));
}
