import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventBus } from '../events/sink.js';
import type { PumphouseEvent } from '../events/events.js';

/**
 * The API's event stream. Every event the engine emits while the server runs is appended to a
 * journal beside the state file (`events.ndjson`, one event per line, numbered across restarts)
 * and pushed to the connected Server-Sent Events clients. A client that reconnects with
 * `Last-Event-ID` (or `?after=N`) gets what it missed from the journal first, then the live ones.
 * A client that goes away is forgotten at once; a slow one is never waited for.
 */
export class EventJournal {
  readonly bus: EventBus;
  private readonly clients = new Set<ServerResponse>();

  constructor(readonly path: string) {
    this.bus = new EventBus(undefined, lastSeq(path));
    this.bus.on((event) => this.record(event));
  }

  /** The events after `seq`, from the journal. */
  since(seq: number): PumphouseEvent[] {
    if (!existsSync(this.path)) return [];
    return readFileSync(this.path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as PumphouseEvent).filter((e) => e.seq > seq);
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

  /** Ends every stream (the server is stopping). */
  close(): void {
    for (const client of this.clients) client.end();
    this.clients.clear();
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

function lastSeq(path: string): number {
  if (!existsSync(path)) return 0;
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const last = lines[lines.length - 1];
  if (!last) return 0;
  try {
    return (JSON.parse(last) as { seq?: number }).seq ?? 0;
  } catch {
    return 0;
  }
}
