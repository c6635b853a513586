import type { PumphouseEvent } from '../../events/events.js';
import { escapeControls } from '../../errors.js';
import { painter, writeLine } from '../streams.js';

/**
 * Live, one line per noteworthy event on stderr for a human. Warnings always show (an operator
 * must see "TLS verification is off"); retries and per-collector timings only with --verbose.
 */
export function humanEventPrinter(stderr: NodeJS.WritableStream, options: { color: boolean; verbose: boolean }): (event: PumphouseEvent) => void {
  const c = painter(options.color);
  // Event texts carry names from the clouds: nothing in them may drive the terminal (the colours
  // are ours, added after).
  const e = escapeControls;
  return (event) => {
    switch (event.type) {
      case 'warning': {
        const label = event.level === 'error' ? c.red.bold('error') : c.yellow.bold('warning');
        writeLine(stderr, `${label} ${event.data.code}: ${e(event.message)}${event.data.hint ? `\n  ${c.cyan('hint:')} ${e(event.data.hint)}` : ''}`);
        return;
      }
      case 'http_retry':
        if (options.verbose) writeLine(stderr, c.dim(e(`retry ${event.data.attempt} of ${event.data.method} ${event.data.url} in ${event.data.delayMs} ms: ${event.data.reason}`)));
        return;
      case 'collector_finished':
        if (event.data.error) writeLine(stderr, `${c.yellow.bold('warning')} ${e(`${event.data.cloud}: ${event.data.collector} could not be read: ${event.data.error}`)}`);
        else if (options.verbose) writeLine(stderr, c.dim(e(`${event.data.cloud}: ${event.data.collector} ${event.data.count} in ${event.data.ms} ms`)));
        return;
      case 'discover_finished':
        if (options.verbose) writeLine(stderr, c.dim(e(event.message)));
        return;
      default:
        if (options.verbose) writeLine(stderr, c.dim(e(event.message)));
    }
  };
}

/** NDJSON on stderr, one event per line, for --output json with --verbose. */
export function ndjsonEventPrinter(stderr: NodeJS.WritableStream): (event: PumphouseEvent) => void {
  return (event) => writeLine(stderr, JSON.stringify(event));
}
