import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The original Pumphouse's event bus as its clients reach it: Socket.IO protocol 1 (the server
 * and client of Socket.IO 0.9, which the original's UI and functional tests use), namespace
 * `/events`, server-to-client events only. Our own implementation of the parts they need:
 *   GET  /socket.io/1/                    handshake → "sid:heartbeat:close:xhr-polling"
 *   GET  /socket.io/1/xhr-polling/{sid}   long poll: the queued packets, or a noop after POLL_MS
 *   POST /socket.io/1/xhr-polling/{sid}   the client's packets: connect to / leave a namespace,
 *                                          heartbeats, disconnect (anything else is ignored)
 * Packets: `type:id:endpoint:data` (1 connect, 0 disconnect, 2 heartbeat, 5 event, 7 error,
 * 8 noop); several in one answer are framed as `\ufffd<length>\ufffd<packet>…`. A session no
 * client has polled for CLOSE_S is forgotten; one whose queue outgrows MAX_QUEUE (a client that
 * stopped reading) is dropped, and its client, told it is unknown, handshakes again.
 */
export const SOCKET_IO_PREFIX = '/socket.io/1';
const HEARTBEAT_S = 60;
const CLOSE_S = 60;
const POLL_MS = 20_000;
const MAX_QUEUE = 10_000;
const MAX_POST_BYTES = 64 * 1024;
const FRAME = '\ufffd';

interface Session {
  id: string;
  namespaces: Set<string>;
  queue: string[];
  poll?: { res: ServerResponse; timer: NodeJS.Timeout };
  lastSeen: number;
}

export class SocketIoBus {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 10_000);
    this.sweeper.unref();
  }

  static handles(pathname: string): boolean {
    return pathname === SOCKET_IO_PREFIX || pathname.startsWith(`${SOCKET_IO_PREFIX}/`);
  }

  /** Whether the request is a transport's POST of packets (text/plain, as every 0.9 client sends them). */
  static isPacketPost(method: string | undefined, pathname: string): boolean {
    return method === 'POST' && /^\/socket\.io\/1\/xhr-polling\/[^/]+\/?$/.test(pathname);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Emits `name` with `payload` to every client connected to `namespace`. */
  broadcast(namespace: string, name: string, payload: unknown): void {
    const packet = `5::${namespace}:${JSON.stringify({ name, args: [payload] })}`;
    for (const session of this.sessions.values()) {
      if (!session.namespaces.has(namespace)) continue;
      if (session.queue.length >= MAX_QUEUE) {
        this.drop(session);
        continue;
      }
      session.queue.push(packet);
      this.flush(session);
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.slice(SOCKET_IO_PREFIX.length).split('/').filter((p) => p !== '');
    if (parts.length === 0 && req.method === 'GET') return this.handshake(res);
    const session = parts[0] === 'xhr-polling' && parts.length === 2 ? this.sessions.get(parts[1]!) : undefined;
    if (parts[0] !== 'xhr-polling' || parts.length !== 2) return answer(res, 404, 'no such transport: this server speaks xhr-polling');
    // An unknown session (expired, or from before a restart): the client is told to handshake again.
    if (!session) return answer(res, 200, '7:::1+0');
    session.lastSeen = this.now();
    if (req.method === 'GET') return this.hold(session, res);
    if (req.method === 'POST') return this.receive(session, req, res);
    return answer(res, 405, 'GET or POST');
  }

  /** Answers every pending poll and forgets every session (the server is stopping). */
  close(): void {
    clearInterval(this.sweeper);
    for (const session of this.sessions.values()) this.drop(session);
  }

  private handshake(res: ServerResponse): void {
    const id = randomBytes(18).toString('base64url');
    this.sessions.set(id, { id, namespaces: new Set(), queue: ['1::'], lastSeen: this.now() });
    answer(res, 200, `${id}:${HEARTBEAT_S}:${CLOSE_S}:xhr-polling`);
  }

  private hold(session: Session, res: ServerResponse): void {
    if (session.poll) this.answerPoll(session, ['8::']);
    const timer = setTimeout(() => this.answerPoll(session, ['8::']), POLL_MS);
    session.poll = { res, timer };
    res.on('close', () => {
      if (session.poll?.res === res) {
        clearTimeout(session.poll.timer);
        delete session.poll;
      }
    });
    this.flush(session);
  }

  private async receive(session: Session, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readText(req);
    if (text === undefined) return answer(res, 413, 'too large');
    for (const packet of decodePayload(text)) this.onPacket(session, packet);
    answer(res, 200, '1');
  }

  private onPacket(session: Session, packet: string): void {
    const [type, , endpoint = ''] = packet.split(':', 3);
    if (type === '1' && endpoint !== '') {
      session.namespaces.add(endpoint);
      session.queue.push(`1::${endpoint}`);
      this.flush(session);
    } else if (type === '0' && endpoint !== '') {
      session.namespaces.delete(endpoint);
    } else if (type === '0') {
      this.drop(session);
    }
  }

  private flush(session: Session): void {
    if (!session.poll || session.queue.length === 0) return;
    this.answerPoll(session, session.queue.splice(0));
  }

  private answerPoll(session: Session, packets: string[]): void {
    const poll = session.poll;
    if (!poll) return;
    clearTimeout(poll.timer);
    delete session.poll;
    session.lastSeen = this.now();
    answer(poll.res, 200, encodePayload(packets));
  }

  private drop(session: Session): void {
    this.answerPoll(session, ['0::']);
    this.sessions.delete(session.id);
  }

  private sweep(): void {
    const oldest = this.now() - CLOSE_S * 1000;
    for (const session of this.sessions.values()) if (!session.poll && session.lastSeen < oldest) this.sessions.delete(session.id);
  }
}

/** One packet as it is, several framed with their lengths (in UTF-16 units, as the client counts). */
export function encodePayload(packets: readonly string[]): string {
  if (packets.length === 1) return packets[0]!;
  return packets.map((p) => `${FRAME}${p.length}${FRAME}${p}`).join('');
}

export function decodePayload(text: string): string[] {
  if (!text.startsWith(FRAME)) return text === '' ? [] : [text];
  const packets: string[] = [];
  let at = 0;
  while (at < text.length && text[at] === FRAME) {
    const end = text.indexOf(FRAME, at + 1);
    if (end < 0) break;
    const length = Number(text.slice(at + 1, end));
    if (!Number.isInteger(length) || length < 0) break;
    packets.push(text.slice(end + 1, end + 1 + length));
    at = end + 1 + length;
  }
  return packets;
}

function answer(res: ServerResponse, status: number, body: string): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readText(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_POST_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
