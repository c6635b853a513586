import { request } from 'node:http';

/**
 * A Socket.IO 0.9 client over xhr-polling, as the original's functional tests connect
 * (`io.connect(endpoint + '/events')`): handshake, first poll (connect), namespace connect, then
 * every event of the namespace, in order. Our own, for tests: it sends the bearer token.
 */
export interface ReceivedEvent { name: string; payload: any }

export class SocketIoTestClient {
  readonly events: ReceivedEvent[] = [];
  private sid = '';
  private closed = false;
  private waiters: Array<() => void> = [];

  private constructor(private readonly base: string, private readonly token: string, private readonly namespace: string) {}

  static async connect(base: string, token: string, namespace = '/events'): Promise<SocketIoTestClient> {
    const client = new SocketIoTestClient(base, token, namespace);
    const handshake = await client.http('GET', `/socket.io/1/?t=${Date.now()}`);
    const [sid, , , transports] = handshake.body.split(':');
    if (handshake.status !== 200 || !sid || !transports?.split(',').includes('xhr-polling')) throw new Error(`handshake refused: ${handshake.status} ${handshake.body}`);
    client.sid = sid;
    const first = await client.http('GET', client.transportPath());
    if (first.body !== '1::') throw new Error(`expected the connect packet, got ${first.body}`);
    await client.http('POST', client.transportPath(), `1::${namespace}`);
    const joined = await client.http('GET', client.transportPath());
    if (!joined.body.includes(`1::${namespace}`)) throw new Error(`expected the namespace's connect packet, got ${joined.body}`);
    void client.poll();
    return client;
  }

  /** Waits until `until` holds over the events received so far. */
  async waitFor(until: (events: ReceivedEvent[]) => boolean, timeoutMs = 120_000): Promise<ReceivedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!until(this.events)) {
      if (Date.now() > deadline) throw new Error(`timed out; received: ${JSON.stringify(this.events.map((e) => [e.name, e.payload]))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 500);
      });
    }
    return this.events;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.http('POST', this.transportPath(), '0::').catch(() => undefined);
  }

  private transportPath(): string {
    return `/socket.io/1/xhr-polling/${this.sid}?t=${Date.now()}`;
  }

  private async poll(): Promise<void> {
    while (!this.closed) {
      const answer = await this.http('GET', this.transportPath()).catch(() => undefined);
      if (!answer || answer.status !== 200) return;
      for (const packet of decode(answer.body)) this.onPacket(packet);
      for (const wake of this.waiters.splice(0)) wake();
    }
  }

  private onPacket(packet: string): void {
    const prefix = `5::${this.namespace}:`;
    if (!packet.startsWith(prefix)) return;
    const { name, args } = JSON.parse(packet.slice(prefix.length)) as { name: string; args: unknown[] };
    this.events.push({ name, payload: args[0] });
  }

  private http(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
      if (body !== undefined) headers['content-type'] = 'text/plain;charset=UTF-8';
      const req = request(`${this.base}${path}`, { method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

function decode(text: string): string[] {
  if (!text.startsWith('\ufffd')) return [text];
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\ufffd', at + 1);
    const length = Number(text.slice(at + 1, end));
    out.push(text.slice(end + 1, end + 1 + length));
    at = end + 1 + length;
  }
  return out;
}
