import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventBus } from '../engine/index.js';
import type { PumphouseEvent } from '../events/events.js';
import { StateLock } from '../engine/files.js';

/**
 * The API's event stream. Every event the engine emits while the server runs is appended to a
 * journal beside the state file (`events.ndjson`, one event per line, numbered across restarts)
 * and pushed to the connected Server-Sent Events clients. A client that reconnects with
 * `Last-Event-ID` (or `?after=N`) gets what it missed from the journal first, then the live ones.
 * A client that goes away is forgotten at once; a slow one is never waited for.
 *
 * One writer: the journal is locked (`events.ndjson.lock`) while a server holds it, so two
 * servers on one state cannot interleave their numbering. A line torn by a crash mid-append is
 * cut off when the journal is opened, and numbering goes on from the last good event; a line
 * that cannot be read anywhere else is skipped.
 */
export class EventJournal {
  readonly bus: EventBus;
  private readonly clients = new Set<ServerResponse>();
  private readonly lock: StateLock;

  constructor(readonly path: string) {
    this.lock = StateLock.acquire(`${path}.lock`, `pumphouse serve (pid ${process.pid})`, {
      what: 'the event journal',
      hint: 'another `pumphouse serve` uses this state: stop it, or give this one its own --state',
    });
    try {
      this.bus = new EventBus(undefined, repairJournal(path));
    } catch (error) {
      this.lock.release();
      throw error;
    }
    this.bus.on((event) => this.record(event));
    process.on('exit', this.releaseOnExit);
  }

  /** An exit without close() (process.exit, the loop running dry) still lets the journal go. */
  private readonly releaseOnExit = (): void => this.lock.release();

  /** The events after `seq`, from the journal. */
  since(seq: number): PumphouseEvent[] {
    if (!existsSync(this.path)) return [];
    return readEvents(readFileSync(this.path, 'utf8')).filter((e) => e.seq > seq);
  }

  /** Serves `GET /v1/events` as text/event-stream until the client leaves. */
  stream(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const after = Number(req.headers['last-event-id'] ?? url.searchParams.get('after') ?? Number.NaN);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': pumphouse events\n\n');
    if (Number.isFinite(after)) for (const event of this.since(after)) res.write(frame(event));
    this.clients.add(res);
    const forget = (): void => {
      this.clients.delete(res);
    };
    req.on('close', forget);
    res.on('error', forget);
  }

  /** Ends every stream and lets the journal go (the server is stopping). */
  close(): void {
    for (const client of this.clients) client.end();
    this.clients.clear();
    process.off('exit', this.releaseOnExit);
    this.lock.release();
  }

  get listeners(): number {
    return this.clients.size;
  }

  private record(event: PumphouseEvent): void {
    appendFileSync(this.path, `${JSON.stringify(event)}\n`, { mode: 0o600 });
    const text = frame(event);
    // A client whose socket buffer is full skips nothing: Node queues it; we never await a client.
    for (const client of this.clients) client.write(text);
  }
}

function frame(event: PumphouseEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The events of the journal's text, skipping any line that is not one. */
function readEvents(text: string): PumphouseEvent[] {
  const events: PumphouseEvent[] = [];
  for (const line of text.split('\n')) {
    const event = parseEvent(line);
    if (event) events.push(event);
  }
  return events;
}

function parseEvent(line: string): PumphouseEvent | undefined {
  if (line === '') return undefined;
  try {
    const value = JSON.parse(line) as Partial<PumphouseEvent> | null;
    return value !== null && typeof value === 'object' && typeof value.seq === 'number' ? (value as PumphouseEvent) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Cuts the journal back to its last good event (what follows was torn by a crash mid-append, and
 * the next event would be glued onto it), and returns that event's number (0 when none).
 */
function repairJournal(path: string): number {
  if (!existsSync(path)) return 0;
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  // Every piece but the last ended with a newline; the last is "" or the torn part.
  let kept = lines.length - 1;
  while (kept > 0 && !parseEvent(lines[kept - 1]!)) kept -= 1;
  const bytes = lines.slice(0, kept).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  if (bytes < Buffer.byteLength(text)) truncateSync(path, bytes);
  return kept > 0 ? parseEvent(lines[kept - 1]!)!.seq : 0;
}
